"""Posting an incoming payment that clears open items, idempotently; resetting one.

``Z_ARBOTS_POST_CLEARING`` (ABAP in ``bots/sap/abap``) wraps FB05 through the
posting interface: one payment to a bank G/L account, and the four things a
payment can do to a customer's items, kept apart as SAP keeps them:

* **clear** an item (:class:`ClearItem`: applied, cash discount, and a
  *write-off* within the limit, posted with its reason code);
* leave a **residual** of a cleared item (:class:`Residual`: a new item tied
  to the invoice by ``REBZG``, with a reason code);
* a **part payment** (:class:`PartialPayment`): the invoice stays open, a
  credit item tied to it by ``REBZG`` records the money (F-28/FB05 "Part
  payment");
* a payment **on account** (:class:`OnAccount`): a credit item of the
  customer tied to no invoice (unapplied cash).

A :data:`TRANSFER` request (``UMBUCHNG``, FB05 "transfer posting with
clearing") has no bank line: it clears an on-account credit against invoices.

The request's ``reference`` is its idempotency key: it becomes the
document's ``XBLNR``, the wrapper returns the existing document instead of
posting twice, and :func:`find_document_by_reference` lets a rerun check
SAP before it even tries. SAP keeps XBLNR in upper case (its domain has no
lower case; the wrapper converts it under a lock on company code +
reference), so the key is sent and looked up in upper case: ``pay-3f2a``
is ``PAY-3F2A`` in SAP.

Amounts are external and signed like :class:`~bots.domain.OpenItem`
(positive: the customer owed it). Per item, ``applied + discount + write_off
+ its residuals`` must equal the item's open amount, and applied + part
payments + on account must add up to the payment; the wrapper checks it
again and refuses otherwise (a closed posting period too). FB05, run by the
posting interface, commits its own document: ``rollback()`` does not undo a
posting. Call ``commit()`` after it all the same (the house rule for every
write).

``Z_ARBOTS_RESET_CLEARING`` (:func:`reset_clearing`) undoes a clearing as
FBRA does: the items it cleared are open again, and optionally the payment
document is reversed. Calling it again is harmless (``already_done``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bots.domain import quantize
from bots.sap.errors import SapBusinessError, raise_for_return
from bots.sap.read_table import TableReader, Where
from bots.sap.rfc import Rfc
from bots.sap.values import alpha, to_dats

REFERENCE_LENGTH = 16  # BKPF-XBLNR


@dataclass(frozen=True)
class ClearItem:
    """An open item to clear, with what the payment applies to it."""

    customer: str
    document_no: str
    fiscal_year: str
    line_item: str
    applied: Decimal
    discount: Decimal = Decimal(0)
    write_off: Decimal = Decimal(0)  # within the policy's limit, to ``reason_code``
    reason_code: str = ""  # RSTGR of the write-off


@dataclass(frozen=True)
class PartialPayment:
    """Money paid against an item that stays open (its open amount is not reached)."""

    customer: str
    document_no: str
    fiscal_year: str
    line_item: str
    amount: Decimal
    reason_code: str = ""  # RSTGR
    text: str = ""


@dataclass(frozen=True)
class OnAccount:
    """Money put on a customer's account, tied to no invoice (unapplied cash)."""

    customer: str
    amount: Decimal
    reason_code: str = ""  # RSTGR
    text: str = ""
    assignment: str = ""  # ZUONR: what a person searches it by (the payment reference)


INCOMING, TRANSFER = "EINGZAHL", "UMBUCHNG"  # clearing procedures (I_AUGLV)


@dataclass(frozen=True)
class Residual:
    """What stays open of a cleared item (a short payment), with its reason code."""

    document_no: str
    fiscal_year: str
    line_item: str
    amount: Decimal
    reason_code: str  # RSTGR
    text: str = ""


