"""ANSI X12 820 (Payment Order/Remittance Advice) to remittances.

One ``ST*820 ... SE`` transaction set is one remittance. Separators are read
from the ISA segment: the element separator is its 4th character, the
component separator its 16th element, the segment terminator the character
right after it (so non-padded ISAs, as some senders write them, work too).

Segments used (others are skipped):

======  ==========================================================
BPR     01 handling (``I`` = remittance only), 02 total, 04 method, 16 date
TRN     02 check or EFT trace number -> ``payment_ref``
CUR     02 currency (default USD)
N1      ``PR`` payer (else ``RM``, the party remitting): name (02); with 03 =
        ``91`` (assigned by seller) 04 is our number for them -> payer_account;
        ``PE`` payee (ignored)
RMR     a line: 01 qualifier, 02 reference, 04 paid, 05 invoice amount (gross),
        06 discount. The qualifier (X12 element 128) decides what 02 is: an
        invoice qualifier (:data:`INVOICE_QUALIFIERS`: IV, IK, OI, R7) gives
        ``invoice_ref``; ``PO`` gives ``po_number`` and no ``invoice_ref``;
        anything else (account, policy, contract, program codes) is no
        invoice reference: the line keeps its amount, a warning names it
REF     after an RMR: ``PO`` -> po_number, an invoice qualifier -> invoice_ref
DTM     ``003`` after an RMR: invoice date; ``097``/``009``/``234``: payment date
ADX     after an RMR: 01 adjustment amount (negative reduces the payment),
        02 reason code (element 426) -> deduction, deduction_reason
        ("01 Pricing Error"); 04 the reference it concerns, in the reason
======  ==========================================================

Warnings: lines referenced by PO or by other non-invoice qualifiers; an
adjustment outside any RMR; an SE segment count that does not match.
``BPR01=I`` with a zero amount (remittance advice only, the money travels
separately) gives ``total = None`` rather than a misleading 0.00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bots.domain import PaymentMethod, Remittance, RemittanceLine
from bots.remittance import sniff as _sniff
from bots.remittance.errors import ExtractError
from bots.remittance.values import parse_plain_amount, try_date

NAME = "x12-820"

_METHODS = {"ACH": PaymentMethod.ACH, "CCP": PaymentMethod.ACH, "CTX": PaymentMethod.ACH,
            "PPD": PaymentMethod.ACH, "CHK": PaymentMethod.CHECK, "FWT": PaymentMethod.WIRE,
            "SWT": PaymentMethod.WIRE, "BOP": PaymentMethod.OTHER, "VCC": PaymentMethod.CARD}
#: ADX02 adjustment reason codes (X12 element 426), the ones trade payers use; any
#: other code is shown as printed.
ADJUSTMENT_REASONS = {
    "01": "Pricing Error", "02": "Allowance/Charge Error", "03": "Extension Error",
    "04": "Item Not Accepted - Damaged", "05": "Item Not Accepted - Quality",
    "06": "Quantity Contested", "07": "Incorrect Product", "08": "Substitute Product",
    "09": "Terms of Sale Error", "10": "Pallet/Container Charge Error",
    "11": "Returns - Damage", "12": "Returns - Quality", "13": "Returns - Dating",
    "14": "Returns - Promotion", "15": "Returns - Recall",
    "16": "Non-Invoice Related Allowance/Charge", "19": "Duplicate Billing",
    "20": "Balance Due Declined", "22": "Weight Error", "23": "Special Charge Not Authorized",
    "24": "Incorrect Discount", "25": "Item Not Accepted", "26": "Invoice Cancelled",
    "27": "Product Transfers Subject to Charge Back", "43": "Missing Discount",
    "48": "Service Charge", "50": "Late Charge", "51": "Interest Penalty Charge",
    "52": "Credit for Overpayment", "53": "Remittance for Previous Underpayment",
    "54": "Freight Deducted", "55": "Tax Deducted", "56": "Advertising Allowance Taken",
    "57": "Volume Discount Taken", "59": "Item not received", "60": "No open item on file",
    "61": "No open order on file", "62": "Material/Item Description Error",
    "63": "Customer Paid Invoice Which Was Previously Disputed", "71": "Advertising Allowance",
    "72": "Authorized Return", "CS": "Adjustment",
}
#: RMR01/REF01 qualifiers (X12 element 128) whose value is the number of our invoice.
INVOICE_QUALIFIERS = {"IV": "seller's invoice number", "IK": "invoice number",
                      "OI": "original invoice number", "R7": "accounts receivable open item"}
#: Other qualifiers seen in RMR01, for the warning that says why they are no invoice.
OTHER_QUALIFIERS = {"11": "account number", "1L": "group or policy number",
                    "AZ": "health insurance policy number", "CT": "contract number",
                    "IG": "insurance policy number", "POL": "policy number",
                    "CR": "customer reference number", "VV": "voucher", "ZZ": "mutually defined"}
_PAYMENT_DATES = ("097", "009", "234", "405")


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    return _sniff.is_x12(head)


@dataclass
class _Separators:
    element: str
    segment: str
    component: str


def separators(text: str) -> _Separators:
    """The separators an interchange declares in its ISA segment."""
    text = text.lstrip("\ufeff \r\n\t")
    if not text.startswith("ISA") or len(text) < 4:
        raise ExtractError("malformed", "no ISA interchange header")
    element = text[3]
    pos = 3
    for _ in range(15):  # ISA01..ISA15, the 16th is the component separator
        pos = text.find(element, pos + 1)
        if pos < 0:
            raise ExtractError("malformed", "ISA segment is truncated")
    if pos + 2 >= len(text):
        raise ExtractError("malformed", "ISA segment is truncated")
    return _Separators(element, text[pos + 2], text[pos + 1])


def segments(data: bytes) -> list[list[str]]:
    """The interchange as a list of segments, each a list of elements."""
    text = data.decode("latin-1")
    sep = separators(text)
    out = []
    for raw in text.lstrip("\ufeff \r\n\t").split(sep.segment):
        raw = raw.strip("\r\n\t ")
        if raw:
            out.append(raw.split(sep.element))
    return out


@dataclass
class _Set:
    """The transaction set being read."""

    control: str
    start: int
    remittance: Remittance
    line: RemittanceLine | None = None
    po_refs: int = 0
    handling: str = ""
    warnings: list[str] = field(default_factory=list)


def read(data: bytes, source: str) -> list[Remittance]:
    """One remittance per 820 transaction set in the interchange."""
    segs = segments(data)
    out: list[Remittance] = []
    current: _Set | None = None
    for n, seg in enumerate(segs, 1):
        tag = seg[0].upper()
        if tag == "ST":
            if current is not None:
                raise ExtractError("malformed", f"segment {n}: ST before the SE of set "
                                                f"{current.control}")
            if _el(seg, 1) != "820":
                continue
            current = _Set(_el(seg, 2), n, Remittance(id="", source=source, format=NAME,
                                                      currency="USD"))
        elif current is None:
            continue
        elif tag == "SE":
            _close(current, seg, n)
            out.append(current.remittance)
            current = None
        else:
            _segment(current, tag, seg, n)
    if current is not None:
        raise ExtractError("malformed", f"transaction set {current.control} has no SE "
                                        "segment (file truncated?)")
    kinds = sorted({_el(s, 1) for s in segs if s[0].upper() == "ST"})
    if not kinds:
        raise ExtractError("malformed", "no ST transaction set in the interchange")
    if not out:
        raise ExtractError("not-a-remittance", f"an X12 interchange of {', '.join(kinds)}, "
                                               "not 820")
    return out


def _segment(cur: _Set, tag: str, seg: list[str], n: int) -> None:
    rem = cur.remittance
    if tag == "BPR":
        cur.handling = _el(seg, 1).upper()
        rem.total = _amount(seg, 2, n)
        rem.payment_method = _METHODS.get(_el(seg, 4).upper())
        rem.payment_date = try_date(_el(seg, 16)) or rem.payment_date
    elif tag == "TRN":
        rem.payment_ref = _el(seg, 2) or None
    elif tag == "CUR" and _el(seg, 2):
        rem.currency = _el(seg, 2).upper()
    elif tag == "N1" and _el(seg, 1).upper() in ("PR", "RM"):
        if _el(seg, 1).upper() == "PR" or rem.payer_name is None:  # the payer before the remitter
            rem.payer_name = _el(seg, 2) or rem.payer_name
        if _el(seg, 3) == "91" and _el(seg, 4):  # identification assigned by us, the seller
            rem.payer_account = _el(seg, 4)
    elif tag == "RMR":
        cur.line = _rmr(cur, seg, n)
        rem.lines.append(cur.line)
    elif tag == "REF" and cur.line is not None:
        qualifier, value = _el(seg, 1).upper(), _el(seg, 2)
        if qualifier == "PO" and value:
            cur.line.po_number = value
        elif qualifier in INVOICE_QUALIFIERS and value and not cur.line.invoice_ref:
            cur.line.invoice_ref = value
    elif tag == "DTM":
        qualifier, when = _el(seg, 1), try_date(_el(seg, 2))
        if qualifier == "003" and cur.line is not None:
            cur.line.invoice_date = when
        elif qualifier in _PAYMENT_DATES and rem.payment_date is None:
            rem.payment_date = when
    elif tag == "ADX":
        _adx(cur, seg, n)
    elif tag == "ENT":
        cur.line = None


def _rmr(cur: _Set, seg: list[str], n: int) -> RemittanceLine:
    qualifier, ref = _el(seg, 1).upper(), _el(seg, 2)
    if not ref:
        raise ExtractError("malformed", f"segment {n}: RMR without a reference number")
    paid = _amount(seg, 4, n)
    if paid is None:
        raise ExtractError("malformed", f"segment {n}: RMR {ref} has no paid amount (RMR04)")
    line = RemittanceLine(invoice_ref="", paid_amount=paid, gross_amount=_amount(seg, 5, n),
                          discount=abs(_amount(seg, 6, n) or Decimal(0)))
    if qualifier in INVOICE_QUALIFIERS:
        line.invoice_ref = ref
    elif qualifier == "PO":
        line.po_number = ref
        cur.po_refs += 1
    else:
        what = OTHER_QUALIFIERS.get(qualifier, "unknown qualifier")
        cur.warnings.append(f"RMR*{qualifier} {ref} ({what}) is no invoice reference; "
                            f"its {paid} is kept without one")
    return line


def _adx(cur: _Set, seg: list[str], n: int) -> None:
    amount = _amount(seg, 1, n)
    code, about = _el(seg, 2).upper(), _el(seg, 4)
    reason = f"{code} {ADJUSTMENT_REASONS[code]}" if code in ADJUSTMENT_REASONS else code
    reason += f" ({about})" if about and reason else about
    if amount is None:
        raise ExtractError("malformed", f"segment {n}: ADX without an amount")
    if cur.line is None:
        cur.warnings.append(f"adjustment {amount} ({reason or 'no reason'}) is not tied to "
                            "an invoice")
        return
    cur.line.deduction += -amount
    cur.line.deduction_reason = "; ".join(filter(None, [cur.line.deduction_reason, reason])) \
        or None


def _close(cur: _Set, seg: list[str], n: int) -> None:
    rem = cur.remittance
    count = _el(seg, 1)
    if count.isascii() and count.isdigit() and int(count) != n - cur.start + 1:
        cur.warnings.append(f"SE counts {count} segments, the set has {n - cur.start + 1}")
    if cur.handling == "I" and rem.total is not None and rem.total == 0:
        rem.total = None
        cur.warnings.append("BPR: remittance advice only (BPR01=I, amount 0.00); the payment "
                            "travels separately")
    if cur.po_refs:
        cur.warnings.append(f"{cur.po_refs} line(s) referenced by purchase order (RMR01=PO), "
                            "not by invoice number")
    rem.warnings.extend(cur.warnings)


def _el(seg: list[str], i: int) -> str:
    return seg[i].strip() if i < len(seg) else ""


def _amount(seg: list[str], i: int, n: int) -> Decimal | None:
    text = _el(seg, i)
    if not text:
        return None
    try:  # X12 type R: no separators, no exponent, at most 18 digits
        return parse_plain_amount(text)
    except ValueError:
        raise ExtractError("malformed", f"segment {n} ({seg[0]}{i:02d}): {text!r} is not an "
                                        "amount") from None
