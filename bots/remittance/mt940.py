"""SWIFT MT940/MT942 statements: one remittance per credit ``:61:`` line.

A statement is a run of ``:tag:`` fields (optionally inside SWIFT blocks
``{1:...}{4: ... -}``). Each ``:61:`` statement line (value date, optional
entry date, ``C``/``D``/``RC``/``RD`` mark, optional funds code, amount with a
decimal comma, transaction type, customer reference ``//`` bank reference) is
followed by its ``:86:`` information to the account owner. The currency comes
from the opening balance ``:60F:``/``:60M:``, in an MT942 from ``:34F:``,
else from the closing balance ``:62F:``.

``:86:`` is one field: its lines are wrapped by the bank at 65 characters,
mid-word, so a line that long is joined to the next without a space (a date
or a time stamp cut in two stays one, and ``:26:37`` at the start of a
wrapped line is text, not a tag). Three dialects are understood:

* German DK ``?00``-``?63`` subfields: ``?00`` booking text, ``?20``-``?29``
  and ``?60``-``?63`` purpose, joined without separators (a value runs on
  into the next subfield), ``?32``/``?33`` payer name; inside the purpose
  the SEPA keywords ``EREF+``, ``KREF+``, ``MREF+``, ``CRED+``, ``SVWZ+``,
  ``ABWA+`` ... (DFÜ-Abkommen Anlage 3);
* slash tags (Dutch and SEPA banks): ``/EREF/``, ``/PREF/``, ``/CNTP/``
  (IBAN/BIC/name/city of the counterparty), ``/NAME/``, ``/ADDR/``,
  ``/REMI/USTD//`` (free text), ``/REMI/STRD/CUR/`` (the creditor
  reference), ``/RTRN/`` (return reason);
* free text.

References: the values of ``EREF``/``PREF``/``KREF`` are references (the
payment reference, and invoice references when they name an invoice); the
placeholders ``NONREF`` and ``NOTPROVIDED`` and empty values never are. A
structured creditor reference is the reference of our invoice. Invoice
references in the purpose text are found after the invoice words of EN, DE,
NL and FR (Invoice, Rechnung, RE-Nr., Rg.-Nr., Factuur, Factuurnr, facture),
or as ``INV-``/``RE-`` tokens; a date is never one. One reference takes the
whole amount; several take their amounts from the text when the text states
them, else they are named in a warning.

Returns: ``RC`` (reversal of a credit), a return reason (``/RTRN/``) or a DK
return booking give a ``Remittance`` with ``kind = "return"``, never a
payment: on a debit GVC 009/010/109 or "RUECKLASTSCHRIFT" (a direct debit we
collected came back), on a credit GVC 159 or "RETOURE" (a transfer we sent
came back). ``RD`` (reversal of a debit, or "STORNO" on a credit) is money in
that undoes an earlier debit: a payment with a warning, so that a person looks
at it. Other debits and zero-amount memo lines give nothing.

A ``:61:`` line that cannot be read is skipped with a warning on the other
remittances of the file; a file where no line can be read is ``malformed``.
A fragment without ``:20:`` is read as well and named so in messages.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bots.domain import PaymentMethod, Remittance
from bots.remittance import sniff as _sniff
from bots.remittance.banktext import customer_number, invoice_refs, lines_for
from bots.remittance.errors import ExtractError
from bots.remittance.plaintext import decode
from bots.remittance.values import note, parse_amount

NAME = "mt940"
#: The tags of MT940 and MT942 (anything else at the start of a line is text).
_TAGS = frozenset({"13", "13D", "20", "21", "25", "25P", "28", "28C", "34F", "60F", "60M",
                   "61", "62F", "62M", "64", "65", "86", "90C", "90D"})
_TAG = re.compile(r"^:(\d\d[A-Z]?):", re.M)
_WRAP = 65  # the width of an MT940 line; a line this long was cut by the bank
_LINE61 = re.compile(
    r"(?P<value>\d{6})[ ]*(?P<entry>\d{4})?[ ]*(?P<mark>R?[CD])(?P<funds>[A-Z])?\s*"
    r"(?P<amount>\d+(?:,\d*)?)(?P<type>[A-Z][A-Z0-9 ]{3})(?P<cref>[^\n]*?)"
    r"(?://(?P<bref>[^\n]*))?(?:\n(?P<extra>.*))?$", re.S)
_BALANCE = re.compile(r"[CD]\d{6}([A-Z]{3})")
_FLOOR = re.compile(r"([A-Z]{3})[CD]?\d")  # :34F:EURD0,00
_PLACEHOLDERS = frozenset({"", "NONREF", "NOTPROVIDED", "NONE", "EREF", "PREF", "KREF", "EREF+",
                           "KREF+", "-"})
_SEPA_KEYS = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|COAM|OAMT|SVWZ|ABWA|ABWE|IBAN|BIC)\+")
_SLASH_TAGS = re.compile(
    r"/(EREF|PREF|MARF|CSID|CNTP|REMI|PURP|RTRN|ULTC|ULTD|ULTB|ORDP|BENM|NAME|ADDR|ISDT|"
    r"TRCD|TRTP|IBAN|BIC|CHGS|EXCH|IREF|OCMT|ATOM|BUSP|SUM)/")
REVERSAL_OF_DEBIT = ("reversal booking: money in that undoes an earlier debit, not a new "
                     "payment by the payer")
# DK returns: of a direct debit we collected (a debit), of a transfer we sent (a credit)
_RETURNED_DEBIT_GVC = frozenset({"009", "010", "109"})
_RETURNED_CREDIT_GVC = frozenset({"159"})
_RETURNED_DEBIT_WORDS = re.compile(r"R(?:UE|Ü)CKLASTSCHRIFT|R(?:UE|Ü)CKBELASTUNG", re.I)
_RETURNED_CREDIT_WORDS = re.compile(r"RETOURE|R(?:UE|Ü)CK(?:UE|Ü)BERWEISUNG", re.I)


@dataclass
class Details:
    """An ``:86:`` field taken apart."""

    purpose: str = ""  # what the payer wrote about the payment
    payer: str | None = None
    refs: dict[str, str] = field(default_factory=dict)  # EREF/PREF/KREF/MREF: real values only
    creditor_ref: str | None = None  # /REMI/STRD/CUR/: the reference of our invoice
    return_reason: str | None = None  # /RTRN/ code, or the DK booking text of a return
    returned: str = ""  # which booking it returns: "D" a debit's, "C" a credit's, "CD" either
    reversal: bool = False  # the DK booking text says STORNO


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    return _sniff.is_mt940(head)


def read(data: bytes, source: str) -> list[Remittance]:
    """One remittance per credit statement line (``kind="return"`` for returns)."""
    text, warnings = decode(data)
    fields = _fields(text.replace("\r\n", "\n").replace("\r", "\n"))
    what = "MT940 statement" if any(tag == "20" for tag, _ in fields) else \
        "MT940 statement fragment (no :20:)"
    lines = [value for tag, value in fields if tag == "61"]
    if not lines:
        raise ExtractError("not-a-remittance", f"an {what} without :61: statement lines")
    out: list[Remittance] = []
    skipped: list[str] = []
    currency: str | None = None
    closing = next((m[1] for tag, value in fields if tag in ("62F", "62M", "64")
                    and (m := _BALANCE.match(value.strip()))), None)  # when no opening
    pending: Remittance | None = None
    debit = False
    read_lines = 0
    for tag, value in fields:
        if tag in ("60F", "60M", "34F") and (m := (_BALANCE if tag != "34F" else _FLOOR)
                                             .match(value.strip())):
            currency = m[1]
        elif tag == "61":
            pending = None
            try:
                pending, debit = _statement_line(value, currency or closing or "EUR")
            except ValueError as exc:
                skipped.append(f"statement line {value.split(chr(10))[0]!r} skipped: {exc}")
                continue
            read_lines += 1
            if pending is not None and not debit:
                pending.source = source
                out.append(pending)
        elif tag == "86" and pending is not None:
            _apply(pending, details(value), debit)
            if debit and pending.kind == "return":  # a debit matters only as a return
                pending.source = source
                out.append(pending)
            pending = None
        elif tag != "86":
            pending = None
    if not read_lines:
        raise ExtractError("malformed", f"an {what} with no readable :61: line ({skipped[0]})")
    if not out:
        raise ExtractError("not-a-remittance", f"an {what} with no credit :61: line "
                                               "(debits or zero only)")
    for r in out:
        if currency is None and closing is None:
            r.warnings.append("currency not stated (no :60F:, :34F: or :62F:); assumed EUR")
        r.warnings[:0] = warnings + skipped
    return out


def _fields(text: str) -> list[tuple[str, str]]:
    """(tag, value) of every field; a value ends at the next known tag or block end."""
    matches = [m for m in _TAG.finditer(text) if m[1] in _TAGS]
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = re.split(r"\n-\}|\n-\s*$|\n\{5:|\n-\s*\n\s*\{", text[m.end():end])[0]
        out.append((m[1], value.strip("\n")))
    return out


def _statement_line(value: str, currency: str) -> tuple[Remittance | None, bool]:
    """The remittance of one ``:61:`` line and whether it is a plain debit (``D``).

    None for zero-amount memo lines. A debit counts only if its ``:86:`` makes it
    a return.
    """
    m = _LINE61.match(value.strip())
    if not m:
        raise ValueError("not a statement line")
    amount = parse_amount(m["amount"], ",")
    mark = m["mark"]
    if amount == 0:  # balance memo lines pay nothing
        return None, False
    cref = m["cref"].strip()
    bank_ref = (m["bref"] or "").strip()
    rem = Remittance(id="", source="", format=NAME, currency=currency,
                     payment_ref=bank_ref or None if cref.upper() in _PLACEHOLDERS else cref,
                     payment_date=_date(m["value"]),
                     payment_method=_method(m["type"]), total=amount)
    if mark == "RC":
        rem.kind = "return"
        rem.warnings.append("incoming payment reversed (RC)")
    elif mark == "RD":
        rem.warnings.append(REVERSAL_OF_DEBIT)
    return rem, mark == "D"


def _date(value: str) -> date:
    """The value date (YYMMDD); banks write 30 February: the month's last day, then."""
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:])
    year = 2000 + yy if yy < 80 else 1900 + yy
    if not 1 <= mm <= 12 or dd < 1:
        raise ValueError(f"{value!r} is not a date")
    last = calendar.monthrange(year, mm)[1]
    if dd > last:
        note(f"impossible date {value!r} read as the month's last day")
    return date(year, mm, min(dd, last))