@dataclass(frozen=True)
class ClearingRequest:
    """One incoming payment and the items it clears (FB05)."""

    company_code: str
    currency: str
    reference: str  # idempotency key -> XBLNR
    doc_date: date
    posting_date: date
    amount: Decimal
    bank_account: str  # G/L account of the bank (HKONT)
    items: tuple[ClearItem, ...]
    residuals: tuple[Residual, ...] = ()
    partials: tuple[PartialPayment, ...] = ()
    on_account: tuple[OnAccount, ...] = ()
    procedure: str = INCOMING  # TRANSFER: no bank line, amount 0
    payer: str = ""  # customer of the payment line (default: the first item's)
    header_text: str = ""  # BKTXT
    value_date: date | None = None
    doc_type: str = "DZ"

    def __post_init__(self) -> None:
        if not self.reference or len(self.reference) > REFERENCE_LENGTH:
            raise ValueError(f"clearing reference {self.reference!r} must be 1 to "
                             f"{REFERENCE_LENGTH} characters (it is BKPF-XBLNR)")
        if not (self.items or self.partials or self.on_account):
            raise ValueError(f"clearing {self.reference}: no items to clear")
        if self.procedure not in (INCOMING, TRANSFER):
            raise ValueError(f"clearing {self.reference}: procedure {self.procedure!r} is "
                             f"neither {INCOMING} nor {TRANSFER}")
        if self.procedure == TRANSFER and (self.amount or self.bank_account):
            raise ValueError(f"clearing {self.reference}: a transfer posting has no bank "
                             "line (amount 0, no bank account)")
        texts = [("header_text", self.header_text, 25)]
        kinds: tuple[tuple[str, Sequence[ClearItem | Residual | PartialPayment | OnAccount]],
                     ...] = (("items", self.items), ("residuals", self.residuals),
                             ("partials", self.partials), ("on_account", self.on_account))
        for name, rows in kinds:
            for i, row in enumerate(rows):
                texts.append((f"{name}[{i}].reason_code", row.reason_code, 3))
                texts.append((f"{name}[{i}].text", getattr(row, "text", ""), 50))
        for name, text, limit in texts:
            if len(text) > limit:
                raise ValueError(f"clearing {self.reference}: {name} {text!r} is longer than "
                                 f"{limit} characters (SAP's field length)")
        amounts = [("amount", self.amount)]
        for i, x in enumerate(self.items):
            amounts += [(f"items[{i}].applied", x.applied), (f"items[{i}].discount", x.discount),
                        (f"items[{i}].write_off", x.write_off)]
        amounts += [(f"residuals[{i}].amount", r.amount) for i, r in enumerate(self.residuals)]
        amounts += [(f"partials[{i}].amount", r.amount) for i, r in enumerate(self.partials)]
        amounts += [(f"on_account[{i}].amount", r.amount) for i, r in enumerate(self.on_account)]
        for name, value in amounts:
            if quantize(value, self.currency) != value:
                raise ValueError(f"clearing {self.reference}: {name} {value} has more "
                                 f"decimals than {self.currency} allows")
        paid = self.paid()
        if paid != self.amount:
            raise ValueError(f"clearing {self.reference}: applied, part-paid and on account "
                             f"{paid} do not add up to the payment {self.amount}")

    def paid(self) -> Decimal:
        """What the request applies: cleared + part payments + on account."""
        return (sum_applied(self.items) + sum((x.amount for x in self.partials), Decimal(0))
                + sum((x.amount for x in self.on_account), Decimal(0)))


@dataclass(frozen=True)
class SapMessage:
    """One BAPIRET2 message."""

    type: str
    id: str
    number: str
    message: str
    variables: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ClearingResult:
    """The payment document, and whether it was already there."""

    document_no: str
    fiscal_year: str
    already_posted: bool
    messages: tuple[SapMessage, ...] = ()


