"""Sign-in through an OpenID Connect provider (``[console.oidc]``), as an option.

The authorization-code flow with PKCE, built on Authlib's OAuth 2 pieces
(:func:`~authlib.oauth2.rfc6749.parameters.prepare_grant_uri`, the S256 code
challenge of RFC 7636) and its JOSE library, joserfc, for the ID token:

1. ``/login/oidc`` makes a ``state``, a ``nonce`` and a PKCE code verifier,
   keeps them in a short-lived signed cookie and sends the browser to the
   provider's authorization endpoint;
2. the provider sends it back to ``redirect_uri`` with a code;
   :func:`finish` checks ``state`` against the cookie, exchanges the code
   (with the verifier and the client secret) at the token endpoint, and
   checks the ID token: signed by a key of the provider's JWKS, issued by
   ``issuer`` for ``client_id``, not expired, carrying the cookie's ``nonce``;
3. the person's groups (claim ``groups_claim`` of the ID token) give the
   role through ``[console.oidc.roles]``; the highest mapped role wins, and a
   person with no mapped group is refused.

Configuration (the client secret comes from the environment or the keyring,
never from the file, and is never logged)::

    [console.oidc]
    issuer = "https://login.example.com/realms/finance"
    # discovery_url = "..."   # default: issuer + /.well-known/openid-configuration
    client_id = "arbots-console"
    client_secret = { env = "ARBOTS_OIDC_SECRET" }
    redirect_uri = "https://arbots.example.com/login/oidc/callback"
    groups_claim = "groups"   # default
    label = "Company sign-in" # the button's text on /login

    [console.oidc.roles]      # role = IdP groups
    ar_staff = ["AR-Team"]
    supervisor = ["AR-Supervisors"]
    admin = ["IT-Console-Admins"]

A person signed in this way is kept as a console user with their role of the
last sign-in and no password (password sign-in is refused for them); the
name is the ID token's ``preferred_username`` (else ``email``, else ``sub``).
A local user of the same name is never taken over: such a sign-in is refused.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from bots.config import Config, ConfigError, Secret, _Section
from bots.console.auth import ROLES, User
from bots.store import Store

COOKIE = "arbots_oidc"
FLOW_AGE = 600  # seconds a sign-in at the provider may take
LEEWAY = 60  # seconds of clock difference allowed on exp / iat
TIMEOUT = 10.0  # seconds for a request to the provider
NO_PASSWORD = "oidc"  # the password hash of a user who signs in at the provider
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256")


class OidcRefused(PermissionError):
    """The provider's answer is not a valid sign-in (the message says why)."""


@dataclass(frozen=True)
class OidcSettings:
    """``[console.oidc]``: the provider, this client, and IdP groups -> console roles."""

    issuer: str
    client_id: str
    client_secret: Secret = field(repr=False)
    redirect_uri: str
    groups: dict[str, str]  # IdP group -> role
    discovery_url: str = ""
    groups_claim: str = "groups"
    label: str = "Sign in with your company account"
    scope: str = "openid profile email"

    def __post_init__(self) -> None:
        if not self.discovery_url:
            object.__setattr__(self, "discovery_url", self.issuer.rstrip("/")
                               + "/.well-known/openid-configuration")
        bad = sorted(r for r in self.groups.values() if r not in ROLES)
        if bad:
            raise ValueError(f"roles: {bad[0]!r} is not one of {', '.join(ROLES)}")

    def role_of(self, groups: list[str]) -> str | None:
        """The highest role any of ``groups`` maps to, or None."""
        mapped = {self.groups[g] for g in groups if g in self.groups}
        return next((r for r in reversed(ROLES) if r in mapped), None)


def settings(cfg: Config) -> OidcSettings | None:
    """The ``[console.oidc]`` settings of ``cfg``, or None when OIDC is not configured;
    ConfigError naming the file and key of a bad value."""
    console = _Section(cfg.source, "console", cfg.raw.get("console", {}))
    if "oidc" not in console.data:
        console.check_unknown()
        return None
    s = console.table("oidc")
    console.check_unknown()
    roles = s.table("roles")
    groups: dict[str, str] = {}
    for role in ROLES:
        for group in roles.strings(role):
            groups.setdefault(group, role)
    roles.check_unknown()
    secret = s.secret("client_secret")
    assert secret is not None  # required: _Section.secret raises instead
    oidc = OidcSettings(
        issuer=s.text("issuer"), client_id=s.text("client_id"), client_secret=secret,
        redirect_uri=s.text("redirect_uri"), groups=groups,
        discovery_url=s.text("discovery_url", ""), groups_claim=s.text("groups_claim", "groups"),
        label=s.text("label", OidcSettings.label), scope=s.text("scope", OidcSettings.scope))
    s.check_unknown()
    if not groups:
        raise ConfigError(f"{cfg.source}: console.oidc.roles: map at least one IdP group "
                          f"to a role ({', '.join(ROLES)})")
    return oidc


@dataclass(frozen=True)
class Flow:
    """One sign-in under way: what the callback must find again."""

    state: str
    nonce: str
    verifier: str


