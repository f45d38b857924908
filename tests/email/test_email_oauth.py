"""Real MSAL client-credentials flow against a loopback HTTPS token endpoint.

MSAL refuses plain-HTTP authorities, so the test makes a throwaway self-signed
certificate for 127.0.0.1 and hands MSAL a session that trusts it (the same
``http_session(ca_bundle)`` a site with its own CA configures).
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
from graph_fake import FakeGraph
from mailbox_servers import http_server, self_signed  # noqa: F401 - fixture

from bots.config import Secret
from bots.email import MailboxAuthError
from bots.email.graph import GraphMailbox
from bots.email.oauth import GRAPH_SCOPE, ClientCredentials, http_session
from bots.retry import RetryPolicy

SECRET = "client-Secret-value-0815"
TENANT = "contoso-tenant"


class TokenEndpoint:
    """Entra ID's two calls for client credentials: tenant discovery and /token."""

    def __init__(self) -> None:
        self.base = ""
        self.token_requests: list[dict[str, str]] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, payload: dict[str, object]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                assert self.path.startswith(f"/{TENANT}/v2.0/.well-known/openid-configuration")
                root = f"{endpoint.base}/{TENANT}"
                self._reply(200, {"token_endpoint": f"{root}/oauth2/v2.0/token",
                                  "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                                  "issuer": f"{root}/v2.0"})

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                endpoint.token_requests.append(form)
                if form.get("client_secret") != SECRET:
                    self._reply(401, {"error": "invalid_client",
                                      "error_description": "AADSTS7000215: Invalid client "
                                                           "secret provided."})
                    return
                self._reply(200, {"token_type": "Bearer", "expires_in": 3599,
                                  "access_token": "msal-issued-token"})

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def token_endpoint(tmp_path: Path) -> Iterator[tuple[TokenEndpoint, requests.Session]]:
    cert_file, key_file = self_signed(tmp_path)
    endpoint = TokenEndpoint()
    server = ThreadingHTTPServer(("127.0.0.1", 0), endpoint.handler())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    endpoint.base = f"https://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield endpoint, http_session(str(cert_file))
    server.shutdown()
    server.server_close()


def credentials(endpoint: TokenEndpoint, session: requests.Session, secret: str) \
        -> ClientCredentials:
    return ClientCredentials("app-id-1", Secret.literal(secret), f"{endpoint.base}/{TENANT}",
                             GRAPH_SCOPE, http_client=session, instance_discovery=False)


def test_msal_token_reaches_graph_and_is_cached(
        token_endpoint: tuple[TokenEndpoint, requests.Session],
        http_server,  # noqa: F811
) -> None:
    endpoint, session = token_endpoint
    fake = FakeGraph("remit@contoso.example", "msal-issued-token")
    graph = http_server(fake)
    fake.base = graph.url
    fake.deliver("R1", "ap@customer.example", "2026-11-01T00:00:00Z", b"Subject: R1\r\n\r\nx")
    box = GraphMailbox("online", user="remit@contoso.example",
                       token=credentials(endpoint, session, SECRET),
                       graph_url=f"{graph.url}/v1.0", retry=RetryPolicy(attempts=1))
    with box:
        (ref,) = box.list_new()
        assert box.fetch(ref) == b"Subject: R1\r\n\r\nx"
    (form,) = endpoint.token_requests  # one token for three Graph calls
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == GRAPH_SCOPE and form["client_id"] == "app-id-1"


def test_refused_client_secret_is_an_auth_error_without_the_secret(
        token_endpoint: tuple[TokenEndpoint, requests.Session]) -> None:
    endpoint, session = token_endpoint
    provider = credentials(endpoint, session, "Wrong-secret-4242")
    with pytest.raises(MailboxAuthError, match="refused client app-id-1: invalid_client: "
                                               "AADSTS7000215") as info:
        provider.token()
    assert "Wrong-secret-4242" not in str(info.value) + repr(provider)
