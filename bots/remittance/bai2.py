"""BAI2 bank files (balance reporting and lockbox deposits) to remittances.

:func:`parse` reads the whole file into groups, accounts and transaction
details; :func:`read` turns every *incoming* detail (type codes 100-399, the
credits) into one remittance: the amount is the total, the detail and its
``88`` continuations give payer, references and, where the text names
invoices (``REMI: INV 1234 ...``), the lines.

The record syntax, as banks really write it:

* a record starts with its 2-digit code and ends with ``/`` - or with the
  end of the line; several records may share one physical line
  (``.../   02,...``), and a physical line that does not start with a record
  code continues the record before it;
* ``88`` records continue the record before them (summary lists of ``03``
  records, free text of ``16`` records, one ``TAG: value`` per record in
  Goldman-style files: ``REMI``, ``EREF``, ``DBNM``...);
* amounts are integers in minor units of the account's currency (the
  group's, else USD), optionally signed;
* the funds type of a detail decides how many fields follow it
  (``S``: 3, ``V``: 2, ``D``: 1 + 2n, others: none), then bank reference,
  customer reference and text (which may hold commas).

Checks: the first record must be ``01`` and the last ``99`` (else
``malformed``); group and file control totals are compared with the sums
below them (a mismatch is a warning on every remittance of the file).

Returns (BAI2 type codes, spec v2): a credit that brings back money we sent
(123, 168, 255, 257, 261, 266, 268: returned or rejected items) and a debit
that takes back money we received (423, 552, 555, 557, 558, 566, 568, 694:
deposited item returned, ACH return, credit reversal) give a ``Remittance``
with ``kind = "return"``, never a payment. Reversal credits (252 debit
reversal, 258 ACH reversal credit, 395 check reversal) are money in that undoes
an earlier debit: a payment with a warning, so that a person looks at it.

Limits: other debits (400-699) and summaries are parsed but give no remittance;
the BAI *lockbox* fixed-width transmission format (record types 1-9) is not
read, only lockbox deposits reported in BAI2 (type codes 115-118).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bots.domain import PaymentMethod, Remittance, RemittanceLine, from_minor
from bots.remittance import sniff as _sniff
from bots.remittance.banktext import invoice_refs
from bots.remittance.errors import ExtractError
from bots.remittance.plaintext import parse_line
from bots.remittance.values import note

NAME = "bai2"
_CODES = ("01", "02", "03", "16", "49", "88", "98", "99")
_SPLIT = re.compile(r"/[ \t]*\r?\n(?=[ \t]*\d\d[,:])|\r?\n(?=[ \t]*\d\d[,:])"
                    r"|/[ \t]+(?=(?:" + "|".join(_CODES) + r"),)")
_TAG = re.compile(r"^([A-Z]{4}):\s?(.*)$")


#: Credits that bring back money we sent; debits that take back money we received.
RETURNED_CREDITS = frozenset({123, 168, 255, 257, 261, 266, 268})
RETURNED_DEBITS = frozenset({423, 552, 555, 557, 558, 566, 568, 694})
REVERSAL_CREDITS = frozenset({252, 258, 395})


def _method(type_code: int) -> PaymentMethod:
    if 115 <= type_code <= 118 or type_code in (175, 301, 302):
        return PaymentMethod.CHECK
    if 140 <= type_code <= 169:
        return PaymentMethod.ACH
    if 191 <= type_code <= 208:
        return PaymentMethod.WIRE
    return PaymentMethod.OTHER


@dataclass
class Detail:
    """One transaction detail (record 16) with its continuation text."""

    type_code: int
    amount: Decimal
    currency: str
    account: str
    as_of: date | None
    value_date: date | None = None
    bank_ref: str = ""
    customer_ref: str = ""
    text: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def is_credit(self) -> bool:
        return 100 <= self.type_code <= 399


@dataclass
class BaiFile:
    """What a BAI2 file reports."""

    sender: str
    receiver: str
    details: list[Detail] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    return _sniff.is_bai2(head)


def records(text: str) -> list[tuple[str, list[str]]]:
    """(record code, fields) per logical record; 88s are kept as records."""
    out = []
    for raw in _SPLIT.split(text.strip().lstrip("\ufeff")):
        raw = " ".join(raw.split("\n")).strip()
        if not raw:
            continue
        if raw.endswith("/"):
            raw = raw[:-1]
        out.append((raw[:2], raw[3:].split(",")))
    return out


def parse(data: bytes) -> BaiFile:
    """All groups, accounts and details of the file (credits and debits)."""
    recs = records(data.decode("latin-1"))
    if not recs or recs[0][0] != "01":
        found = recs[0][0] if recs else "nothing"
        raise ExtractError("malformed", f"the first record is {found!r}, not the BAI2 file "
                                        "header '01'")
    head = recs[0][1]
    bai = BaiFile(sender=_f(head, 0), receiver=_f(head, 1))
    currency, account, as_of = "USD", "", None
    group_currency = "USD"
    last: str = "01"
    detail: Detail | None = None
    group_sum = file_sum = 0
    for n, (code, fields) in enumerate(recs[1:], 2):
        if code not in _CODES:
            raise ExtractError("malformed", f"record {n}: unknown record code {code!r}")
        if code == "88":
            if detail is not None and last in ("16", "88"):
                _continue(detail, ",".join(fields))
            continue
        detail = None
        last = code
        if code == "02":
            as_of = _date(_f(fields, 3))
            group_currency = _f(fields, 5) or "USD"
            group_sum = 0
        elif code == "03":
            account = _f(fields, 0)
            currency = _f(fields, 1) or group_currency
        elif code == "16":
            detail = _detail(fields, n, currency, account, as_of)
            bai.details.append(detail)
        elif code == "49":
            group_sum += _int(_f(fields, 0), n)
        elif code == "98":
            total = _int(_f(fields, 0), n)
            file_sum += total
            if total != group_sum:
                bai.warnings.append(f"group control total {total} differs from the sum of its "
                                    f"accounts {group_sum}")
        elif code == "99":
            total = _int(_f(fields, 0), n)
            if total != file_sum:
                bai.warnings.append(f"file control total {total} differs from the sum of its "
                                    f"groups {file_sum}")
    if last != "99":
        raise ExtractError("malformed", "no file trailer record '99' (file truncated?)")
    return bai


def read(data: bytes, source: str) -> list[Remittance]:
    """One remittance per incoming (credit) detail, ``kind="return"`` for returns."""
    bai = parse(data)
    credits = [_remittance(d, source, bai.warnings) for d in bai.details
               if (d.is_credit or d.type_code in RETURNED_DEBITS) and d.amount]
    if not credits:
        raise ExtractError("not-a-remittance", f"{len(bai.details)} detail(s), none incoming "
                                               "(type codes 100-399, non-zero)" if bai.details
                           else "balances only, no transaction details")
    return credits


def _detail(fields: list[str], n: int, currency: str, account: str,
            as_of: date | None) -> Detail:
    type_code = _f(fields, 0)
    if not (type_code.isascii() and type_code.isdigit()):
        raise ExtractError("malformed", f"record {n}: type code {type_code!r} is not a number")
    detail = Detail(int(type_code), from_minor(_int(_f(fields, 1), n), currency), currency,
                    account, as_of)
    funds = _f(fields, 2).upper()
    pos = 3
    if funds == "S":
        pos += 3
    elif funds == "V":
        detail.value_date = _date(_f(fields, 3))
        pos += 2
    elif funds == "D":
        count = _f(fields, 3)
        pos += 1 + 2 * (int(count) if count.isascii() and count.isdigit() else 0)
    detail.bank_ref, detail.customer_ref = _f(fields, pos), _f(fields, pos + 1)
    _continue(detail, ",".join(fields[pos + 2:]))
    return detail


def _continue(detail: Detail, text: str) -> None:
    text = text.strip()
    m = _TAG.match(text)
    if m:
        detail.tags.setdefault(m[1], m[2].strip())
    elif text and text != "-":
        detail.text = f"{detail.text} {text}".strip()


def _remittance(d: Detail, source: str, file_warnings: list[str]) -> Remittance:
    remi = d.tags.get("REMI", "")
    payer = d.tags.get("DBNM") or _after(d.text, "From:")
    warnings = list(file_warnings)
    lines = [line for text in (remi, d.text) if text and (line := parse_line(text))][:1]
    if not lines:
        refs = invoice_refs(remi or d.text)
        if len(refs) == 1:
            lines = [RemittanceLine(invoice_ref=refs[0], paid_amount=d.amount)]
        elif refs:
            warnings.append(f"invoice references without amounts: {', '.join(refs)}")
    kind = "payment"
    if d.type_code in RETURNED_CREDITS or d.type_code in RETURNED_DEBITS:
        kind = "return"
        way = "our outgoing payment came back" if d.is_credit else "incoming payment returned"
        warnings.append(f"{way}: type {d.type_code} {d.text.split(',')[0]}".rstrip())
    elif d.type_code in REVERSAL_CREDITS:
        warnings.append(f"reversal booking (type {d.type_code}): money in that undoes an "
                        "earlier debit, not a new payment by the payer")
    return Remittance(
        id="", source=source, format=NAME, currency=d.currency, lines=lines,
        payer_name=payer or None, payment_ref=d.customer_ref or d.bank_ref or None,
        payment_date=d.value_date or d.as_of, payment_method=_method(d.type_code),
        total=d.amount, warnings=warnings, kind=kind)


def _after(text: str, label: str) -> str | None:
    m = re.search(re.escape(label) + r"\s*([^,]+)", text)
    return m[1].strip() if m else None


def _f(fields: list[str], i: int) -> str:
    return fields[i].strip() if i < len(fields) else ""


def _int(text: str, n: int) -> int:
    try:
        return int(text or "0")
    except ValueError:
        raise ExtractError("malformed", f"record {n}: {text!r} is not an amount") from None


def _date(text: str) -> date | None:
    if not re.fullmatch(r"\d{6}", text):
        return None
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        note(f"impossible date {text!r} ignored")
        return None
