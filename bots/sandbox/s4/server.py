"""The S/4 simulator's HTTP side: routing, logon, CSRF tokens, faults, V2 JSON.

Paths as on an S/4HANA system: ``/sap/opu/odata/sap/<SERVICE>/`` (the
service document), ``/sap/opu/odata/sap/<SERVICE>/<EntitySet>`` (a
collection read, query options by :mod:`.odata`) and ``/oauth/token`` (OAuth
2.0 client credentials, the client authenticating with HTTP Basic or with
``client_id``/``client_secret`` form fields).

* **Logon**: every OData request needs ``Authorization: Basic`` (the
  communication user), ``Bearer`` (a token from ``/oauth/token``) or, served
  over TLS (``tls``), a client certificate the server's CA trusts (x509), as
  the service's communication arrangement allows (:attr:`S4Server.auth`,
  per service); else 401 with ``WWW-Authenticate``.
* **CSRF**: ``x-csrf-token: fetch`` on a GET answers a token in the
  ``x-csrf-token`` header, bound to the session cookie set with it. A
  modifying request (POST, PUT, PATCH, MERGE, DELETE) without that token and
  cookie gets 403 and ``x-csrf-token: Required``; with them, a ``POST`` to a
  function import (:data:`.entities.FUNCTION_IMPORTS`, e.g. ``ReleaseCreditBlock``)
  runs it with the URL parameters and answers its entity; anything else is
  405: the entity sets here take no writes (the cube is read-only on S/4 as well).
* **JSON only**: ``$format=json`` or ``Accept: application/json``; Atom XML
  is not simulated (406). Neither is ``$metadata``, ``$expand`` or key
  access (``A_Customer('...')``): 501 with an OData error.
* **Batch**: ``POST <service>/$batch`` (with the CSRF token) answers the
  reads it carries part by part (:mod:`.batch`).
* **Faults** for tests: :meth:`Faults.fail` answers the next N OData requests
  with a 503, :meth:`Faults.stall` holds them for some seconds first.
"""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from bots.sandbox.s4 import attachments, batch, lockbox, odata
from bots.sandbox.s4.entities import CUBE_SERVICE, ENTITY_SETS, FUNCTION_IMPORTS, EntitySet
from bots.sandbox.sap.store import open_db

ODATA_ROOT = "/sap/opu/odata/sap/"
TOKEN_PATH = "/oauth/token"
SESSION_COOKIE = "SAP_SESSIONID_S4H_100"
TOKEN_SECONDS = 3600
MODIFYING = {"POST", "PUT", "PATCH", "MERGE", "DELETE"}


@dataclass(frozen=True)
class Credentials:
    """The communication user and the OAuth client the simulator knows."""

    user: str
    password: str
    client_id: str
    client_secret: str


