"""SWIFT MT940/MT942 statements: one remittance per credit ``:61:`` line.

A statement is a run of ``:tag:`` fields (optionally inside SWIFT blocks
``{1:...}{4: ... -}``). The opening balance ``:60F:``/``:60M:`` gives the
currency; each ``:61:`` statement line (value date, optional entry date,
``C``/``D``/``RC``/``RD`` mark, amount with a decimal comma, transaction type,
customer reference ``//`` bank reference) is followed by its ``:86:`` text.

The ``:86:`` text comes in three dialects, all understood:

* German GVC subfields ``?20``-``?29`` (purpose; ``EREF+``/``SVWZ+`` inside),
  ``?32``/``?33`` (counterparty name);
* slash tags ``/NAME/.../REMI/.../EREF/...`` (Dutch and SEPA banks);
* free text.

The purpose text gives the lines through :mod:`bots.remittance.plaintext`.
The output ``format`` is ``mt940``, a value the interchange spec does not list yet.

Limits: debits (``D``, ``RC``) and zero-amount lines give no remittance.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from bots.domain import PaymentMethod, Remittance, RemittanceLine
from bots.remittance import sniff as _sniff
from bots.remittance.errors import ExtractError
from bots.remittance.plaintext import decode, find_refs, parse_line
from bots.remittance.values import parse_amount

NAME = "mt940"
_TAG = re.compile(r"^:(\d\d[A-Z]?):", re.M)
_LINE61 = re.compile(r"(\d{6})\s*(\d{4})?\s*(R?[CD])([A-Z])?(\d+,\d*)([A-Z][A-Z0-9 ]{3})"
                     r"([^\n]*?)(?://([^\n]*))?(?:\n(.*))?$", re.S)
_BALANCE = re.compile(r"[CD]\d{6}([A-Z]{3})")
_SLASH_TAGS = re.compile(r"/(NAME|REMI|EREF|ORDP|BENM|TRCD|CSID|MARF|IBAN|BIC)/")


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    return _sniff.is_mt940(head)


def read(data: bytes, source: str) -> list[Remittance]:
    """One remittance per credit statement line."""
    text, warnings = decode(data)
    text = text.replace("\r\n", "\n")
    fields = _fields(text)
    if not any(tag == "61" for tag, _ in fields):
        raise ExtractError("not-a-remittance", "an MT940 statement without :61: lines")
    out: list[Remittance] = []
    currency = "EUR"
    pending: Remittance | None = None
    for tag, value in fields:
        if tag in ("60F", "60M"):
            m = _BALANCE.match(value.strip())
            currency = m[1] if m else currency
        elif tag == "61":
            pending = _statement_line(value, currency, source)
            if pending is not None:
                pending.warnings.extend(warnings)
                out.append(pending)
        elif tag == "86" and pending is not None:
            _purpose(pending, value)
            pending = None
        else:
            pending = None if tag != "86" else pending
    if not out:
        raise ExtractError("not-a-remittance", "no credit :61: line (debits or zero only)")
    return out


def _fields(text: str) -> list[tuple[str, str]]:
    matches = list(_TAG.finditer(text))
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end():end]
        value = re.split(r"\n-\}|\n-\s*$|\n\{5:", value)[0]
        out.append((m[1], value.strip("\n")))
    return out


def _statement_line(value: str, currency: str, source: str) -> Remittance | None:
    m = _LINE61.match(value.strip())
    if not m:
        first = value.strip().split("\n", 1)[0]
        raise ExtractError("malformed", f":61: {first!r} is not a statement line")
    amount = parse_amount(m[5], ",")
    if m[3] not in ("C", "RD") or amount == 0:  # debits and zero memo lines pay nothing
        return None
    yy, mm, dd = int(m[1][:2]), int(m[1][2:4]), int(m[1][4:])
    try:
        value_date = date(2000 + yy if yy < 80 else 1900 + yy, mm, dd)
    except ValueError:
        raise ExtractError("malformed", f":61: {m[1]!r} is not a date") from None
    customer_ref = m[7].strip()
    ref = customer_ref if customer_ref and customer_ref.upper() != "NONREF" else m[8]
    return Remittance(id="", source=source, format=NAME, currency=currency,
                      payment_ref=(ref or "").strip() or None, payment_date=value_date,
                      payment_method=_method(m[6]), total=amount)


def _method(kind: str) -> PaymentMethod | None:
    code = kind[1:].upper()
    if code in ("CHK", "CHQ"):
        return PaymentMethod.CHECK
    if code in ("TRF", "STO"):
        return PaymentMethod.WIRE
    if code in ("DDT",):
        return PaymentMethod.ACH
    return None


def _purpose(rem: Remittance, text: str) -> None:
    flat = text.replace("\n", "")
    name, purpose = None, " ".join(text.split())
    if "?2" in flat or "?3" in flat:
        sub = dict(re.findall(r"\?(\d\d)([^?]*)", flat))
        purpose = " ".join(sub.get(f"{k}", "") for k in map(str, range(20, 30))).strip()
        name = " ".join(" ".join(filter(None, (sub.get("32"), sub.get("33")))).split()) or None
        purpose = re.sub(r"\b(EREF|KREF|MREF|CRED|SVWZ|ABWA)\+", " ", purpose).strip()
    elif _SLASH_TAGS.search(flat):
        parts = _SLASH_TAGS.split(flat)
        tags = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=False))
        name = tags.get("NAME") or None
        purpose = tags.get("REMI", purpose)
        if not rem.payment_ref and tags.get("EREF"):
            rem.payment_ref = tags["EREF"]
    rem.payer_name = name
    line = parse_line(purpose)
    if line is not None:
        rem.lines.append(line)
        return
    refs = find_refs(purpose)
    if len(refs) == 1 and rem.total is not None:
        rem.lines.append(RemittanceLine(invoice_ref=refs[0], paid_amount=Decimal(rem.total)))
    elif refs:
        rem.warnings.append(f"references without amounts: {', '.join(refs)}")