def _method(kind: str) -> PaymentMethod | None:
    code = kind[1:].upper()
    if code in ("CHK", "CHQ"):
        return PaymentMethod.CHECK
    if code in ("TRF", "STO"):
        return PaymentMethod.WIRE
    if code in ("DDT",):
        return PaymentMethod.ACH
    return None


def unwrap(value: str) -> str:
    """An ``:86:`` value as one line: lines cut at 65 characters (the first one counting
    its tag) join without a space."""
    lines = value.split("\n")
    out, width = lines[0], len(":86:") + len(lines[0])
    for line in lines[1:]:
        out += ("" if width >= _WRAP or re.match(r"\?\d\d", line) else " ") + line
        width = len(line)
    return out


def details(value: str) -> Details:
    """Purpose, payer, references and return reason of an ``:86:`` value, any dialect."""
    if re.search(r"\?(00|2\d|3[23])", value):
        return _dk(value.replace("\n", ""))
    text = unwrap(value)
    if _SLASH_TAGS.search(text):
        return _slashed(text)
    return Details(purpose=" ".join(text.split()))


def _dk(flat: str) -> Details:
    """German DK subfields ``?NN``; the purpose subfields run on without separators."""
    gvc = flat[:3] if flat[:3].isdigit() else ""
    sub: dict[str, str] = {}
    for key, val in re.findall(r"\?(\d\d)([^?]*)", flat):
        sub[key] = sub.get(key, "") + val
    keys = [f"{k}" for k in range(20, 30)] + ["60", "61", "62", "63"]
    segments: list[str] = []  # a value runs on into the next subfield only from a full one
    previous = ""
    for part in filter(None, (sub.get(key, "") for key in keys)):
        if segments and len(previous) >= 27:
            segments[-1] += part
        else:
            segments.append(part)
        previous = part
    free: list[str] = []
    keyed: dict[str, str] = {}
    for segment in segments:  # each SEPA keyword starts a new subfield
        words = _SEPA_KEYS.split(segment)
        free.append(words[0])
        for key, val in zip(words[1::2], words[2::2], strict=False):
            keyed[key] = (keyed.get(key, "") + " " + val).strip()
    found = Details()
    found.purpose = " ".join(" ".join([keyed.get("SVWZ", ""), *free]).split())
    found.refs = {k: v for k, v in keyed.items() if k in ("EREF", "KREF", "MREF")
                  and v.upper() not in _PLACEHOLDERS}
    found.payer = " ".join((sub.get("32", "") + sub.get("33", "")).split()) or \
        keyed.get("ABWA") or None
    booking = sub.get("00", "")
    if gvc in _RETURNED_DEBIT_GVC or _RETURNED_DEBIT_WORDS.search(booking):
        found.returned = "D"
    elif gvc in _RETURNED_CREDIT_GVC or _RETURNED_CREDIT_WORDS.search(booking):
        found.returned = "C"
    if found.returned:
        found.return_reason = " ".join(f"GVC {gvc} {booking}".split())
    found.reversal = "STORNO" in booking.upper()
    return found