def post_clearing(rfc: Rfc, request: ClearingRequest) -> ClearingResult:
    """Post ``request`` (or find it posted); SapBusinessError when SAP refuses.

    What the first wrapper version lacks (``AUGLV``, write-offs, part payments,
    payments on account) is sent only when the request uses it, so a plain
    clearing still works against a system that has not installed the new one.
    """
    header = {"BUKRS": request.company_code, "BLART": request.doc_type,
              "BLDAT": to_dats(request.doc_date), "BUDAT": to_dats(request.posting_date),
              "WAERS": request.currency, "XBLNR": request.reference.upper(),
              "BKTXT": request.header_text}
    if request.procedure != INCOMING:
        header["AUGLV"] = request.procedure
    clear = []
    for i in request.items:
        row = {"KUNNR": alpha(i.customer), "BELNR": i.document_no, "GJAHR": i.fiscal_year,
               "BUZEI": i.line_item, "WRBTR": i.applied, "WSKTO": i.discount}
        if i.write_off:
            row.update(WOFF=i.write_off, RSTGR=i.reason_code)
        clear.append(row)
    tables: dict[str, list[dict[str, object]]] = {}
    if request.partials:
        tables["T_PARTIAL"] = [
            {"KUNNR": alpha(x.customer), "BELNR": x.document_no, "GJAHR": x.fiscal_year,
             "BUZEI": x.line_item, "WRBTR": x.amount, "RSTGR": x.reason_code, "SGTXT": x.text}
            for x in request.partials]
    if request.on_account:
        tables["T_ONACCOUNT"] = [
            {"KUNNR": alpha(x.customer), "WRBTR": x.amount, "RSTGR": x.reason_code,
             "ZUONR": x.assignment[:18], "SGTXT": x.text} for x in request.on_account]
    result = rfc.call(
        "post_clearing", write=True, I_HEADER=header,
        I_PAYMENT={"KUNNR": alpha(request.payer) if request.payer else "",
                   "WRBTR": request.amount,
                   "HKONT": alpha(request.bank_account) if request.bank_account else "",
                   "VALUT": to_dats(request.value_date or request.posting_date),
                   "SGTXT": request.header_text},
        T_CLEAR=clear,
        T_RESIDUAL=[{"BELNR": r.document_no, "GJAHR": r.fiscal_year, "BUZEI": r.line_item,
                     "WRBTR": r.amount, "RSTGR": r.reason_code, "SGTXT": r.text}
                    for r in request.residuals], **tables)
    raise_for_return(rfc.name("post_clearing"), result["RETURN"])
    if not result["E_BELNR"]:
        raise SapBusinessError(f"{rfc.name('post_clearing')}: no document number returned "
                               f"for reference {request.reference}")
    messages = tuple(
        SapMessage(m["TYPE"], m["ID"], m["NUMBER"], m["MESSAGE"],
                   tuple(m[f"MESSAGE_V{i}"] for i in range(1, 5))) for m in result["RETURN"])
    return ClearingResult(result["E_BELNR"], result["E_GJAHR"], result["E_EXISTING"] == "X",
                          messages)


def find_document_by_reference(reader: TableReader, company_code: str,
                               reference: str) -> str | None:
    """The number of a not-reversed document with ``reference`` (upper case) in XBLNR.

    Read by BKPF's XBLNR index (company code + reference), never by a field
    without an index such as the header text BKTXT, which would scan BKPF.
    """
    where = Where().eq("BUKRS", company_code).eq("XBLNR", reference.upper()).eq("STBLG", " ")
    for row in reader.rows("BKPF", ["BELNR", "GJAHR"], where):
        return row["BELNR"]
    return None


def sum_applied(items: Sequence[ClearItem]) -> Decimal:
    """Total applied by ``items`` (what the payment amount must be)."""
    return sum((i.applied for i in items), Decimal(0))


@dataclass(frozen=True)
class ResetResult:
    """What a reset did: the items open again, the reversal document, or nothing left."""

    reopened: tuple[tuple[str, str, str, str], ...]  # (customer, document, year, line)
    reversal: str  # STBLG, "" when not reversed
    already_done: bool


def reset_clearing(rfc: Rfc, company_code: str, document_no: str, fiscal_year: str, *,
                   reverse: bool = False, reversal_reason: str = "01",
                   posting_date: date | None = None) -> ResetResult:
    """Reset the clearing ``document_no`` (FBRA), and with ``reverse`` reverse it too.

    Idempotent: a clearing already reset (and reversed, if asked) answers
    ``already_done``. SapBusinessError when SAP refuses (the document does
    not exist, a closed period, an item of it cleared by a later document).
    """
    result = rfc.call(
        "reset_clearing", write=True, I_BUKRS=company_code, I_AUGBL=document_no,
        I_GJAHR=fiscal_year, I_REVERSE="X" if reverse else "", I_STGRD=reversal_reason,
        I_BUDAT=to_dats(posting_date) if posting_date else "00000000")
    raise_for_return(rfc.name("reset_clearing"), result["RETURN"])
    return ResetResult(
        tuple((r["KUNNR"], r["BELNR"], r["GJAHR"], r["BUZEI"]) for r in result["T_REOPENED"]),
        result["E_STBLG"], result["E_EXISTING"] == "X")