@dataclass
class Faults:
    """Failures the next OData requests meet (tests set them; the server counts down)."""

    failures: int = 0
    status: int = 503
    stalls: int = 0
    stall_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` OData requests with ``status``."""
        with self._lock:
            self.failures, self.status = count, status

    def stall(self, count: int, seconds: float) -> None:
        """Hold the next ``count`` OData requests ``seconds`` before answering."""
        with self._lock:
            self.stalls, self.stall_seconds = count, seconds

    def take(self) -> tuple[int | None, float]:
        """(status to fail with or None, seconds to stall) for one request."""
        with self._lock:
            status = None
            if self.failures:
                self.failures -= 1
                status = self.status
            stall = 0.0
            if self.stalls:
                self.stalls -= 1
                stall = self.stall_seconds
            return status, stall


@dataclass
class Stats:
    """What the simulator was asked, for tests: token grants, OData reads per entity set
    and calls per function import (``reads["ReleaseCreditBlock"]``)."""

    tokens_granted: int = 0
    reads: dict[str, int] = field(default_factory=dict)


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
             ) -> Answer:
        return cls(status, json.dumps(data).encode("utf-8"), "application/json",
                   headers or [])

    @classmethod
    def error(cls, error: odata.ODataError, headers: list[tuple[str, str]] | None = None
              ) -> Answer:
        return cls.json(error.body(), error.status, headers)


class S4Server:
    """Serves the entity sets of :mod:`.entities` from ``sandbox_db`` on a free loopback port."""

    def __init__(self, sandbox_db: Path, credentials: Credentials, *, page_size: int = 1000,
                 auth: dict[str, set[str]] | None = None,
                 tls: ssl.SSLContext | None = None,
                 clock: Callable[[], date] = date.today) -> None:
        """``auth``: per service, the logons its arrangement accepts (``basic``,
        ``oauth``, ``x509``); services not named accept all. ``tls``: serve https with
        this server context (its verify mode and CAs decide which client
        certificates count). ``clock``: today for the function imports (due dates)."""
        self.sandbox_db, self.credentials, self.page_size = sandbox_db, credentials, page_size
        self.clock = clock
        self.auth = auth or {}
        self.faults, self.stats = Faults(), Stats()
        self._tokens: dict[str, float] = {}  # bearer token -> expiry (monotonic)
        self._csrf: dict[str, str] = {}  # session id -> CSRF token
        self._lock = threading.Lock()
        self._db = open_db(sandbox_db)
        lockbox.ensure_tables(self._db)
        attachments.ensure_table(self._db)
        self.lockbox = lockbox.Lockbox(sandbox_db, clock)  # batches in, posted later
        self._db_lock = threading.Lock()  # one reader of the shared connection at a time
        self._cache: dict[tuple[str, str], tuple[int, list[dict[str, Any]]]] = {}
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                server._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_MERGE = do_HEAD = _any

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        if tls is not None:
            self._http.socket = tls.wrap_socket(self._http.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True,
                                        name=f"s4-{self._http.server_address[1]}")
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)
        self._db.close()

    def expire_tokens(self) -> None:
        """Every OAuth token issued so far stops working (as after its lifetime)."""
        with self._lock:
            self._tokens.clear()

    def expire_sessions(self) -> None:
        """Every CSRF token issued so far stops working (as when the session times out)."""
        with self._lock:
            self._csrf.clear()

    # ------------------------------------------------------------------ dispatch

    def _serve(self, raw: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(raw.path)
        length = int(raw.headers.get("Content-Length") or 0)
        body = raw.rfile.read(length) if length else b""
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if parts.path == TOKEN_PATH:
            answer = self._token(raw, body)
        elif parts.path.startswith(ODATA_ROOT):
            answer = self._odata(raw, parts.path[len(ODATA_ROOT):], query, body)
        else:
            answer = Answer(404, b"Not found", "text/plain")
        _write(raw, answer)

    def _token(self, raw: BaseHTTPRequestHandler, body: bytes) -> Answer:
        form = dict(parse_qsl(body.decode("utf-8")))
        if raw.command != "POST":
            return Answer.json({"error": "invalid_request"}, 405)
        client = _basic(raw.headers.get("Authorization", "")) or (
            form.get("client_id", ""), form.get("client_secret", ""))
        if client != (self.credentials.client_id, self.credentials.client_secret):
            return Answer.json({"error": "invalid_client",
                                "error_description": "Bad credentials"}, 401)
        if form.get("grant_type") != "client_credentials":
            return Answer.json({"error": "unsupported_grant_type"}, 400)
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + TOKEN_SECONDS
            self.stats.tokens_granted += 1
        return Answer.json({"access_token": token, "token_type": "bearer",
                            "expires_in": TOKEN_SECONDS, "scope": "API_BUSINESS_PARTNER"})

    def _odata(self, raw: BaseHTTPRequestHandler, rest: str,
               query: dict[str, str], body: bytes = b"") -> Answer:
        service, _, resource = rest.partition("/")
        sets = {name: e for (svc, name), e in ENTITY_SETS.items() if svc == service}
        if not sets:
            return Answer.error(odata.ODataError(404, "/IWFND/MED/170",
                                                 f"No service found for namespace '', name "
                                                 f"'{service}', version '0001'"))
        if not self._logged_on(raw, service):
            return Answer(401, b"Logon failed", "text/plain",
                          [("WWW-Authenticate", 'Basic realm="SAP NetWeaver Application '
                                                'Server [S4H/100]"')])
        failure, stall = self.faults.take()
        if stall:
            time.sleep(stall)
        if failure is not None:
            return Answer.error(odata.ODataError(failure, "/IWFND/CM_BEC/026",
                                                 "Service temporarily unavailable"))
        if raw.command in MODIFYING:
            return self._modify(raw, service, resource, sets, query, body)
        if service == CUBE_SERVICE:
            self.lockbox.process_due()  # the lockbox program has run since the last read
        headers = self._csrf_fetch(raw)
        try:
            if not _wants_json(raw, query):
                raise odata.ODataError(406, "/IWFND/CM_MGW/004",
                                       "Only JSON is served by this simulator; use "
                                       "$format=json")
            if resource == "":
                return Answer.json({"d": {"EntitySets": sorted(sets)}}, headers=headers)
            if service == attachments.SERVICE and (
                    resource == attachments.LIST_FUNCTION or resource.endswith("/$value")):
                return self._attachment_read(service, resource, query, headers)
            return Answer.json(self._collection(service, resource, sets, query),
                               headers=headers)
        except odata.ODataError as exc:
            return Answer.error(exc, headers)

    def _collection(self, service: str, resource: str, sets: dict[str, EntitySet],
                    query: dict[str, str]) -> dict[str, Any]:
        if resource.startswith("$") or "(" in resource or "/" in resource:
            raise odata.ODataError(501, "/IWBEP/CM_MGW_RT/021",
                                   f"'{resource}' is not simulated (collections only)")
        entity_set = sets.get(resource)
        if entity_set is None:
            raise odata.ODataError(404, "/IWBEP/CM_MGW_RT/021",
                                   f"Resource not found for segment '{resource}'")
        with self._lock:
            self.stats.reads[resource] = self.stats.reads.get(resource, 0) + 1
        try:
            rows = self._rows(entity_set)
        except sqlite3.Error as exc:
            raise odata.ODataError(500, "/IWBEP/CM_MGW_RT/000", f"Database error: {exc}") \
                from None
        page = odata.apply(rows, entity_set.properties, query, self.page_size)
        base = f"{self.url}{ODATA_ROOT}{service}/{resource}"
        result: dict[str, Any] = {"results": [self._entity(base, entity_set, row)
                                              for row in page.rows]}
        if page.count is not None:
            result["__count"] = str(page.count)
        if page.next_skiptoken is not None:
            following = {k: v for k, v in query.items() if k != "$skiptoken"}
            following["$skiptoken"] = str(page.next_skiptoken)
            result["__next"] = f"{base}?{urlencode(following, quote_via=quote)}"
        return {"d": result}

    def _rows(self, entity_set: EntitySet) -> list[dict[str, Any]]:
        """The entity set's rows, computed again only after a commit to the sandbox file.

        SQLite's ``data_version`` changes on this connection whenever another
        connection (the RFC simulator posting a clearing) commits: a read sees
        every committed write, and the pages of a paged read are cut from one
        computation unless a write comes in between (then, as on a gateway whose
        skiptoken is an offset, later pages may shift).
        """
        with self._db_lock:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            key = (entity_set.service, entity_set.name)
            cached = self._cache.get(key)
            if cached is None or cached[0] != version:
                cached = (version, entity_set.read(self._db))
                self._cache[key] = cached
            return cached[1]

    def _entity(self, base: str, entity_set: EntitySet, row: dict[str, Any]
                ) -> dict[str, Any]:
        entity: dict[str, Any] = {name: odata.to_json(value) for name, value in row.items()}
        if all(name in row for name in entity_set.key):
            key = ",".join(f"{name}='{row[name]}'" for name in entity_set.key)
            uri = f"{base}({key})"
            entity = {"__metadata": {"id": uri, "uri": uri, "type": entity_set.type_name},
                      **entity}
        return entity

    # ------------------------------------------------------------------ logon, CSRF

    def _logged_on(self, raw: BaseHTTPRequestHandler, service: str) -> bool:
        header = raw.headers.get("Authorization", "")
        allowed = self.auth.get(service, {"basic", "oauth", "x509"})
        connection = raw.connection
        if not header and "x509" in allowed and isinstance(connection, ssl.SSLSocket):
            return bool(connection.getpeercert())  # verified against the CAs by the handshake
        if header.startswith("Basic ") and "basic" in allowed:
            return _basic(header) == (self.credentials.user, self.credentials.password)
        if header.startswith("Bearer ") and "oauth" in allowed:
            with self._lock:
                expiry = self._tokens.get(header[len("Bearer "):].strip())
            return expiry is not None and expiry > time.monotonic()
        return False

    def _csrf_fetch(self, raw: BaseHTTPRequestHandler) -> list[tuple[str, str]]:
        if raw.headers.get("x-csrf-token", "").lower() != "fetch":
            return []
        session = _cookie(raw) or secrets.token_hex(16)
        with self._lock:
            token = self._csrf.setdefault(session, secrets.token_urlsafe(18))
        return [("x-csrf-token", token),
                ("Set-Cookie", f"{SESSION_COOKIE}={session}; path=/; HttpOnly")]

    def _modify(self, raw: BaseHTTPRequestHandler, service: str, resource: str,
                sets: dict[str, EntitySet], query: dict[str, str], body: bytes) -> Answer:
        session = _cookie(raw)
        with self._lock:
            expected = self._csrf.get(session or "")
        sent = raw.headers.get("x-csrf-token", "")
        if expected is None or sent != expected:
            return Answer(403, b"CSRF token validation failed", "text/plain",
                          [("x-csrf-token", "Required")])
        name = resource.split("(")[0]
        if (service, resource) == (lockbox.SERVICE, "LockboxBatch") and raw.command == "POST":
            return self._create_batch(body)
        if (service, resource) == (attachments.SERVICE, attachments.ENTITY_SET) and \
                raw.command == "POST":
            return self._attach(service, raw, body)
        if resource == "$batch" and raw.command == "POST":
            return self._batch(service, sets, raw.headers.get("Content-Type", ""), body)
        function = FUNCTION_IMPORTS.get((service, name))
        if function is not None and raw.command == "POST":
            return self._function(service, name, query)
        return Answer.error(odata.ODataError(
            405, "/IWBEP/CM_MGW_RT/007",
            f"Method '{raw.command}' not allowed for '{name}': the entity set is read-only"
            if name in sets else f"Resource not found for segment '{name}'"))


    def _create_batch(self, body: bytes) -> Answer:
        """A lockbox batch (deep insert): 201 and the batch, queued for posting."""
        with self._lock:
            self.stats.reads["LockboxBatch"] = self.stats.reads.get("LockboxBatch", 0) + 1
        try:
            batch = self.lockbox.create(body)
        except odata.ODataError as exc:
            return Answer.error(exc)
        except sqlite3.Error as exc:
            return Answer.error(odata.ODataError(500, "/IWBEP/CM_MGW_RT/000",
                                                 f"Database error: {exc}"))
        if self.lockbox.answer_lost():  # taken, but the gateway gave up waiting for it
            return Answer.error(odata.ODataError(504, "/IWFND/CM_BEC/026",
                                                 "Gateway timeout: the backend did not answer "
                                                 "in time"))
        uri = (f"{self.url}{ODATA_ROOT}{lockbox.SERVICE}/LockboxBatch"
               f"('{batch['LockboxBatchInternalKey']}')")
        return Answer.json({"d": {"__metadata": {"id": uri, "uri": uri,
                                                 "type": f"{lockbox.SERVICE}.LockboxBatchType"},
                                  **batch}}, 201, [("Location", uri)])

    def _batch(self, service: str, sets: dict[str, EntitySet], content_type: str,
               body: bytes) -> Answer:
        """A ``$batch`` of reads (:mod:`.batch`): 202 and one answer per part."""
        with self._lock:
            self.stats.reads["$batch"] = self.stats.reads.get("$batch", 0) + 1

        def read(resource: str, query: dict[str, str]) -> dict[str, Any]:
            return self._collection(service, resource, sets, query)

        try:
            payload, answer_type = batch.answer_batch(content_type, body, read)
        except odata.ODataError as exc:
            return Answer.error(exc)
        return Answer(202, payload, answer_type)

    def _attach(self, service: str, raw: BaseHTTPRequestHandler, body: bytes) -> Answer:
        """An uploaded file (media POST): 201 and its AttachmentContent entity."""
        entity_set = ENTITY_SETS[(service, attachments.ENTITY_SET)]
        try:
            with self._db_lock:
                row = attachments.create(
                    self._db, {k.lower(): v for k, v in raw.headers.items()}, body)
        except odata.ODataError as exc:
            return Answer.error(exc)
        base = f"{self.url}{ODATA_ROOT}{service}/{entity_set.name}"
        return Answer.json({"d": self._entity(base, entity_set, row)}, 201)

    def _attachment_read(self, service: str, resource: str, query: dict[str, str],
                         headers: list[tuple[str, str]]) -> Answer:
        """``GetAllOriginals`` (a GET function import) or one file's ``$value``."""
        entity_set = ENTITY_SETS[(service, attachments.ENTITY_SET)]
        with self._db_lock:
            if resource == attachments.LIST_FUNCTION:
                rows = attachments.originals(self._db, query)
                base = f"{self.url}{ODATA_ROOT}{service}/{entity_set.name}"
                return Answer.json({"d": {"results": [self._entity(base, entity_set, row)
                                                      for row in rows]}}, headers=headers)
            predicate = resource.removesuffix("/$value")
            if not predicate.startswith(f"{entity_set.name}(") or not predicate.endswith(")"):
                raise odata.ODataError(404, "/IWBEP/CM_MGW_RT/021",
                                       f"Resource not found for segment '{resource}'")
            content, mime = attachments.content(self._db,
                                                predicate[len(entity_set.name) + 1:-1])
        return Answer(200, content, mime, headers)

    def _function(self, service: str, name: str, query: dict[str, str]) -> Answer:
        """Run the function import ``name`` and answer its entity (or its OData error)."""
        run, entity_set = FUNCTION_IMPORTS[(service, name)]
        with self._lock:
            self.stats.reads[name] = self.stats.reads.get(name, 0) + 1
        try:
            row = run(self.sandbox_db, self.clock, query)
        except odata.ODataError as exc:
            return Answer.error(exc)
        except sqlite3.Error as exc:
            return Answer.error(odata.ODataError(500, "/IWBEP/CM_MGW_RT/000",
                                                 f"Database error: {exc}"))
        base = f"{self.url}{ODATA_ROOT}{service}/{entity_set.name}"
        return Answer.json({"d": self._entity(base, entity_set, row)})


def _basic(header: str) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except ValueError:
        return None
    return user, password


def _cookie(raw: BaseHTTPRequestHandler) -> str | None:
    morsel = SimpleCookie(raw.headers.get("Cookie", "")).get(SESSION_COOKIE)
    return morsel.value if morsel is not None else None


def _wants_json(raw: BaseHTTPRequestHandler, query: dict[str, str]) -> bool:
    if "$format" in query:
        if query["$format"] != "json":
            raise odata.ODataError(400, "/IWBEP/CM_MGW_RT/022",
                                   f"Invalid value '{query['$format']}' for $format")
        return True
    return "application/json" in raw.headers.get("Accept", "")


def _write(raw: BaseHTTPRequestHandler, answer: Answer) -> None:
    raw.send_response(answer.status)
    raw.send_header("Content-Type", answer.content_type)
    raw.send_header("Content-Length", str(len(answer.body)))
    for name, value in answer.headers:
        raw.send_header(name, value)
    raw.end_headers()
    if raw.command != "HEAD":
        raw.wfile.write(answer.body)