def _slashed(text: str) -> Details:
    """Slash tags ``/TAG/value``; CNTP and REMI have their own inner structure."""
    parts = _SLASH_TAGS.split(text)
    tags: dict[str, str] = {}
    for tag, val in zip(parts[1::2], parts[2::2], strict=False):
        tags.setdefault(tag, val.strip().strip("/").strip())
    found = Details()
    remi = tags.get("REMI", "")
    if remi.upper().startswith("STRD"):
        found.creditor_ref = remi.split("/")[-1].strip() or None
    elif remi.upper().startswith("USTD"):
        remi = remi[4:].lstrip("/")
    found.purpose = "" if found.creditor_ref else " ".join(remi.split())
    found.refs = {k: v for k in ("EREF", "PREF") if (v := tags.get(k, "")).upper()
                  not in _PLACEHOLDERS}
    counterparty = [p.strip() for p in tags.get("CNTP", "").split("/")]
    found.payer = tags.get("NAME") or (counterparty[2] if len(counterparty) > 2 else "") or None
    if tags.get("RTRN"):
        found.return_reason = f"return reason {tags['RTRN'].split('/')[0]}"
        found.returned = "CD"
    return found


def _apply(rem: Remittance, found: Details, debit: bool) -> None:
    """Fill the remittance of a ``:61:`` line from its ``:86:`` details."""
    rem.payer_name = found.payer
    # the keywords' values are the payment's references, before the :61: references
    rem.payment_ref = found.refs.get("EREF") or found.refs.get("PREF") or \
        found.refs.get("KREF") or rem.payment_ref
    if found.return_reason and ("D" if debit else "C") in found.returned and \
            rem.kind != "return":
        rem.kind = "return"
        way = "incoming payment returned" if debit else "our outgoing payment came back"
        rem.warnings.append(f"{way}: {found.return_reason}")
    elif found.reversal and rem.kind != "return" and not rem.warnings:
        rem.warnings.append(REVERSAL_OF_DEBIT)
    rem.payer_account = customer_number(found.purpose)
    refs = [found.creditor_ref] if found.creditor_ref else invoice_refs(found.purpose)
    if not refs:  # an end-to-end or customer reference naming an invoice ("EREF+RE 4711")
        refs = [r for v in found.refs.values() for r in invoice_refs(v)][:1]
    rem.lines.extend(lines_for(refs, found.purpose, Decimal(rem.total or 0), rem.warnings))
