"""The per-request plumbing of the console: the store, who is asking, CSRF, roles.

Every route but ``/healthz`` and ``/login`` depends on :func:`identify`: a
bearer token (``Authorization: Bearer arb_...``) or a signed session cookie.
Without either, a page answers with a redirect to ``/login`` and the API
with 401. A state-changing request made with the cookie must carry the
session's CSRF token (:func:`check_csrf`), else 403 and nothing changes.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the annotations of
# :func:`require`'s inner function, which name a variable of its closure.
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from bots.config import Config
from bots.console.auth import COOKIE, Sessions, User, csrf_ok, user_of_token
from bots.store import Store


class NeedsSignIn(Exception):
    """No session and no token: pages redirect to /login, the API answers 401."""


@dataclass(frozen=True)
class Identity:
    """Who is asking, and how: ``session`` is None for a bearer token."""

    user: User
    session: dict[str, Any] | None

    @property
    def csrf(self) -> str:
        """The CSRF token to put into forms (empty for a token)."""
        return self.session["c"] if self.session else ""


def config(request: Request) -> Config:
    """The configuration the console was started with."""
    cfg: Config = request.app.state.cfg
    return cfg


def store(request: Request) -> Iterator[Store]:
    """The store, opened for this request and closed after it (FastAPI may run the
    opening, the handler and the closing in different threads of its pool)."""
    with Store(config(request).store_target(), shared=True) as opened:
        yield opened


def sessions(request: Request) -> Sessions:
    """The session signer of the app."""
    signer: Sessions = request.app.state.sessions
    return signer


def session_of(request: Request) -> dict[str, Any] | None:
    """The request's valid session cookie, or None."""
    return sessions(request).read(request.cookies.get(COOKIE))


StoreDep = Annotated[Store, Depends(store)]
ConfigDep = Annotated[Config, Depends(config)]


def identify(request: Request, db: StoreDep) -> Identity:
    """The user behind the bearer token or session cookie; :class:`NeedsSignIn` if none."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = user_of_token(db, header[7:].strip())
        if user is None:
            raise NeedsSignIn
        return Identity(user, None)
    session = session_of(request)
    name = session.get("u") if session else None
    row = db.console_user(name) if isinstance(name, str) else None
    if row is None:
        raise NeedsSignIn
    return Identity(User(row["name"], row["role"]), session)


async def check_csrf(request: Request, who: Annotated[Identity, Depends(identify)]
                     ) -> Identity:
    """``who``, once a cookie-authenticated request has shown the session's CSRF token."""
    if who.session is None:
        return who
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not csrf_ok(who.session, sent):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return who


def require(*roles: str, write: bool = False) -> Callable[..., Identity]:
    """A dependency: the caller, if their role is one of ``roles`` (admin: any), else 403.

    ``write``: the request changes something, so it needs the CSRF token too.
    """

    def allowed(who: Annotated[Identity, Depends(check_csrf if write else identify)]
                ) -> Identity:
        if not who.user.may(*roles):
            raise HTTPException(403, f"{who.user.name} ({who.user.role}) may not do this; "
                                     f"needs the role {' or '.join(roles) or 'admin'}")
        return who

    return allowed


READ = ("ar_staff", "supervisor")  # every signed-in role reads
Reader = Annotated[Identity, Depends(require(*READ))]
Staff = Annotated[Identity, Depends(require("ar_staff"))]
StaffWrite = Annotated[Identity, Depends(require("ar_staff", write=True))]
Admin = Annotated[Identity, Depends(require())]
AdminWrite = Annotated[Identity, Depends(require(write=True))]
Reviewer = Annotated[Identity, Depends(require("ar_staff", "supervisor"))]
ReviewerWrite = Annotated[Identity, Depends(require("ar_staff", "supervisor", write=True))]
SignedWrite = Annotated[Identity, Depends(check_csrf)]
