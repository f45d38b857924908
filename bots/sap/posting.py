"""Posting an incoming payment that clears open items, idempotently.

``Z_ARBOTS_POST_CLEARING`` (ABAP in ``bots/sap/abap``) wraps FB05 through the
posting interface: one payment to a bank G/L account, the open items it
clears, and the residual items a short payment leaves open with a reason
code. The request's ``reference`` is its idempotency key: it becomes the
document's ``XBLNR``, the wrapper returns the existing document instead of
posting twice, and :func:`find_document_by_reference` lets a rerun check
SAP before it even tries.

Amounts are external and signed like :class:`~bots.domain.OpenItem`
(positive: the customer owed it). Per item, ``applied + discount + its
residuals`` must equal the item's open amount, and the amounts applied must
add up to the payment; the wrapper checks it again and refuses otherwise.
The posting is part of the current LUW: call ``commit()`` after it.
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
    payer: str = ""  # customer of the payment line (default: the first item's)
    header_text: str = ""  # BKTXT
    value_date: date | None = None
    doc_type: str = "DZ"

    def __post_init__(self) -> None:
        if not self.reference or len(self.reference) > REFERENCE_LENGTH:
            raise ValueError(f"clearing reference {self.reference!r} must be 1 to "
                             f"{REFERENCE_LENGTH} characters (it is BKPF-XBLNR)")
        if not self.items:
            raise ValueError(f"clearing {self.reference}: no items to clear")
        texts = [("header_text", self.header_text, 25)]
        texts += [(f"residuals[{i}].text", r.text, 50) for i, r in enumerate(self.residuals)]
        texts += [(f"residuals[{i}].reason_code", r.reason_code, 3)
                  for i, r in enumerate(self.residuals)]
        for name, text, limit in texts:
            if len(text) > limit:
                raise ValueError(f"clearing {self.reference}: {name} {text!r} is longer than "
                                 f"{limit} characters (SAP's field length)")
        amounts = [("amount", self.amount)]
        amounts += [(f"items[{i}].applied", x.applied) for i, x in enumerate(self.items)]
        amounts += [(f"items[{i}].discount", x.discount) for i, x in enumerate(self.items)]
        amounts += [(f"residuals[{i}].amount", r.amount) for i, r in enumerate(self.residuals)]
        for name, value in amounts:
            if quantize(value, self.currency) != value:
                raise ValueError(f"clearing {self.reference}: {name} {value} has more "
                                 f"decimals than {self.currency} allows")
        applied = sum_applied(self.items)
        if applied != self.amount:
            raise ValueError(f"clearing {self.reference}: items applied {applied} do not "
                             f"add up to the payment {self.amount}")


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
    """Post ``request`` (or find it posted); SapBusinessError when SAP refuses."""
    result = rfc.call(
        "post_clearing", write=True,
        I_HEADER={"BUKRS": request.company_code, "BLART": request.doc_type,
                  "BLDAT": to_dats(request.doc_date), "BUDAT": to_dats(request.posting_date),
                  "WAERS": request.currency, "XBLNR": request.reference,
                  "BKTXT": request.header_text},
        I_PAYMENT={"KUNNR": alpha(request.payer) if request.payer else "",
                   "WRBTR": request.amount, "HKONT": alpha(request.bank_account),
                   "VALUT": to_dats(request.value_date or request.posting_date),
                   "SGTXT": request.header_text},
        T_CLEAR=[{"KUNNR": alpha(i.customer), "BELNR": i.document_no, "GJAHR": i.fiscal_year,
                  "BUZEI": i.line_item, "WRBTR": i.applied, "WSKTO": i.discount}
                 for i in request.items],
        T_RESIDUAL=[{"BELNR": r.document_no, "GJAHR": r.fiscal_year, "BUZEI": r.line_item,
                     "WRBTR": r.amount, "RSTGR": r.reason_code, "SGTXT": r.text}
                    for r in request.residuals])
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
    """The number of a not-reversed document with ``reference`` in XBLNR or BKTXT."""
    for name in ("XBLNR", "BKTXT"):
        where = Where().eq("BUKRS", company_code).eq(name, reference).eq("STBLG", " ")
        for row in reader.rows("BKPF", ["BELNR", "GJAHR"], where):
            return row["BELNR"]
    return None


def sum_applied(items: Sequence[ClearItem]) -> Decimal:
    """Total applied by ``items`` (what the payment amount must be)."""
    return sum((i.applied for i in items), Decimal(0))
