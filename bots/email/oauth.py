"""Bearer tokens for Exchange Online (Graph, IMAP XOAUTH2), app-only.

Two token providers share one tiny contract, ``token() -> str``:

- :class:`ClientCredentials`: MSAL's ``ConfidentialClientApplication(...)
  .acquire_token_for_client(scopes=[...])`` (the daemon flow; MSAL caches the
  token until shortly before it expires).
- :class:`StaticToken`: a token obtained by other means, read from the
  environment or the keyring through :class:`bots.config.Secret`.

Configuration, a table inside the mailbox's table::

    [mailboxes.online.oauth]
    tenant = "contoso.onmicrosoft.com"     # or authority = "https://login.../<tenant>"
    client_id = "00000000-0000-0000-0000-000000000000"
    client_secret = { env = "ARBOTS_GRAPH_SECRET" }
    # scope = "https://graph.microsoft.com/.default"   (the backend's default)

    # or, instead of the four keys above:
    # token = { env = "ARBOTS_GRAPH_TOKEN" }

Tests inject any object with a ``token()`` method, or point ``authority`` at a
loopback HTTPS server (MSAL refuses plain-HTTP authorities).

Limits: certificate credentials and managed identities are not wired; the
token is never logged, and errors carry only the server's error code and text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from bots.config import ConfigError, Secret
from bots.email.base import MailboxAuthError, TransientError, required_secret

if TYPE_CHECKING:
    from bots.config import _Section

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
OUTLOOK_SCOPE = "https://outlook.office365.com/.default"  # IMAP.AccessAsApp


class TokenProvider(Protocol):
    """Anything that hands out a current bearer token."""

    def token(self) -> str:
        """A valid access token (refreshed when needed)."""
        ...


class StaticToken:
    """A token kept in the environment or keyring (refreshed by someone else)."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret

    def token(self) -> str:
        return self.secret.reveal()

    def __repr__(self) -> str:
        return f"StaticToken({self.secret!r})"


class ClientCredentials:
    """App-only tokens from Microsoft Entra ID through MSAL (client secret)."""

    def __init__(self, client_id: str, client_secret: Secret, authority: str, scope: str,
                 http_client: Any = None, instance_discovery: bool | None = None) -> None:
        """``http_client`` and ``instance_discovery`` go to MSAL as they are (a private
        authority, such as a loopback test server, needs ``instance_discovery=False``)."""
        self.client_id, self.authority, self.scope = client_id, authority, scope
        self._secret, self._http_client = client_secret, http_client
        self._instance_discovery = instance_discovery
        self._app: Any = None

    def token(self) -> str:
        import msal
        import requests

        try:
            if self._app is None:
                extra = {"http_client": self._http_client} if self._http_client else {}
                self._app = msal.ConfidentialClientApplication(
                    self.client_id, authority=self.authority,
                    client_credential=self._secret.reveal(),
                    instance_discovery=self._instance_discovery, **extra)
            result = self._app.acquire_token_for_client(scopes=[self.scope])
        except requests.exceptions.SSLError:
            raise MailboxAuthError(f"token endpoint {self.authority}: TLS failure "
                                   "(certificate not trusted? see ca_bundle)") from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientError(f"token endpoint {self.authority}: {type(exc).__name__}") \
                from None
        except ValueError as exc:  # MSAL: bad authority, tenant discovery failed
            raise MailboxAuthError(f"token endpoint {self.authority}: {exc}") from None
        if "access_token" not in result:
            raise MailboxAuthError(f"token endpoint {self.authority} refused client "
                                   f"{self.client_id}: {result.get('error')}: "
                                   f"{result.get('error_description', '')}".rstrip(": "))
        return str(result["access_token"])

    def __repr__(self) -> str:
        return f"ClientCredentials({self.client_id!r}, {self.authority!r}, ***)"


def http_session(ca_bundle: str | None = None) -> Any:
    """A ``requests.Session`` for Graph and MSAL, trusting ``ca_bundle`` when given.

    requests lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` override a session's
    own ``verify`` (psf/requests#3829); this session keeps the bundle it was
    given and still honours the environment's proxies.
    """
    import requests

    class Session(requests.Session):
        def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any,
                                       cert: Any) -> Any:
            merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
            if verify is None and ca_bundle is not None:
                merged["verify"] = ca_bundle
            return merged

    session = Session()
    if ca_bundle is not None:
        session.verify = ca_bundle
    return session


def token_provider_from_settings(section: _Section, default_scope: str,
                                 http_client: Any = None) -> TokenProvider:
    """Build a provider from an ``oauth`` table (client credentials or a static token).

    ``http_client`` (a ``requests.Session``) lets MSAL share a CA bundle.
    """
    token = section.secret("token", None)
    if token is not None:
        section.check_unknown()
        return StaticToken(token)
    tenant = section.text("tenant", None)
    authority = section.text("authority", None)
    if (tenant is None) == (authority is None):
        raise ConfigError(f"{section.source}: {section.prefix}.tenant: give tenant or "
                          "authority (or token)")
    if authority is None:
        authority = f"https://login.microsoftonline.com/{tenant}"
    provider = ClientCredentials(section.text("client_id"),
                                 required_secret(section, "client_secret"), authority,
                                 section.text("scope", default_scope), http_client)
    section.check_unknown()
    return provider
