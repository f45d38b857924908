"""ISO 20022 camt.054 / camt.053 (and camt.052) bank messages to remittances.

Any version (``camt.05x.001.02`` to ``.001.12``): the namespace is read from the
root and dropped, elements are found by local name, and the few places where
versions differ are tried in turn (``TxDtls/Amt`` vs ``TxDtls/AmtDtls/TxAmt/Amt``,
``Dbtr/Nm`` vs ``Dbtr/Pty/Nm``, ``Dt`` vs ``DtTm``).

The XML is parsed by :mod:`bots.remittance.safexml`: DTDs refused, no entity
expanded, no external resource read (XXE and "billion laughs" are ``unsafe``).

:func:`parse` gives every entry transaction (credits and debits, for tests and
reconciliation); :func:`read` keeps the credits, one remittance per
transaction (``NtryDtls/TxDtls``; an entry without details is one):

==============  =====================================================
total           the entry amount; in a batch entry (several TxDtls) each
                transaction's own amount; ``Ccy`` -> currency
payer_name      ``RltdPties/Dbtr`` (or ``UltmtDbtr``) name
payment_ref     ``EndToEndId`` (unless NOTPROVIDED), else ``AcctSvcrRef``
payment_date    value date, else booking date
lines           ``RmtInf/Strd``: ``RfrdDocInf/Nb`` (or ``CdtrRefInf/Ref``),
                ``RfrdDocAmt``: RmtdAmt (paid), DuePyblAmt (gross),
                DscntApldAmt (discount), AdjstmntAmtAndRsn (deduction);
                ``RmtInf/Ustrd`` free text: "invoice ... amount" lines
==============  =====================================================

A reference without an amount is a line only when it is the transaction's
only one (it takes the transaction amount); otherwise it is named in a warning.
Bank charges (``Chrgs``) that explain why less arrived than the payer sent
(instructed minus charges = booked) make that line's deduction, reason "bank
charges", its gross the amount sent.
When an entry and its transactions disagree on the direction, the entry's
booking is followed (with a warning). The ``format`` is ``camt052`` (intraday
reports), ``camt053`` or ``camt054`` (interchange spec v1.1).

Direction, reversals and returns (ISO 20022): ``CdtDbtInd`` states the
direction of the booking itself, also of a reversal; ``RvslInd=true`` only says
that the booking undoes an earlier one of the opposite direction, so it never
flips the sign. Hence:

* DBIT with ``RvslInd`` or with return information (``TxDtls/RtrInf``, SEPA
  reason codes such as AC04, AM04, MD06): money leaving, the return of an
  earlier incoming payment; read as a ``Remittance`` with ``kind = "return"``
  (the front door keeps it out of the remittances), its reason in a warning;
* CRDT with ``RtrInf``: our own outgoing payment came back; also a return,
  never a payment from a customer;
* CRDT with ``RvslInd`` alone: money in that undoes an earlier debit (say, a
  returned payment whose return was cancelled); a payment, with a warning so
  that it goes to a person;
* any other DBIT: not a remittance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element

from bots.domain import PaymentMethod, Remittance, RemittanceLine, exponent
from bots.remittance import safexml
from bots.remittance import sniff as _sniff
from bots.remittance.banktext import invoice_refs
from bots.remittance.errors import ExtractError
from bots.remittance.plaintext import parse_line
from bots.remittance.values import parse_plain_amount

NAME = "camt"
_NS = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.\d{3}\.\d{2}")
_METHODS = {"RCDT": PaymentMethod.WIRE, "ICDT": PaymentMethod.WIRE,
            "RDDT": PaymentMethod.ACH, "IDDT": PaymentMethod.ACH,
            "RCHQ": PaymentMethod.CHECK, "ICHQ": PaymentMethod.CHECK,
            "CCRD": PaymentMethod.CARD, "MCRD": PaymentMethod.CARD}


@dataclass
class Transaction:
    """One entry transaction as the bank reports it (amounts unsigned)."""

    entry_index: int
    entry_amount: Decimal
    credit: bool
    amount: Decimal
    currency: str
    booking_date: date | None
    value_date: date | None
    payer_name: str | None
    end_to_end: str | None
    servicer_ref: str | None
    method: PaymentMethod | None
    structured: list[dict[str, Any]] = field(default_factory=list)
    unstructured: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reversal: bool = False  # RvslInd=true: the booking undoes an earlier one
    charges: Decimal = Decimal(0)  # Chrgs the bank took out of an incoming payment
    return_reason: str | None = None  # RtrInf present: its reason ("AC04 closed account")

    @property
    def is_return(self) -> bool:
        """A debit reversing a payment, or any booking with return information."""
        return self.return_reason is not None or (self.reversal and not self.credit)


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    root = _sniff.xml_root(head)
    return root is not None and _NS.search(root[1]) is not None


def message_type(data: bytes) -> str:
    """``camt053``/``camt054``/``camt052`` from the root namespace."""
    root = _sniff.xml_root(data[:_sniff.HEAD_BYTES])
    m = _NS.search(root[1]) if root else None
    if not m:
        raise ExtractError("malformed", "not an ISO 20022 camt.05x document")
    return f"camt{m[1]}"


def parse(data: bytes) -> list[Transaction]:
    """Every transaction of every entry, credits and debits."""
    message_type(data)
    root = safexml.parse(data)
    body = next(iter(root), None)
    if body is None:
        raise ExtractError("malformed", "empty camt document")
    reports = [r for r in body if r.tag in ("Stmt", "Ntfctn", "Rpt")]
    if not reports:
        raise ExtractError("malformed", f"no Stmt/Ntfctn/Rpt in {body.tag}")
    out: list[Transaction] = []
    entries = [entry for report in reports for entry in report.findall("Ntry")]
    for index, entry in enumerate(entries):
        out.extend(_entry(entry, index))
    return out


def read(data: bytes, source: str) -> list[Remittance]:
    """One remittance per credit transaction, one ``kind="return"`` per return."""
    fmt = message_type(data)
    transactions = parse(data)
    kept = [_remittance(t, source, fmt) for t in transactions if t.credit or t.is_return]
    if not kept:
        raise ExtractError("not-a-remittance", f"{len(transactions)} transaction(s), none "
                                               "incoming (all debits)" if transactions
                           else "no entries (a balance report)")
    return kept


def _entry(entry: Element, index: int) -> list[Transaction]:
    amount, currency = _amount(entry.find("Amt"))
    if amount is None or currency is None:
        raise ExtractError("malformed", "an Ntry without an Amt with Ccy")
    credit = _text(entry, "CdtDbtInd") == "CRDT"  # a reversal states its own direction
    reversal = _text(entry, "RvslInd").lower() in ("true", "1")
    booking, value = _date(entry, "BookgDt"), _date(entry, "ValDt")
    details: list[Element | None] = [*entry.findall("NtryDtls/TxDtls")] or [None]
    family = _text(entry, "BkTxCd/Domn/Fmly/Cd")
    out = []
    for tx in details:
        tx_amount, tx_currency = _tx_amount(tx) if tx is not None else (None, None)
        warnings = []
        stated = _text(tx, "CdtDbtInd") if tx is not None else ""
        if stated and (stated == "CRDT") != credit:
            warnings.append(f"transaction says {stated} in an entry booked as "
                            f"{'CRDT' if credit else 'DBIT'}; the booking is followed")
        node: Any = tx if tx is not None else entry
        charges = _charges(node, currency) if credit else Decimal(0)
        if charges and tx_amount is not None and tx_amount - charges == amount:
            tx_amount = amount  # the payer sent more; the bank kept its charges
        else:
            charges = Decimal(0)
        if len(details) == 1 or tx_amount is None:  # the booked amount is what arrived
            if tx_amount is not None and (tx_amount, tx_currency or currency) != (amount,
                                                                                  currency):
                warnings.append(f"transaction amount {tx_amount} {tx_currency or currency} "
                                f"differs from the booked {amount} {currency}; the booking "
                                "is followed")
            elif tx_amount is None and len(details) > 1:
                warnings.append("batch entry without transaction amounts: the entry amount "
                                "is shown")
            tx_amount, tx_currency = amount, currency
        out.append(Transaction(
            entry_index=index, entry_amount=amount, credit=credit, warnings=warnings,
            reversal=reversal, return_reason=_return_reason(node), charges=charges,
            amount=tx_amount, currency=tx_currency or currency, booking_date=booking,
            value_date=value,
            payer_name=_first(node, "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm",
                              "RltdPties/UltmtDbtr/Nm", "RltdPties/UltmtDbtr/Pty/Nm"),
            end_to_end=_ref(_first(node, "Refs/EndToEndId")),
            servicer_ref=_ref(_first(entry, "AcctSvcrRef") or _first(node, "Refs/AcctSvcrRef")),
            method=_METHODS.get(_first(node, "BkTxCd/Domn/Fmly/Cd") or family or ""),
            structured=[_strd(s) for s in node.findall("RmtInf/Strd")],
            unstructured=[t.text.strip() for t in node.findall("RmtInf/Ustrd")
                          if t.text and t.text.strip()]))
    return out


#: SEPA / ISO 20022 return reason codes (ExternalReturnReason1Code), the common ones.
RETURN_REASONS = {
    "AC01": "incorrect account number", "AC04": "closed account", "AC06": "blocked account",
    "AC13": "invalid debtor account type", "AG01": "transaction forbidden",
    "AG02": "invalid bank operation code", "AM04": "insufficient funds", "AM05": "duplication",
    "BE05": "unrecognised initiating party", "CNOR": "creditor bank not registered",
    "CUST": "requested by the customer", "DNOR": "debtor bank not registered",
    "DUPL": "duplicate payment", "FF01": "invalid file format", "FOCR": "following a "
    "cancellation request", "FRAD": "fraudulent origin", "MD01": "no mandate",
    "MD02": "missing mandate data", "MD06": "refund requested by the payer",
    "MD07": "payer deceased", "MS02": "refused by the payer", "MS03": "reason not "
    "specified", "RC01": "bank identifier incorrect", "RR01": "regulatory reason",
    "RR02": "regulatory reason", "RR03": "regulatory reason", "RR04": "regulatory reason",
    "SL01": "specific service of the payer's bank", "TECH": "technical problem",
}


def _return_reason(node: Element) -> str | None:
    """``RtrInf`` as one phrase ("AC04 closed account; Konto erloschen"), None without it."""
    info = node.find("RtrInf")
    if info is None:
        return None
    code = _first(info, "Rsn/Cd", "Rsn/Prtry") or ""
    words = [f"{code} {RETURN_REASONS[code]}" if code in RETURN_REASONS else code]
    words += [t.text.strip() for t in info.findall("AddtlInf") if t.text and t.text.strip()]
    return "; ".join(w for w in words if w) or "no reason given"


def _charges(node: Element, currency: str) -> Decimal:
    """The charges (``Chrgs/Amt``, v8+ ``Chrgs/Rcrd/Amt``) stated in the booked currency."""
    total = Decimal(0)
    for el in [*node.findall("Chrgs/Amt"), *node.findall("Chrgs/Rcrd/Amt")]:
        amount, ccy = _amount(el)
        if amount is not None and ccy in (None, currency):
            total += amount
    return total


def _tx_amount(tx: Element) -> tuple[Decimal | None, str | None]:
    for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        amount, currency = _amount(tx.find(path))
        if amount is not None:
            return amount, currency
    return None, None


def _strd(strd: Element) -> dict[str, Any]:
    adjustment = strd.find("RfrdDocAmt/AdjstmntAmtAndRsn")
    return {
        "ref": _first(strd, "RfrdDocInf/Nb", "CdtrRefInf/Ref"),
        "date": _date(strd, "RfrdDocInf/RltdDt"),
        "paid": _amount(strd.find("RfrdDocAmt/RmtdAmt"))[0],
        "gross": _amount(strd.find("RfrdDocAmt/DuePyblAmt"))[0],
        "discount": _amount(strd.find("RfrdDocAmt/DscntApldAmt/Amt"))[0]
        or _amount(strd.find("RfrdDocAmt/DscntApldAmt"))[0],
        "deduction": _amount(adjustment.find("Amt"))[0] if adjustment is not None else None,
        "reason": _first(adjustment, "Rsn", "AddtlInf") if adjustment is not None else None,
    }


def _remittance(t: Transaction, source: str, fmt: str) -> Remittance:
    warnings = list(t.warnings)
    lines: list[RemittanceLine] = []
    unpaid: list[str] = []
    for s in t.structured:
        if not s["ref"]:
            continue
        discount, deduction = abs(s["discount"] or 0), abs(s["deduction"] or 0)
        paid = s["paid"]
        if paid is None and s["gross"] is not None:
            paid = s["gross"] - discount - deduction
        if paid is None:
            unpaid.append(s["ref"])
            continue
        lines.append(RemittanceLine(
            invoice_ref=s["ref"], paid_amount=paid, invoice_date=s["date"],
            gross_amount=s["gross"], discount=Decimal(discount), deduction=Decimal(deduction),
            deduction_reason=s["reason"]))
    text = " ".join(t.unstructured)
    if not lines and not unpaid and text:
        whole_units = exponent(t.currency) == 0  # "INV-4711 1937870" in yen
        lines = [line for u in t.unstructured
                 if (line := parse_line(u, whole_units=whole_units))]
        if not lines:
            unpaid = invoice_refs(text)
    if not lines and len(unpaid) == 1:
        lines, unpaid = [RemittanceLine(invoice_ref=unpaid[0], paid_amount=t.amount)], []
    if unpaid:
        warnings.append(f"references without amounts: {', '.join(unpaid)}")
    if t.charges and len(lines) == 1 and lines[0].paid_amount == t.amount \
            and lines[0].gross_amount is None:  # the invoice was paid in full, less charges
        lines[0].gross_amount = t.amount + t.charges
        lines[0].deduction, lines[0].deduction_reason = t.charges, "bank charges"
    elif t.charges:
        warnings.append(f"bank charges {t.charges} {t.currency} kept from the payment")
    kind = "return" if t.is_return else "payment"
    if t.is_return:
        way = "incoming payment returned" if not t.credit else "our outgoing payment came back"
        warnings.append(f"{way}: {t.return_reason or 'reversal (RvslInd)'}")
    elif t.reversal:
        warnings.append("reversal booking (RvslInd): money in that undoes an earlier debit, "
                        "not a new payment by the payer")
    return Remittance(
        id="", source=source, format=fmt, currency=t.currency, lines=lines,
        payer_name=t.payer_name, payment_ref=t.end_to_end or t.servicer_ref,
        payment_date=t.value_date or t.booking_date, payment_method=t.method, total=t.amount,
        warnings=warnings, kind=kind)


def _amount(el: Element | None) -> tuple[Decimal | None, str | None]:
    text = (el.text or "").strip() if el is not None else ""
    if el is None or not text:
        return None, None
    try:  # xs:decimal: no exponent, no separators; out of range fails the document
        return parse_plain_amount(text), el.get("Ccy")
    except ValueError:
        raise ExtractError("malformed", f"<{el.tag}> {el.text!r} is not an amount") from None


def _text(el: Element, path: str) -> str:
    found = el.find(path)
    return (found.text or "").strip() if found is not None else ""


def _first(el: Element | None, *paths: str) -> str | None:
    for path in paths:
        if el is not None and (value := _text(el, path)):
            return value
    return None


def _ref(value: str | None) -> str | None:
    """A reference, or None for the placeholders banks write instead of one."""
    return None if not value or value.upper() in ("NOTPROVIDED", "NONREF") else value


def _date(el: Element, path: str) -> date | None:
    text = _first(el, f"{path}/Dt", f"{path}/DtTm", path)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])  # "<Dt>2014-12-31T00:00:00</Dt>" seen in the wild
    except ValueError:
        raise ExtractError("malformed", f"<{path}> {text!r} is not a date") from None
