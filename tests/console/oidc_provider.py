"""A small OpenID provider for the console's OIDC tests, served on 127.0.0.1.

Discovery document, JWKS, an authorization endpoint that approves its one
test user at once, and a token endpoint that checks the client's secret, the
redirect URI and the PKCE verifier (RFC 7636 S256, Authlib's
``create_s256_code_challenge``) before it issues an ID token signed with an
RSA key made for the test (joserfc, Authlib's JOSE library).

Its knobs let a test make it misbehave the ways a hostile or broken provider
might: :attr:`LocalProvider.groups` (the user's groups), ``nonce`` (put another
nonce into the ID token), ``signing_key`` (sign with a key the JWKS does not
publish) and ``lifetime`` (negative: an ID token that already expired).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.console.conftest import loopback_socket, served

CLIENT_ID = "arbots-console"
CLIENT_SECRET = "s3cret-of-the-test-client"
USER = "olivia"
basic = HTTPBasic()  # module level: FastAPI resolves the endpoints' annotations here


@dataclass
class LocalProvider:
    """The provider's state and knobs (see the module docstring)."""

    issuer: str
    redirect_uri: str
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, auto_kid=True))
    groups: list[str] = field(default_factory=lambda: ["AR-Team"])
    nonce: str | None = None
    signing_key: RSAKey | None = None
    lifetime: int = 300
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def id_token(self, nonce: str) -> str:
        """The ID token of the test user, as the knobs make it."""
        now = int(time.time())
        key = self.signing_key or self.key
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": "u-0042",
                  "preferred_username": USER, "groups": self.groups,
                  "nonce": self.nonce if self.nonce is not None else nonce,
                  "iat": now - max(0, -self.lifetime) - 60, "exp": now + self.lifetime}
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def provider_app(idp: LocalProvider) -> FastAPI:
    """The provider's endpoints."""
    app = FastAPI()

    @app.get("/.well-known/openid-configuration")
    def discovery() -> dict[str, Any]:
        return {"issuer": idp.issuer, "authorization_endpoint": f"{idp.issuer}/authorize",
                "token_endpoint": f"{idp.issuer}/token", "jwks_uri": f"{idp.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"]}

    @app.get("/jwks")
    def jwks() -> dict[str, Any]:
        return {"keys": [idp.key.as_dict(private=False)]}

    @app.get("/authorize")
    def authorize(request: Request) -> RedirectResponse:
        q = request.query_params
        if q.get("client_id") != CLIENT_ID or q.get("redirect_uri") != idp.redirect_uri \
                or q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" \
                or not q.get("code_challenge") or "openid" not in q.get("scope", "").split():
            raise HTTPException(400, "invalid_request")
        code = secrets.token_urlsafe(16)
        idp.codes[code] = {"nonce": q.get("nonce", ""), "challenge": q["code_challenge"]}
        answer = urlencode({"code": code, "state": q.get("state", "")})
        return RedirectResponse(f"{idp.redirect_uri}?{answer}", status_code=302)

    @app.post("/token")
    def token(credentials: Annotated[HTTPBasicCredentials, Depends(basic)],
              grant_type: Annotated[str, Form()], code: Annotated[str, Form()],
              redirect_uri: Annotated[str, Form()], code_verifier: Annotated[str, Form()]
              ) -> JSONResponse:
        idp.token_requests.append({"code": code, "code_verifier": code_verifier})
        issued = idp.codes.pop(code, None)
        if (credentials.username, credentials.password) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if grant_type != "authorization_code" or issued is None \
                or redirect_uri != idp.redirect_uri \
                or create_s256_code_challenge(code_verifier) != issued["challenge"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 300, "id_token": idp.id_token(issued["nonce"])})

    return app


@contextmanager
def serving(redirect_uri: str) -> Iterator[LocalProvider]:
    """A :class:`LocalProvider` served by uvicorn on a free loopback port (listening
    before this returns), stopped afterwards."""
    sock = loopback_socket()
    idp = LocalProvider(f"http://127.0.0.1:{sock.getsockname()[1]}", redirect_uri)
    with served(provider_app(idp), sock):
        yield idp