class Provider:
    """The OpenID provider of ``settings``: its discovery document and keys, fetched on
    first use (the console starts while the provider is down)."""

    def __init__(self, oidc: OidcSettings, secret: str) -> None:
        self.oidc = oidc
        self.flows = URLSafeTimedSerializer(secret, salt="arbots-oidc")
        self._metadata: dict[str, Any] | None = None

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (kept after the first good read)."""
        if self._metadata is None:
            found = _get_json(self.oidc.discovery_url)
            if found.get("issuer") != self.oidc.issuer:
                raise OidcRefused(f"the discovery document names the issuer "
                                  f"{found.get('issuer')!r}, not {self.oidc.issuer!r}")
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(found.get(key), str):
                    raise OidcRefused(f"the discovery document has no {key}")
            self._metadata = found
        return self._metadata

    def start(self) -> tuple[str, str]:
        """(the provider's authorization URL, the signed cookie holding the flow)."""
        flow = Flow(secrets.token_urlsafe(24), secrets.token_urlsafe(24),
                    secrets.token_urlsafe(48))
        url = prepare_grant_uri(
            self.metadata()["authorization_endpoint"], self.oidc.client_id, "code",
            redirect_uri=self.oidc.redirect_uri, scope=self.oidc.scope, state=flow.state,
            nonce=flow.nonce, code_challenge=create_s256_code_challenge(flow.verifier),
            code_challenge_method="S256")
        return url, self.flows.dumps([flow.state, flow.nonce, flow.verifier])

    def flow(self, cookie: str | None) -> Flow:
        """The flow kept in ``cookie``; OidcRefused when there is none or it is too old."""
        try:
            state, nonce, verifier = self.flows.loads(cookie or "", max_age=FLOW_AGE)
        except (BadSignature, ValueError, TypeError):
            raise OidcRefused("the sign-in expired or was not started here: "
                              "start it again") from None
        return Flow(state, nonce, verifier)

    def finish(self, flow: Flow, params: dict[str, str]) -> User:
        """The person the provider's answer ``params`` (query of the redirect) signs in,
        with their role; OidcRefused for a wrong state, a provider error, a bad ID token
        or no mapped group."""
        if not hmac.compare_digest(params.get("state", ""), flow.state):
            raise OidcRefused("the answer's state is not the one this sign-in sent")
        if "error" in params:
            raise OidcRefused(f"the provider refused: {params['error']} "
                              f"{params.get('error_description', '')}".strip())
        if not params.get("code"):
            raise OidcRefused("the provider's answer has no code")
        claims = self.id_token(self._exchange(params["code"], flow.verifier), flow.nonce)
        name = next((str(claims[k]) for k in ("preferred_username", "email", "sub")
                     if claims.get(k)), "")
        groups = claims.get(self.oidc.groups_claim) or []
        groups = [groups] if isinstance(groups, str) else [str(g) for g in groups]
        role = self.oidc.role_of(groups)
        if role is None:
            raise OidcRefused(f"{name}: none of your groups is mapped to a console role "
                              "(ask an administrator: [console.oidc.roles])")
        return User(name, role)

    def _exchange(self, code: str, verifier: str) -> str:
        """The ID token the token endpoint gives for ``code``."""
        try:
            answer = httpx.post(
                self.metadata()["token_endpoint"], timeout=TIMEOUT,
                auth=(self.oidc.client_id, self.oidc.client_secret.reveal()),
                data={"grant_type": "authorization_code", "code": code,
                      "redirect_uri": self.oidc.redirect_uri, "code_verifier": verifier})
        except httpx.HTTPError as exc:
            raise OidcRefused(f"the token endpoint cannot be reached "
                              f"({type(exc).__name__})") from None
        body = _json(answer)
        if answer.status_code != 200 or not isinstance(body.get("id_token"), str):
            raise OidcRefused(f"the token endpoint refused the code: "
                              f"{body.get('error') or answer.status_code}")
        return str(body["id_token"])

    def id_token(self, token: str, nonce: str) -> dict[str, Any]:
        """The claims of ``token`` once its signature, issuer, audience, times and
        ``nonce`` are checked; OidcRefused naming what is wrong."""
        keys = KeySet.import_key_set(_get_json(self.metadata()["jwks_uri"]))  # type: ignore[arg-type]
        try:
            claims = jwt.decode(token, keys, algorithms=list(ALGORITHMS)).claims
        except (JoseError, ValueError) as exc:
            raise OidcRefused(f"the ID token's signature is not one of the provider's keys "
                              f"({type(exc).__name__})") from None
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY, iss={"essential": True, "value": self.oidc.issuer},
            aud={"essential": True, "value": self.oidc.client_id},
            sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
            nonce={"essential": True, "value": nonce})
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise OidcRefused(f"the ID token is not valid: {exc.error}: "
                              f"{exc.description or ''}".rstrip(": ")) from None
        return claims


def remember(store: Store, user: User) -> None:
    """Keep ``user`` (signed in at the provider) as a console user with their role now;
    OidcRefused when a local user with a password has that name."""
    row = store.console_user(user.name)
    if row is not None and row["password_hash"] != NO_PASSWORD:
        raise OidcRefused(f"{user.name}: a local console user of that name exists; "
                          "sign in with its password")
    if row is None or row["role"] != user.role:
        store.set_user(user.name, user.role, NO_PASSWORD)
    store.record_sign_in(user.name, True)


def _get_json(url: str) -> dict[str, Any]:
    """The JSON object at ``url``; OidcRefused when it cannot be read."""
    try:
        answer = httpx.get(url, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise OidcRefused(f"the provider cannot be reached at {url} "
                          f"({type(exc).__name__})") from None
    body = _json(answer)
    if answer.status_code != 200 or not body:
        raise OidcRefused(f"the provider answered {answer.status_code} at {url}")
    return body


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
