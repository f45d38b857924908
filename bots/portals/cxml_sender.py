"""Send invoices to buyers as cXML InvoiceDetailRequest: once, and say what the buyer said.

::

    sender = CxmlSender(sites, ledger=ctx.ledger, artifacts_dir=run_dir / "portals")
    results = sender.submit(invoices, on_result=note_in_erp, before_submit=reason_not_to)

For each invoice (sites of ``family = "cxml"``, :mod:`bots.portals.settings`):

1. **Ledger first**, as the browser runner does (same kind and key): ``done``
   -> not sent again (``duplicate``); ``busy`` -> not touched. cXML has no
   query "does this invoice exist", so the ledger is the check before
   sending, and the payloadID is deterministic (:func:`~bots.portals.cxml.payload_id`).
2. **Still due?** ``before_submit(invoice)`` may give a reason not to send
   (``skipped``, intent closed with it).
3. **The document** (:func:`~bots.portals.cxml.invoice_request`) is written
   to ``artifacts_dir/<site>/<invoice>.xml`` with the SharedSecret redacted,
   then POSTed (``Content-Type: text/xml``) to the site's ``base_url``.
4. **The outcome is ``Status@code`` in the answer**, whatever the HTTP status
   (buyers answer 200 with a 4xx Status): 2xx -> ``submitted`` (ledger done;
   the confirmation is the payloadID, the status its code and text); a
   duplicate refusal (409, or a 4xx whose words say duplicate) -> done
   already: ``submitted`` when an earlier attempt of ours was left pending,
   else ``duplicate``; any other 4xx -> ``rejected`` with the buyer's words
   (ledger failed, so a corrected invoice can go again); 5xx, timeouts,
   refused connections, an answer that is not cXML -> technical, retried by
   the portal policy (:func:`bots.portals.retry.portal_policy`), and left
   ``pending`` after the last attempt so the next run sends the same
   payloadID again.

``on_result`` is called as soon as an invoice's outcome is in the ledger;
``stop`` ends the batch after the invoice in hand.

The buyer's later decisions (a rejection after acceptance, or the invoice
reconciled or paid) are asked for with :meth:`CxmlSender.status_updates`
(a GetPendingRequest, :mod:`bots.portals.cxml_status`).

Limits: one invoice at a time per run (HTTP is fast; no rate limit).
"""

from __future__ import annotations

import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bots.config import ConfigError
from bots.portals.artifacts import sent_document
from bots.portals.cxml import (
    CxmlError,
    Status,
    invoice_request,
    parse_answer,
    payload_id,
    read_status,
    redacted,
    to_bytes,
)
from bots.portals.cxml_status import MAX_MESSAGES, StatusUpdate, pending_request, read_pending
from bots.portals.errors import TechnicalError
from bots.portals.invoice import PortalInvoice
from bots.portals.results import Outcome, SubmissionResult
from bots.portals.retry import portal_policy
from bots.portals.settings import PortalSite
from bots.retry import RetryPolicy
from bots.store import WriteLedger

KIND = "portal_submission"  # the browser runner's kind: one ledger for both roads
DUPLICATE_CODE = 409
OnResult = Callable[[SubmissionResult], None]
BeforeSubmit = Callable[[PortalInvoice], str | None]


