"""A tiny web toolkit for the reference portals: request, response, server thread.

Each reference portal is an object with ``dispatch(Request) -> Response``;
:class:`PortalServer` serves it on ``127.0.0.1`` (a free port) from a daemon
thread with the standard library's ``ThreadingHTTPServer``, and applies the
configured :class:`~bots.sandbox.portals.faults.Faults` (slow pages, a 500 on
the Nth request, sessions ending) before the portal sees the request.

Forms are read from ``application/x-www-form-urlencoded`` and
``multipart/form-data`` bodies (file uploads through :mod:`email`'s MIME parser,
since :mod:`cgi` is gone from newer Pythons).

Limits: HTTP only (loopback), no chunked request bodies, one value per form
field (the last one wins).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from bots.sandbox.portals.faults import Faults


@dataclass(frozen=True)
class Upload:
    """One uploaded file."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    """What a portal handler needs from an HTTP request."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    body: bytes = b""  # the raw body (a cXML document)
    content_type: str = ""

    def value(self, name: str) -> str:
        """A form field, stripped ('' when absent)."""
        return self.form.get(name, "").strip()


@dataclass
class Response:
    """Status, body (HTML unless ``content_type`` says otherwise) and headers."""

    body: str = ""
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "text/html; charset=utf-8"

    @classmethod
    def redirect(cls, location: str) -> Response:
        return cls(status=303, headers=[("Location", location)])

    def set_cookie(self, name: str, value: str, max_age: int | None = None) -> Response:
        cookie = f"{name}={value}; Path=/; HttpOnly; SameSite=Lax"
        if max_age is not None:
            cookie += f"; Max-Age={max_age}"
        self.headers.append(("Set-Cookie", cookie))
        return self


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Upload]]:
    """Form fields and uploads of a POST body."""
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
        form: dict[str, str] = {}
        files: dict[str, Upload] = {}
        for part in message.iter_parts():
            name = str(part.get_param("name", header="content-disposition") or "")
            if not name:
                continue
            filename = part.get_filename()
            raw = part.get_payload(decode=True)
            payload = raw if isinstance(raw, bytes) else b""
            if filename is not None:
                if payload:
                    files[name] = Upload(filename, part.get_content_type(), payload)
            else:
                form[name] = payload.decode("utf-8")
        return form, files
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}


Handler = Callable[[Request], Response]


class _QuietServer(ThreadingHTTPServer):
    """A browser that went away mid-answer (a killed run's Chromium, a closed page) is
    no server error: no traceback on stderr, as a production web server would log it."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class PortalServer:
    """Serves one portal on a free loopback port until :meth:`stop`."""

    def __init__(self, dispatch: Handler, faults: Faults,
                 expire_sessions: Callable[[], None]) -> None:
        self.faults, self._expire_sessions = faults, expire_sessions
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server._serve(self, dispatch)

            do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

        self._http = _QuietServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True,
                                        name=f"portal-{self._http.server_address[1]}")
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)

    def _serve(self, raw: BaseHTTPRequestHandler, dispatch: Handler) -> None:
        parts = urlsplit(raw.path)
        length = int(raw.headers.get("Content-Length") or 0)
        body = raw.rfile.read(length) if length else b""
        if parts.path == "/favicon.ico":
            return _write(raw, Response(status=404))
        faults = self.faults.on_request(parts.path)
        if faults.delay:
            time.sleep(faults.delay)
        if faults.expire_sessions:
            self._expire_sessions()
        if faults.fail:
            return _write(raw, server_error())
        xml = raw.headers.get("Content-Type", "").startswith(("text/xml", "application/xml"))
        form, files = parse_body(raw.headers.get("Content-Type", ""), body) \
            if raw.command == "POST" and not xml else ({}, {})
        cookies = {k: m.value for k, m in SimpleCookie(raw.headers.get("Cookie", "")).items()}
        content_type = raw.headers.get("Content-Type", "")
        request = Request(raw.command, parts.path, dict(parse_qsl(parts.query)), form, files,
                          cookies, body, content_type)
        _write(raw, dispatch(request))


def server_error() -> Response:
    """The page a portal shows when it breaks."""
    return Response("<!doctype html><title>500 Internal Server Error</title>"
                    "<h1>Internal Server Error</h1>", status=500)


def _write(raw: BaseHTTPRequestHandler, response: Response) -> None:
    data = response.body.encode("utf-8")
    raw.send_response(response.status)
    raw.send_header("Content-Type", response.content_type)
    raw.send_header("Content-Length", str(len(data)))
    raw.send_header("Cache-Control", "no-store")
    for name, value in response.headers:
        raw.send_header(name, value)
    raw.end_headers()
    raw.wfile.write(data)
