"""An OData V2 client for S/4HANA's released APIs: logon per service, CSRF, paging, errors.

::

    odata = ODataClient(cfg.sap.s4, retry=policy)
    for entity in odata.entities("API_BUSINESS_PARTNER", "A_Customer",
                                 filter="Customer eq '0000100001'", select=["CustomerName"]):
        ...

* **Logon** per service (:meth:`bots.config.S4Config.auth_of`): HTTP Basic,
  an OAuth 2.0 client-credentials token fetched once from ``token_url``
  and reused until it expires (a 401 on a token drops it and fetches a new
  one once), or the client certificate (x509: ``client_cert`` and
  ``client_key``, presented in the TLS handshake of every https connection,
  the server checked against ``ca_file`` or the system's CAs).
* **Paging**: the server decides the page size; :meth:`entities` follows
  ``__next`` (with its ``$skiptoken``) until there is none. ``__next`` must
  stay on the configured host: credentials are never sent elsewhere.
* **Batch**: :meth:`read_batch` sends several reads of one service in one
  ``$batch`` round trip (the master-data chunks of a customer read), pages
  beyond the first by GET.
* **CSRF**: :meth:`csrf_token` fetches a token (``x-csrf-token: fetch``) for
  the service's session cookie; modifying requests (batch, posting) need it.
* **Writes**: :meth:`create` POSTs an entity (a deep insert) and
  :meth:`call_function` a function import with its URL parameters, each with
  a CSRF token (fetched once per service and kept; a 403 ``x-csrf-token:
  Required`` fetches a new one once). A write is never retried: one whose
  answer was lost must be checked before it is sent again.
* **Errors** as the RFC port's (:mod:`bots.sap.errors`): timeouts, transport
  failures and 5xx are :class:`SapTechnicalError`, retried by the one
  :class:`~bots.retry.RetryPolicy`; 401 is :class:`SapLogonError` (never
  retried); other 4xx are :class:`SapBusinessError` carrying the service's
  own message and code (``error.message.value``, ``error.code``).

Secrets (password, client secret, tokens) go into headers only, never into
messages or logs.
"""

from __future__ import annotations

import base64
import json
import ssl
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import urlencode, urljoin, urlsplit

import httpx

from bots.config import ConfigError, S4Config
from bots.retry import RetryPolicy
from bots.sap.errors import SapBusinessError, SapError, SapLogonError, SapTechnicalError
from bots.sap.s4.batch import MAX_PARTS, BatchError, batch_request, parse_batch

ODATA_ROOT = "/sap/opu/odata/sap/"
Read = tuple[str, str, Sequence[str]]  # (entity set, $filter, $select) of one read
TOKEN_MARGIN_SECONDS = 30  # a token this close to its expiry is fetched anew