class CxmlSender:
    """Sends invoices to cXML sites (see the module docstring)."""

    def __init__(self, sites: Iterable[PortalSite], *, ledger: WriteLedger | None,
                 artifacts_dir: Path, retry: RetryPolicy | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.sites = {site.name: site for site in sites if site.is_cxml}
        for site in self.sites.values():
            if site.base_url is None or site.cxml is None or site.shared_secret is None:
                raise ValueError(f"cXML site {site.name}: no endpoint, identities or shared "
                                 "secret (start the reference portals and point it first)")
        self.ledger, self.artifacts_dir = ledger, artifacts_dir
        self.retry, self.clock = retry or portal_policy(), clock
        self.ssl_context = ssl_context

    def submit(self, invoices: Sequence[PortalInvoice], *, dry_run: bool = False,
               on_result: OnResult | None = None, before_submit: BeforeSubmit | None = None,
               stop: threading.Event | None = None) -> list[SubmissionResult]:
        """Send ``invoices`` (``dry_run``: write the documents, send nothing, record nothing)."""
        if self.ledger is None and not dry_run:
            raise ValueError("a write ledger is required unless dry_run")
        results: list[SubmissionResult] = []
        seen: set[str] = set()
        for invoice in invoices:
            if stop is not None and stop.is_set():
                break
            key = invoice.submission.idempotency_key
            if invoice.portal not in self.sites:
                result = _result(invoice, Outcome.FAILED,
                                 f"no cXML site named {invoice.portal!r} is configured")
            elif key in seen:
                result = _result(invoice, Outcome.DUPLICATE,
                                 "the same invoice appears twice in this batch")
            else:
                seen.add(key)
                result = self._one(self.sites[invoice.portal], invoice, dry_run, before_submit)
            results.append(result)
            if on_result is not None:
                on_result(result)
        return results

    # ------------------------------------------------------------------ one invoice

    def _one(self, site: PortalSite, invoice: PortalInvoice, dry_run: bool,
             before_submit: BeforeSubmit | None) -> SubmissionResult:
        key = invoice.submission.idempotency_key
        ledger = None if dry_run else self.ledger
        state = "new"
        if ledger is not None:
            state = ledger.begin(KIND, key, target=f"{site.name}:{invoice.customer}",
                                 payload={**invoice.summary(), "payload_id": payload_id(invoice)})
            if state == "done":
                return _result(invoice, Outcome.DUPLICATE, "already submitted by an earlier run "
                                                            "(write ledger); not sent again")
            if state not in ("new", "pending"):
                return _result(invoice, Outcome.BUSY, f"another live run holds the intent "
                                                      f"({state}); not touched")
        reason = before_submit(invoice) if before_submit is not None else None
        if reason:
            if ledger is not None:
                ledger.failed(key, f"skipped: {reason}")
            return _result(invoice, Outcome.SKIPPED, f"skipped: {reason}")
        assert site.cxml is not None and site.shared_secret is not None  # checked in __init__
        try:
            secret = site.shared_secret.reveal()
        except ConfigError as exc:  # names the reference, never a value
            if ledger is not None:
                ledger.failed(key, str(exc))
            return _result(invoice, Outcome.FAILED, f"shared secret: {exc}")
        document = invoice_request(invoice, site.cxml, secret, now=self.clock(),
                                   tax_category=site.tax_category)
        path = self.artifacts_dir / sent_document(site.name, invoice.invoice_no, ".xml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(redacted(document))
        if dry_run:
            return _result(invoice, Outcome.DRY_RUN, "dry run: cXML document written, not sent",
                           documents=(path,))
        attempts = 0

        def post() -> tuple[Status, bytes]:
            nonlocal attempts
            attempts += 1
            return self._exchange(site, to_bytes(document))

        try:
            status, answer = self.retry.run(
                post, retry_on=TechnicalError,
                what=f"cXML {site.name}: invoice {invoice.invoice_no}")
        except TechnicalError as error:
            return _result(invoice, Outcome.FAILED, f"technical failure after {attempts} "
                           f"attempt(s): {error}", attempts, documents=(path,))
        answered_at = parse_answer(answer).get("timestamp", "") if answer else ""
        return self._settle(ledger, invoice, key, state, status, attempts, path, answered_at)

    def status_updates(self, site: PortalSite, since: datetime | None
                       ) -> list[StatusUpdate]:
        """The StatusUpdateRequests the buyer of ``site`` holds for us, asked for with a
        GetPendingRequest (:mod:`bots.portals.cxml_status`; ``since`` becomes its
        lastReceivedTimestamp). Technical failures are retried by the portal policy
        and raise TechnicalError after the last attempt; a refusal raises CxmlError
        with the buyer's words."""
        assert site.cxml is not None and site.shared_secret is not None  # checked in __init__
        secret = site.shared_secret.reveal()
        updates: dict[tuple[str, str], StatusUpdate] = {}
        while True:  # page on: the last message's timestamp starts the next answer
            body = to_bytes(pending_request(site.cxml, secret, now=self.clock(), since=since))
            status, answer = self.retry.run(partial(self._exchange, site, body),
                                            retry_on=TechnicalError,
                                            what=f"cXML {site.name}: pending status updates")
            if not status.ok:
                raise CxmlError(f"cXML {site.name}: the buyer refused GetPendingRequest: "
                                f"{status.words}")
            page = read_pending(answer)[1]
            new = [u for u in page if (u.invoice_id, u.timestamp) not in updates]
            updates.update(((u.invoice_id, u.timestamp), u) for u in new)
            if len(page) < MAX_MESSAGES or not new or not new[-1].timestamp:
                return list(updates.values())
            since = datetime.fromisoformat(new[-1].timestamp)

    def _exchange(self, site: PortalSite, body: bytes) -> tuple[Status, bytes]:
        """POST ``body``; the answer's Status and the answer. 5xx, network failures and
        a 2xx answer that is not cXML raise TechnicalError; a 4xx answer that is not
        cXML is a Status of that HTTP code (and no body)."""
        request = urllib.request.Request(
            site.base_url or "", data=body, method="POST",
            headers={"Content-Type": "text/xml; charset=UTF-8", "Accept": "text/xml"})
        try:
            with urllib.request.urlopen(request, timeout=site.timeout_ms / 1000,
                                        context=self.ssl_context) as response:
                http, answer = response.status, response.read()
        except urllib.error.HTTPError as exc:  # 4xx/5xx: the body may still be cXML
            http, answer = exc.code, exc.read()
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TechnicalError(f"cXML {site.name}: {getattr(exc, 'reason', exc)}") from None
        try:
            status = read_status(answer)
        except CxmlError as exc:
            if http >= 500 or http < 400:  # a broken server, or a 200 with no cXML
                raise TechnicalError(f"cXML {site.name}: HTTP {http}: {exc}") from None
            return Status(http, "HTTP error", str(exc)), b""
        if status.code >= 500:
            raise TechnicalError(f"cXML {site.name}: {status.words}")
        return status, answer

    def _settle(self, ledger: WriteLedger | None, invoice: PortalInvoice, key: str,
                state: str, status: Status, attempts: int, path: Path,
                answered_at: str) -> SubmissionResult:
        confirmation = payload_id(invoice)
        done = {"confirmation": confirmation, "status": status.words,
                "cxml_status": status.code, "answered_at": answered_at}
        if status.ok:
            outcome, message = Outcome.SUBMITTED, f"submitted: {status.words}"
        elif status.code == DUPLICATE_CODE or "duplicate" in status.words.lower():
            ours = state == "pending" or attempts > 1  # an earlier send of ours got through
            outcome = Outcome.SUBMITTED if ours else Outcome.DUPLICATE
            message = (f"the buyer already has invoice {invoice.invoice_no} "
                       f"({status.words}); " + ("sent by an earlier attempt, not sent again"
                                                if ours else "not sent again"))
        else:
            words = f"refused by the buyer: {status.words}"
            if ledger is not None:
                ledger.failed(key, words)
            return _result(invoice, Outcome.REJECTED, words, attempts, documents=(path,),
                           status=status.words)
        if ledger is not None:
            ledger.done(key, {**done, "outcome": outcome.value})
        return _result(invoice, outcome, message, attempts, confirmation, status.words,
                       documents=(path,))


def _result(invoice: PortalInvoice, outcome: Outcome, message: str, attempts: int = 0,
            confirmation: str | None = None, status: str = "",
            documents: Sequence[Path] = ()) -> SubmissionResult:
    """The runner's result record; the cXML document rides where a trace would."""
    return SubmissionResult(
        portal=invoice.portal, customer=invoice.customer, invoice_no=invoice.invoice_no,
        idempotency_key=invoice.submission.idempotency_key, outcome=outcome, message=message,
        attempts=attempts, confirmation=confirmation, portal_status=status,
        traces=tuple(documents))
