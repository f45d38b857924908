"""Who is asking: passwords, API tokens, the session cookie, CSRF tokens, sign-in throttling.

- Passwords are kept as argon2 hashes; API tokens (``arbots console token``)
  as SHA-256 hashes: a token is 32 random bytes, so a fast hash is enough and
  the clear token is shown once, never stored.
- The session is a cookie signed with itsdangerous (``HttpOnly``,
  ``SameSite=Strict``), holding the user name and the session's CSRF token;
  every form carries that token and every state-changing request made with
  the cookie must send it back (form field ``csrf_token`` or header
  ``X-CSRF-Token``). Requests with a bearer token need no CSRF token: a
  browser never adds one by itself.
- After :data:`MAX_FAILURES` failed sign-ins of one user name within
  :data:`THROTTLE_WINDOW`, that name is refused until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bots.store import Store

COOKIE = "arbots_session"
SESSION_AGE = timedelta(hours=12)
MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
ROLES = ("ar_staff", "supervisor", "admin")

_hasher = PasswordHasher()
# verified against when the user name is unknown, so both cases take as long
_UNKNOWN_USER_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    """A signed-in person (or the owner of an API token) and their role."""

    name: str
    role: str

    def may(self, *roles: str) -> bool:
        """Whether this user has one of ``roles`` (an admin may everything)."""
        return self.role == "admin" or self.role in roles


class SignInRefused(RuntimeError):
    """Wrong user name or password, or too many failures (the message says which)."""


def hash_password(password: str) -> str:
    """The argon2 hash of ``password``."""
    return _hasher.hash(password)


def add_user(store: Store, name: str, role: str, password: str) -> None:
    """Add user ``name`` with ``role`` (or reset an existing one's role and password)."""
    if not name.strip() or name != name.strip():
        raise ValueError("user name: expected a name without leading or trailing blanks")
    if len(password) < 8:
        raise ValueError("password: expected at least 8 characters")
    store.set_user(name, role, hash_password(password))


def issue_token(store: Store, name: str) -> str:
    """A new API token of user ``name`` (shown once; only its hash is kept)."""
    if store.console_user(name) is None:
        raise ValueError(f"no console user {name!r} (add it with `arbots console add-user`)")
    token = "arb_" + secrets.token_urlsafe(32)
    store.add_token(name, token_hash(token))
    return token


def token_hash(token: str) -> str:
    """How an API token is kept in the store."""
    return hashlib.sha256(token.encode()).hexdigest()


def user_of_token(store: Store, token: str) -> User | None:
    """The owner of API token ``token``, or None."""
    row = store.token_user(token_hash(token))
    return User(row["name"], row["role"]) if row else None


def sign_in(store: Store, name: str, password: str) -> User:
    """The user whose ``password`` this is; :class:`SignInRefused` otherwise.

    Every attempt is recorded; a name with too many recent failures is
    refused without looking at the password.
    """
    since = store.clock() - THROTTLE_WINDOW
    if store.failed_sign_ins(name, since) >= MAX_FAILURES:
        raise SignInRefused(f"too many failed sign-ins for this user name; try again in "
                            f"{int(THROTTLE_WINDOW.total_seconds() // 60)} minutes or ask an "
                            "administrator (runbooks/console.md)")
    row = store.console_user(name)
    try:
        _hasher.verify(row["password_hash"] if row else _UNKNOWN_USER_HASH, password)
        ok = row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    store.record_sign_in(name, ok)
    if not ok or row is None:
        raise SignInRefused("wrong user name or password")
    return User(row["name"], row["role"])


class Sessions:
    """Signing and reading the session cookie; the secret is kept in ``secret_file``."""

    def __init__(self, secret_file: Path) -> None:
        self.serializer = URLSafeTimedSerializer(signing_secret(secret_file),
                                                 salt="arbots-console")

    def new(self, user: str | None) -> tuple[str, str]:
        """A signed session for ``user`` (None: not signed in yet) and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        return self.serializer.dumps({"u": user, "c": csrf}), csrf

    def read(self, cookie: str | None) -> dict[str, Any] | None:
        """The session in ``cookie`` (keys ``u``: user or None, ``c``: CSRF token), or None
        when there is none, it is forged or it is older than :data:`SESSION_AGE`."""
        if not cookie:
            return None
        try:
            data = self.serializer.loads(cookie, max_age=int(SESSION_AGE.total_seconds()))
        except BadSignature:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("c"), str) else None


def csrf_ok(session: dict[str, Any] | None, sent: str | None) -> bool:
    """Whether ``sent`` is the CSRF token of ``session``."""
    return bool(session and sent and hmac.compare_digest(session["c"], sent))


def signing_secret(path: Path) -> str:
    """The signing secret in ``path``, made (readable by the owner only) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="ascii")
    return path.read_text(encoding="ascii").strip()
