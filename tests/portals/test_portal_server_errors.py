"""The reference portals' HTTP server: a browser that went away is not a server error."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bots.sandbox.portals.faults import Faults
from bots.sandbox.portals.web import PortalServer, Request, Response


def _boom(request: Request) -> Response:
    raise ValueError("a bug in the portal page")


@pytest.fixture
def server() -> Iterator[PortalServer]:
    srv = PortalServer(_boom, Faults(), lambda: None)
    yield srv
    srv.stop()


def test_a_client_that_went_away_leaves_no_traceback(server: PortalServer,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
        try:
            raise error
        except ConnectionError:
            server._http.handle_error(None, ("127.0.0.1", 50000))
    assert "Traceback" not in capfd.readouterr().err


def test_a_real_server_error_is_still_reported(server: PortalServer,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        sock.recv(1)  # the server closes without an answer after the error
    server.stop()  # joins the handler thread's output
    err = capfd.readouterr().err
    assert "Traceback" in err and "a bug in the portal page" in err
