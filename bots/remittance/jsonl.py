"""The interchange JSON Lines of ``arbots extract`` (spec section 1), both ways.

One object per remittance, keys in the spec's order; amounts are decimal
strings with the currency's decimals (``"1234.50"``, yen ``"2700"``), dates ISO,
absent values ``null``, ``discount``/``deduction`` ``"0.00"`` when none::

    write_jsonl(result.remittances, sys.stdout)
    remittances = list(read_jsonl(open("remit.jsonl")))
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import IO, Any

from bots.domain import PaymentMethod, Remittance, RemittanceLine, format_amount
from bots.interchange import FieldError, field_amount, field_currency, field_date


def to_json(r: Remittance) -> dict[str, Any]:
    """The spec's object for one remittance."""
    ccy = r.currency

    def money(value: Decimal | None) -> str | None:
        return None if value is None else format_amount(value, ccy)

    return {
        "id": r.id, "source": r.source, "format": r.format, "payer_name": r.payer_name,
        "payer_account": r.payer_account, "payment_ref": r.payment_ref,
        "payment_date": _iso(r.payment_date),
        "payment_method": r.payment_method.value if r.payment_method else None,
        "currency": ccy, "total": money(r.total),
        "lines": [{
            "invoice_ref": line.invoice_ref or None, "po_number": line.po_number,
            "invoice_date": _iso(line.invoice_date), "gross_amount": money(line.gross_amount),
            "discount": money(line.discount), "deduction": money(line.deduction),
            "deduction_reason": line.deduction_reason, "paid_amount": money(line.paid_amount),
        } for line in r.lines],
        "warnings": list(r.warnings),
    }


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"{key}: expected a string or null, got {value!r}")
    return value


def _optional_amount(obj: dict[str, Any], key: str, where: str, currency: str
                     ) -> Decimal | None:
    value = obj.get(key)
    return None if value is None else field_amount(value, f"{where}.{key}", currency)


def _line(obj: Any, n: int, currency: str) -> RemittanceLine:
    where = f"lines[{n}]"
    if not isinstance(obj, dict):
        raise FieldError(f"{where}: expected an object")
    paid = _optional_amount(obj, "paid_amount", where, currency)
    if paid is None:
        raise FieldError(f"{where}.paid_amount: is required")
    try:
        invoice_ref, po_number = _text(obj, "invoice_ref"), _text(obj, "po_number")
        deduction_reason = _text(obj, "deduction_reason")
    except FieldError as exc:
        raise FieldError(f"{where}.{exc}") from None
    return RemittanceLine(
        invoice_ref=invoice_ref or "", paid_amount=paid, po_number=po_number,
        invoice_date=field_date(obj.get("invoice_date"), f"{where}.invoice_date", False),
        gross_amount=_optional_amount(obj, "gross_amount", where, currency),
        discount=_optional_amount(obj, "discount", where, currency) or Decimal(0),
        deduction=_optional_amount(obj, "deduction", where, currency) or Decimal(0),
        deduction_reason=deduction_reason)


def from_json(obj: Any) -> Remittance:
    """A remittance back from the spec's object; FieldError names a wrong field."""
    if not isinstance(obj, dict):
        raise FieldError("expected a JSON object")
    rid = _text(obj, "id")
    if not rid:
        raise FieldError("id: is required")
    currency = field_currency(obj.get("currency"))
    lines = obj.get("lines") or []
    if not isinstance(lines, list):
        raise FieldError("lines: expected a list")
    method = _text(obj, "payment_method")
    try:
        payment_method = PaymentMethod(method) if method else None
    except ValueError:
        raise FieldError(f"payment_method: {method!r} is not one of "
                        f"{', '.join(m.value for m in PaymentMethod)}") from None
    total = obj.get("total")
    warnings = obj.get("warnings") or []
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise FieldError("warnings: expected a list of strings")
    return Remittance(
        id=rid, source=_text(obj, "source") or "", format=_text(obj, "format") or "",
        currency=currency, lines=[_line(x, n, currency) for n, x in enumerate(lines)],
        payer_name=_text(obj, "payer_name"), payer_account=_text(obj, "payer_account"),
        payment_ref=_text(obj, "payment_ref"),
        payment_date=field_date(obj.get("payment_date"), "payment_date", required=False),
        payment_method=payment_method,
        total=None if total is None else field_amount(total, "total", currency),
        warnings=list(warnings))


def to_line(r: Remittance) -> str:
    """The JSON Lines line of one remittance (without its newline)."""
    return json.dumps(to_json(r), ensure_ascii=False)


def write_jsonl(remittances: Iterable[Remittance], out: IO[str]) -> int:
    """Write one JSON object per line; returns how many were written."""
    n = 0
    for r in remittances:
        out.write(to_line(r) + "\n")
        n += 1
    return n


def read_jsonl(lines: Iterable[str]) -> Iterator[Remittance]:
    """Remittances from JSON Lines (blank lines skipped)."""
    for line in lines:
        if line.strip():
            yield from_json(json.loads(line))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