class ODataClient:
    """Requests to the OData services under one ``base_url``."""

    def __init__(self, cfg: S4Config, *, retry: RetryPolicy,
                 base_url: str | None = None) -> None:
        """``base_url`` replaces ``cfg.base_url`` (the sandbox simulator's address)."""
        url = base_url or cfg.base_url
        if not url:
            raise ValueError("ODataClient needs a base_url")
        self.cfg, self.retry, self.base_url = cfg, retry, url.rstrip("/")
        self._http = httpx.Client(timeout=cfg.timeout_seconds, follow_redirects=False,
                                  verify=tls_context(cfg))
        self._token: tuple[str, float] | None = None  # (access token, expiry monotonic)
        self._csrf: dict[str, str] = {}  # service -> CSRF token of this client's session

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------ reading

    def entities(self, service: str, entity_set: str, *, filter: str = "",
                 select: Sequence[str] = (), top: int | None = None) -> Iterator[dict[str, Any]]:
        """Every entity of ``entity_set`` matching ``filter``, page after page."""
        what = f"{service}/{entity_set}"
        body = odata_body(self.get(service, self.service_url(service) + entity_set,
                                   self._query(filter, select, top), what=what), what)
        yield from self._pages(service, body, what)

    def read_batch(self, service: str, reads: Sequence[Read]) -> list[list[dict[str, Any]]]:
        """Every entity of each ``(entity set, filter, select)`` in ``reads``, their first
        pages fetched in one ``$batch`` round trip (:mod:`bots.sap.s4.batch`) per
        :data:`~bots.sap.s4.batch.MAX_PARTS` reads, later pages by GET. A part the
        service refuses raises, as the same GET would."""
        results: list[list[dict[str, Any]]] = []
        for start in range(0, len(reads), MAX_PARTS):
            chunk = reads[start:start + MAX_PARTS]
            content, content_type = batch_request([
                f"{entity_set}?{urlencode(self._query(filter, select), quote_via=url_quote)}"
                for entity_set, filter, select in chunk])
            what = f"{service}/$batch of {len(chunk)} reads"
            response = self._post_response(service, self.service_url(service) + "$batch", {},
                                           what, content=content,
                                           headers={"Content-Type": content_type})
            try:
                answers = parse_batch(response.headers.get("content-type", ""),
                                      response.content)
            except BatchError as exc:
                raise SapBusinessError(f"{what}: the answer is not a batch: {exc}") from None
            if len(answers) != len(chunk):
                raise SapBusinessError(f"{what}: {len(answers)} answers to {len(chunk)} reads")
            for (entity_set, _, _), (status, _, payload) in zip(chunk, answers, strict=True):
                part = f"{service}/{entity_set} (in a $batch)"
                answer = httpx.Response(status, content=payload)
                raise_for_status(answer, part)
                results.append(list(self._pages(service, odata_body(answer, part), part)))
        return results

    def _query(self, filter: str = "", select: Sequence[str] = (),
               top: int | None = None) -> dict[str, str]:
        params = {"$format": "json"}
        if filter:
            params["$filter"] = filter
        if select:
            params["$select"] = ",".join(select)
        if top is not None:
            params["$top"] = str(top)
        if self.cfg.sap_client:
            params["sap-client"] = self.cfg.sap_client
        return params

    def _pages(self, service: str, body: dict[str, Any], what: str
               ) -> Iterator[dict[str, Any]]:
        """The entities of a first answer and of the pages its ``__next`` links lead to."""
        while True:
            yield from body.get("results", [])
            url = self._next(body.get("__next"), what)
            if url is None:
                return
            body = odata_body(self.get(service, url, None, what=what), what)

    def csrf_token(self, service: str) -> str:
        """A CSRF token for ``service`` (bound to the session cookie this client keeps)."""
        params = {"$format": "json"}
        response = self.get(service, self.service_url(service), params,
                            what=f"{service}: CSRF token", headers={"x-csrf-token": "fetch"})
        token = response.headers.get("x-csrf-token", "")
        if not token or token.lower() == "required":
            raise SapBusinessError(f"{service}: no CSRF token in the answer to "
                                   "x-csrf-token: fetch")
        return token

    def call_function(self, service: str, name: str, params: dict[str, str], *,
                      what: str) -> dict[str, Any]:
        """POST the function import ``name`` of ``service`` with ``params`` (OData
        literals, e.g. ``{"SalesDocument": "'4711'"}``); the ``d`` object it answers."""
        return self._post(service, self.service_url(service) + name, params, what)

    def create(self, service: str, entity_set: str, entity: dict[str, Any], *,
               what: str) -> dict[str, Any]:
        """POST ``entity`` (a deep insert: navigation properties as ``{"results": [...]}``)
        to ``entity_set`` of ``service``; the ``d`` object of the created entity.

        Not retried here, like every write: an answer lost on the way does not
        say whether the entity was created, so the caller looks before it
        sends again (:func:`bots.sap.s4.posting.submit`)."""
        return self._post(service, self.service_url(service) + entity_set, {}, what,
                          content=json.dumps(entity).encode("utf-8"))

    def upload(self, service: str, entity_set: str, content: bytes,
               headers: dict[str, str], *, what: str) -> dict[str, Any]:
        """POST ``content`` as a media entity to ``entity_set`` (``headers``: its
        Content-Type and the service's own, e.g. ``Slug``); the created entity.
        Never retried, like :meth:`create`."""
        return self._post(service, self.service_url(service) + entity_set, {}, what,
                          content=content, headers=headers)

    def _post(self, service: str, url: str, params: dict[str, str], what: str, *,
              content: bytes | None = None, headers: dict[str, str] | None = None
              ) -> dict[str, Any]:
        """One POST with a CSRF token (fetched once per service and kept; a 403
        ``x-csrf-token: Required`` fetches a new one once). ``content`` goes as JSON
        unless ``headers`` name another Content-Type."""
        return odata_body(self._post_response(service, url, params, what, content=content,
                                              headers=headers), what)

    def _post_response(self, service: str, url: str, params: dict[str, str], what: str, *,
                       content: bytes | None = None, headers: dict[str, str] | None = None
                       ) -> httpx.Response:
        """The checked response of one POST with a CSRF token (see :meth:`_post`)."""
        query = {**params, "$format": "json"}
        if self.cfg.sap_client:
            query["sap-client"] = self.cfg.sap_client
        if headers is None:
            headers = {"Content-Type": "application/json"} if content is not None else {}
        for attempt in (1, 2):
            token = self._csrf.get(service)
            if token is None:
                token = self._csrf[service] = self.csrf_token(service)
            response = self._request_once("POST", service, url, query, what,
                                          {**headers, "x-csrf-token": token}, check=False,
                                          content=content)
            stale = (response.status_code == 403 and
                     response.headers.get("x-csrf-token", "").lower() == "required")
            if not stale or attempt == 2:
                break
            self._csrf.pop(service, None)  # the session ended: a new token, once
        raise_for_status(response, what)
        return response

    def service_url(self, service: str) -> str:
        return f"{self.base_url}{ODATA_ROOT}{service}/"

    def _next(self, link: str | None, what: str) -> str | None:
        if not link:
            return None
        url = urljoin(self.base_url + "/", link)
        if urlsplit(url).netloc != urlsplit(self.base_url).netloc:
            raise SapBusinessError(f"{what}: __next points to another host "
                                   f"({urlsplit(url).netloc}); not followed")
        return url

    # ------------------------------------------------------------------ HTTP

    def get(self, service: str, url: str, params: dict[str, str] | None, *, what: str,
            headers: dict[str, str] | None = None) -> httpx.Response:
        """One GET with the service's logon, technical failures retried."""
        return self.retry.run(
            lambda: self._request_once("GET", service, url, params, what, headers or {}),
            retry_on=SapTechnicalError, what=what)

    def _request_once(self, method: str, service: str, url: str,
                      params: dict[str, str] | None, what: str, headers: dict[str, str], *,
                      check: bool = True, content: bytes | None = None) -> httpx.Response:
        oauth = self.cfg.auth_of(service) == "oauth"
        response = self._send(method, url, params, what, {**headers, **self._logon(service)},
                              content)
        if response.status_code == 401 and oauth:  # the token expired early: one new one
            self._token = None
            response = self._send(method, url, params, what,
                                  {**headers, **self._logon(service)}, content)
        if check:
            raise_for_status(response, what)
        return response

    def _send(self, method: str, url: str, params: dict[str, str] | None, what: str,
              headers: dict[str, str], content: bytes | None = None) -> httpx.Response:
        try:
            return self._http.request(method, url, params=params, content=content,
                                      headers={"Accept": "application/json", **headers})
        except httpx.TimeoutException as exc:
            raise SapTechnicalError(f"{what}: timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise SapTechnicalError(f"{what}: {type(exc).__name__}: {exc}") from exc

    def _logon(self, service: str) -> dict[str, str]:
        if self.cfg.auth_of(service) == "x509":
            return {}  # the certificate went with the TLS handshake
        if self.cfg.auth_of(service) == "basic":
            assert self.cfg.password is not None, "checked by the configuration"
            pair = f"{self.cfg.user}:{self.cfg.password.reveal()}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        return {"Authorization": f"Bearer {self._access_token()}"}

    def _access_token(self) -> str:
        if self._token is not None and self._token[1] > time.monotonic():
            return self._token[0]
        assert self.cfg.client_secret is not None, "checked by the configuration"
        what = "OAuth token"
        try:
            response = self._http.post(
                self.cfg.token_url, data={"grant_type": "client_credentials"},
                auth=(self.cfg.client_id, self.cfg.client_secret.reveal()))
        except httpx.TimeoutException as exc:
            raise SapTechnicalError(f"{what}: timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise SapTechnicalError(f"{what}: {type(exc).__name__}: {exc}") from exc
        raise_for_status(response, what)
        data = response.json()
        lifetime = int(data.get("expires_in", 0)) - TOKEN_MARGIN_SECONDS
        self._token = (str(data["access_token"]), time.monotonic() + max(lifetime, 0))
        return self._token[0]


def odata_body(response: httpx.Response, what: str) -> dict[str, Any]:
    """The ``d`` object of a V2 JSON answer; a business error for anything else (a
    logon page from a proxy, a redirect to an identity provider)."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("d"), dict):
        kind = response.headers.get("Content-Type", "no content type")
        raise SapBusinessError(f"{what}: HTTP {response.status_code} answer is not OData "
                               f"JSON ({kind})")
    return data["d"]


def tls_context(cfg: S4Config) -> ssl.SSLContext:
    """The TLS settings: trust ``ca_file`` (else the system's CAs); present the client
    certificate when one is configured."""
    context = ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)
    if cfg.client_cert is not None and cfg.client_key is not None:
        try:
            context.load_cert_chain(cfg.client_cert, cfg.client_key)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"sap.s4.client_cert: cannot load {cfg.client_cert} with "
                              f"{cfg.client_key}: {exc}") from None
    return context


def raise_for_status(response: httpx.Response, what: str) -> None:
    """The :mod:`bots.sap.errors` error for a failed answer, with the service's message."""
    status = response.status_code
    if status < 400:
        return
    code, message = service_message(response)
    text = f"{what}: HTTP {status}: {message}" + (f" ({code})" if code else "")
    error: SapError
    if status == 401:
        error = SapLogonError(text, key=str(status))
    elif status >= 500 or status == 429:
        error = SapTechnicalError(text, key=code or str(status))
    else:
        error = SapBusinessError(text, key=code or str(status), msg_type="E")
    raise error


def service_message(response: httpx.Response) -> tuple[str, str]:
    """(code, message) of an OData JSON error body or an OAuth error (``error``,
    ``error_description``), else the body's first line."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        error, message = data["error"], data["error"].get("message", {})
        return str(error.get("code", "")), str(
            message.get("value", "") if isinstance(message, dict) else message)
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"], str(data.get("error_description", ""))
    lines = response.text.strip().splitlines()
    return "", (lines[0][:200] if lines else response.reason_phrase)


@lru_cache(maxsize=65536)
def parse_date(value: str | None) -> date | None:
    """An Edm.DateTime in V2 JSON (``"/Date(1733529600000)/"``) as a date; null: None.

    Cached: a ledger has few distinct dates."""
    if not value:
        return None
    millis = value[len("/Date("):-len(")/")].split("+")[0]
    return datetime.fromtimestamp(int(millis) / 1000, UTC).date()


def date_literal(value: date) -> str:
    """A date as a ``$filter`` literal: ``datetime'2026-12-07T00:00:00'``."""
    return f"datetime'{value.isoformat()}T00:00:00'"


def quote(value: str) -> str:
    """A ``$filter`` string literal: ``'O''Brien'``."""
    return "'" + value.replace("'", "''") + "'"
