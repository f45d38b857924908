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
            "invoice_ref": line.invoice_ref, "po_number": line.po_number,
            "invoice_date": _iso(line.invoice_date), "gross_amount": money(line.gross_amount),
            "discount": money(line.discount), "deduction": money(line.deduction),
            "deduction_reason": line.deduction_reason, "paid_amount": money(line.paid_amount),
        } for line in r.lines],
        "warnings": list(r.warnings),
    }


def from_json(obj: dict[str, Any]) -> Remittance:
    """A remittance back from the spec's object."""

    def money(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return Remittance(
        id=obj["id"], source=obj["source"], format=obj["format"], currency=obj["currency"],
        payer_name=obj.get("payer_name"), payer_account=obj.get("payer_account"),
        payment_ref=obj.get("payment_ref"), payment_date=_date(obj.get("payment_date")),
        payment_method=PaymentMethod(obj["payment_method"]) if obj.get("payment_method")
        else None,
        total=money(obj.get("total")), warnings=list(obj.get("warnings") or []),
        lines=[RemittanceLine(
            invoice_ref=line["invoice_ref"], paid_amount=Decimal(line["paid_amount"]),
            po_number=line.get("po_number"), invoice_date=_date(line.get("invoice_date")),
            gross_amount=money(line.get("gross_amount")),
            discount=Decimal(line.get("discount") or "0"),
            deduction=Decimal(line.get("deduction") or "0"),
            deduction_reason=line.get("deduction_reason")) for line in obj.get("lines", [])])


def write_jsonl(remittances: Iterable[Remittance], out: IO[str]) -> int:
    """Write one JSON object per line; returns how many were written."""
    n = 0
    for r in remittances:
        out.write(json.dumps(to_json(r), ensure_ascii=False) + "\n")
        n += 1
    return n


def read_jsonl(lines: Iterable[str]) -> Iterator[Remittance]:
    """Remittances from JSON Lines (blank lines skipped)."""
    for line in lines:
        if line.strip():
            yield from_json(json.loads(line))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
