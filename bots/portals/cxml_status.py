"""The buyer's later word on a cXML invoice: StatusUpdateRequests, fetched with GetPendingRequest.

::

    doc = pending_request(identities, secret, now=now, since=oldest_undecided)
    status, updates = read_pending(answer_bytes)   # POST doc, read what the buyer queued
    for update in updates:                         # one per decided invoice
        update.invoice_id, update.state, update.words

A buyer network accepts an InvoiceDetailRequest at once (``Status 200``) and
decides later: its invoice rules or the buyer's reconciliation approve it,
or reject it after acceptance. It says so in a cXML ``StatusUpdateRequest``
(cXML User's Guide, "StatusUpdateRequest" and "InvoiceStatus"): an optional
``DocumentReference payloadID`` naming our invoice document, a ``Status``,
and an ``InvoiceStatus type`` (``processing``, ``reconciled``, ``rejected``,
``paying``, ``paid``) with ``InvoiceIDInfo invoiceID`` and the buyer's
``Comments``.

A supplier with no endpoint of its own that is always up polls for these: a
``GetPendingRequest`` with ``MessageType StatusUpdateRequest`` (and
``lastReceivedTimestamp``, so that the network drops what we already have)
is answered by a ``GetPendingResponse`` carrying the waiting messages as
whole cXML documents (Pending.mod of the cXML DTDs). An answer with no
``GetPendingResponse`` means nothing is waiting.

:func:`read_pending` reads each message with :mod:`defusedxml`; a message
that names no invoice is skipped (it cannot be matched). What the nightly
does with an update is :func:`bots.pipeline.portals.apply_status_updates`'
business.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from bots.domain import stable_id
from bots.portals.cxml import Identities, Status, envelope, parse_answer, status_of

MESSAGE_TYPE = "StatusUpdateRequest"
APPROVED_STATES = frozenset({"reconciled", "paying", "paid"})  # final, and not a rejection
MAX_MESSAGES = 200


@dataclass(frozen=True)
class StatusUpdate:
    """One StatusUpdateRequest about one invoice."""

    invoice_id: str
    state: str  # InvoiceStatus@type, lower case; "rejected" when only the Status says so
    words: str  # the Status and the buyer's comments, for the worklist
    timestamp: str  # the message's cXML@timestamp (ISO 8601, the buyer's clock)
    document_payload_id: str = ""  # DocumentReference@payloadID, when the buyer gives it

    @property
    def rejected(self) -> bool:
        return self.state == "rejected"

    @property
    def approved(self) -> bool:
        return self.state in APPROVED_STATES


def pending_request(who: Identities, shared_secret: str, *, now: datetime,
                    since: datetime | None = None) -> ET.Element:
    """The GetPendingRequest for StatusUpdateRequests (``since``: lastReceivedTimestamp)."""
    stamp = now.isoformat(timespec="seconds")
    root, request = envelope(f"{stable_id('cxml-pending', who.from_identity, stamp)}"
                             "@arbots.invalid", who, shared_secret, now, "GetPendingRequest")
    request.set("maxMessages", str(MAX_MESSAGES))
    if since is not None:
        request.set("lastReceivedTimestamp", since.isoformat(timespec="milliseconds"))
    ET.SubElement(request, "MessageType").text = MESSAGE_TYPE
    return root


def read_pending(body: bytes) -> tuple[Status, list[StatusUpdate]]:
    """The answer's Status and the StatusUpdateRequests it carries (raises CxmlError
    when the answer is not cXML)."""
    root = parse_answer(body)
    status = root.find("Response/Status")
    assert status is not None  # parse_answer checked it
    updates = [update for message in root.iterfind("Response/GetPendingResponse/cXML")
               if (update := _update(message)) is not None]
    return status_of(status), updates


def _update(message: ET.Element) -> StatusUpdate | None:
    request = message.find("Request/StatusUpdateRequest")
    if request is None:
        return None
    status = request.find("Status")
    said = status_of(status) if status is not None else Status(200, "OK", "")
    invoice = request.find("InvoiceStatus")
    number = invoice.find("InvoiceIDInfo") if invoice is not None else None
    if invoice is None or number is None or not number.get("invoiceID"):
        return None
    state = invoice.get("type", "").strip().lower() or (
        "rejected" if said.code >= 400 else "processing")
    comments = " ".join(" ".join((c.text or "").split()) for c in invoice.iter("Comments"))
    words = said.words if not comments else f"{said.words}; {comments}"
    reference = request.find("DocumentReference")
    return StatusUpdate(invoice_id=number.get("invoiceID", ""), state=state, words=words,
                        timestamp=message.get("timestamp", ""),
                        document_payload_id=reference.get("payloadID", "")
                        if reference is not None else "")
