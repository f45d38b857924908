"""Cash posting on S/4HANA: one lockbox batch per payment (``API_LOCKBOXPOST_IN``).

On the RFC road a payment is one synchronous FB05 call. On S/4HANA Cloud the
released way to post an incoming payment *and* clear invoices with it is the
lockbox: :func:`submit` creates a lockbox batch (an OData deep insert with a
CSRF token) holding one check for the payment, and the invoices it pays.
SAP answers at once that it has the batch, and posts the payment later, when
its lockbox program runs. So a posting goes **intent → submitted →
confirmed** (:class:`bots.store.ledger.WriteLedger`):

* the check number is the posting's idempotency key (:func:`cheque_number`),
  which lockbox writes into the payment document's reference (XBLNR), as
  the RFC road writes the key there itself;
* **confirmed**: :func:`find_posted` finds a customer item with that reference
  in the open-item cube (``API_OPLACCTGDOCITEMCUBE_SRV``, cleared items
  included) and gives its document number;
* **submitted, not posted yet**: :func:`find_submitted` finds the check among
  the lockbox batches received (``LockboxBatchItem``). A run that died after
  SAP took the batch but before the ledger said so finds it there and does
  not send it again: lockbox itself checks duplicates by deposit date and
  time only, so a batch sent twice is posted twice.

Faults: a 4xx is SAP refusing the batch (a business error with its message);
5xx and timeouts are retried by the one retry policy, each retry looking for
the check among SAP's batches before it sends (:func:`submit`).

**Provenance.** The service name is SAP's; the entity set and property names
(``LockboxBatch``, ``to_Item``, ``Cheque``, ``to_LockboxClearing``,
``PaymentReference``, ...) come from public client code and descriptions of
the lockbox API, not from a fetched EDMX (none is vendored): inferred.

Why lockbox rather than the Journal Entry Clearing SOAP service
(``JournalEntryBulkClearingRequest_In``): that service only clears items
already posted; it does not post the payment (its documentation says it
does not combine posting with clearing), so a payment would take two
asynchronous services (Journal Entry Post, then Clearing) and two
confirmations. Lockbox posts the payment and clears in one document.

**What a lockbox check can say** (:func:`batch`), per invoice: the net amount
paid (``NetPaymentAmountInPaytCurrency``), a deduction
(``DeductionAmountInPaytCurrency``) and its payment difference reason. A
cleared invoice's cash discount is a deduction without a reason; a short
payment's residual is a deduction with the residual's reason code; a part
payment is a net amount below the open amount without a deduction; money
the check pays beyond its invoices goes on the payer's account. A posting
that needs more (a write-off, a discount and a residual on one invoice,
several residuals of one invoice, money on another customer's account, a
transfer posting without a bank line) is refused before anything is sent
(:class:`~bots.sap.errors.SapBusinessError`), for a person to post it.
Lockbox matches invoices by document number only (no fiscal year or line).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from bots.domain import quantize
from bots.sap.errors import SapBusinessError, SapTechnicalError
from bots.sap.posting import INCOMING, ClearingRequest, Residual
from bots.sap.s4.odata import ODataClient, quote

SERVICE = "API_LOCKBOXPOST_IN"
CUBE = ("API_OPLACCTGDOCITEMCUBE_SRV", "A_OperationalAcctgDocItemCube")
LOCKBOX = "ARBOTS"  # the lockbox and origin the batches come from (SAP's OBAY set-up)
ORIGIN = "ARBOTS"
CHEQUE_LENGTH = 13


def cheque_number(reference: str) -> str:
    """The check number that carries ``reference`` into the payment's XBLNR.

    The key in upper case (SAP keeps XBLNR so); a key longer than a check
    number (13) loses its prefix: ``pay-45ae67534b54`` is ``45AE67534B54``.
    """
    key = reference.upper()
    if len(key) <= CHEQUE_LENGTH:
        return key
    tail = key.partition("-")[2]
    if not tail or len(tail) > CHEQUE_LENGTH:
        raise SapBusinessError(f"reference {reference}: longer than a lockbox check number "
                               f"({CHEQUE_LENGTH} characters) even without its prefix")
    return tail


def batch(request: ClearingRequest) -> dict[str, Any]:
    """The ``LockboxBatch`` deep insert of ``request``: one check, its invoices."""
    what = f"clearing {request.reference}"
    if request.procedure != INCOMING:
        raise SapBusinessError(f"{what}: a transfer posting has no check; lockbox cannot "
                               "post it")
    foreign = {x.customer for x in request.on_account} - {request.payer}
    if foreign:
        raise SapBusinessError(f"{what}: money on the account of {', '.join(sorted(foreign))}"
                               f", not the payer {request.payer}; lockbox puts what a check "
                               "does not apply on its payer's account only")
    residuals: dict[str, list[Residual]] = defaultdict(list)
    for r in request.residuals:
        residuals[r.document_no].append(r)
    amount, currency = _amount(request.amount, request.currency), request.currency
    rows = []
    for item in request.items:
        own = residuals.get(item.document_no, [])
        if item.write_off:
            raise SapBusinessError(f"{what}: invoice {item.document_no} has a write-off; a "
                                   "lockbox deduction leaves a residual or is cash discount")
        if len(own) > 1 or (own and item.discount):
            raise SapBusinessError(f"{what}: invoice {item.document_no} has a cash discount "
                                   "and a residual (or several residuals); a lockbox check "
                                   "carries one deduction per invoice")
        deduction = own[0].amount if own else item.discount
        rows.append({"PaymentReference": item.document_no,
                     "NetPaymentAmountInPaytCurrency": _amount(item.applied, currency),
                     "DeductionAmountInPaytCurrency": _amount(deduction, currency),
                     "PaymentDifferenceReason": own[0].reason_code if own else "",
                     "Currency": currency})
    for part in request.partials:
        rows.append({"PaymentReference": part.document_no,
                     "NetPaymentAmountInPaytCurrency": _amount(part.amount, currency),
                     "DeductionAmountInPaytCurrency": _amount(Decimal(0), currency),
                     "PaymentDifferenceReason": part.reason_code, "Currency": currency})
    deposit = datetime.combine(request.posting_date, time(), UTC)
    return {"Lockbox": LOCKBOX, "LockboxBatchOrigin": ORIGIN,
            "LockboxBatchDestination": request.company_code,
            "DepositDateTime": f"/Date({int(deposit.timestamp() * 1000)})/",
            "AmountInTransactionCurrency": amount,
            "to_Item": {"results": [{
                "LockboxBatchItem": "1", "Cheque": cheque_number(request.reference),
                "AmountInTransactionCurrency": amount, "Currency": currency,
                "to_LockboxClearing": {"results": rows}}]}}


def submit(odata: ODataClient, request: ClearingRequest) -> str:
    """Send ``request`` as a lockbox batch; the batch's key (nothing is posted yet).

    Technical failures (5xx, timeouts, a lost connection) are retried by the
    one retry policy, but never blindly: an answer lost on the way does not
    say whether SAP took the batch, so every retry first looks for the check
    among the batches SAP received (:func:`find_submitted`) and sends nothing
    again when it is there. A 4xx is SAP refusing the batch, with its message.
    """
    what = f"{SERVICE}: lockbox batch for {request.reference}"
    body = batch(request)

    def attempt() -> str:
        taken = find_submitted(odata, request.reference) if tried else None
        tried.append(True)
        if taken is not None:
            return taken
        created = odata.create(SERVICE, "LockboxBatch", body, what=what)
        return str(created.get("LockboxBatchInternalKey", ""))

    tried: list[bool] = []
    return odata.retry.run(attempt, retry_on=SapTechnicalError, what=what)


def find_posted(odata: ODataClient, company_code: str, reference: str) -> str | None:
    """The payment document whose reference is ``reference``'s check number, if posted."""
    condition = (f"CompanyCode eq {quote(company_code)} and DocumentReferenceID eq "
                 f"{quote(cheque_number(reference))} and FinancialAccountType eq 'D'")
    for row in odata.entities(*CUBE, filter=condition, select=("AccountingDocument",), top=1):
        return str(row["AccountingDocument"])
    return None


def find_submitted(odata: ODataClient, reference: str) -> str | None:
    """The lockbox batch that holds ``reference``'s check, if SAP received one."""
    condition = f"Cheque eq {quote(cheque_number(reference))}"
    for row in odata.entities(SERVICE, "LockboxBatchItem", filter=condition,
                              select=("LockboxBatchInternalKey",), top=1):
        return str(row["LockboxBatchInternalKey"])
    return None


def _amount(value: Decimal, currency: str) -> str:
    """An Edm.Decimal as V2 JSON writes it (a string), with the currency's decimals."""
    return str(quantize(value, currency))
