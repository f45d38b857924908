"""The files of ``arbots match``: open items, customers, remittances in; proposals out.

The formats are the public contract in ``spec/interchange.md`` (section 2):
CSV with a header row, comma separator, RFC 4180 quoting; JSON Lines for
remittances; amounts are decimal strings with a dot, dates ISO ``YYYY-MM-DD``.

Readers return ``(records, problems)``: a bad row or line is skipped and
reported as a :class:`BadRow` naming the file, the line and the reason, and
reading goes on with the rest. A file that cannot be read at all (missing,
not UTF-8, a required column absent) raises :class:`InterchangeError`.

    items, problems = read_open_items("OPEN.csv")
    for p in problems:
        print(p)          # OPEN.csv:14: amount: '12,50' is not a decimal with a dot

Limits: amounts may not carry more decimals than their currency has (a yen
amount is whole yen); a remittance amount given as a JSON number is refused,
because a float may already have lost cents.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bots.cashapp.engine import MatchResult
from bots.cashapp.explain import money
from bots.domain import (
    Customer,
    OpenItem,
    PaymentMethod,
    Remittance,
    RemittanceLine,
    format_amount,
    quantize,
    to_minor,
)

OPEN_ITEM_COLUMNS = ("company_code", "customer", "document_no", "fiscal_year", "line_item",
                     "invoice_ref", "po_number", "doc_date", "due_date", "currency", "amount",
                     "discount_pct", "discount_date")
CUSTOMER_COLUMNS = ("customer", "name", "parent", "aliases")
PROPOSAL_COLUMNS = ("remittance_id", "line_index", "customer", "document_no", "fiscal_year",
                    "line_item", "applied_amount", "discount_amount", "deduction_amount",
                    "decision", "confidence", "rule", "reason")
REQUIRED_OPEN = ("company_code", "customer", "document_no", "fiscal_year", "line_item",
                 "doc_date", "due_date", "currency", "amount")


class InterchangeError(ValueError):
    """A whole file cannot be read."""


@dataclass(frozen=True)
class BadRow:
    """One row that was skipped, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class _RowError(ValueError):
    pass


def _amount(value: Any, field: str, currency: str) -> Decimal:
    if isinstance(value, float):
        raise _RowError(f"{field}: {value!r} is a JSON number; amounts are decimal strings")
    if not isinstance(value, str):
        raise _RowError(f"{field}: expected a decimal string, got {value!r}")
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise _RowError(f"{field}: {value!r} is not a decimal with a dot") from None
    if not amount.is_finite():
        raise _RowError(f"{field}: {value!r} is not a finite amount")
    if quantize(amount, currency) != amount:
        raise _RowError(f"{field}: {value!r} has more decimals than {currency} allows")
    return amount


def _date(value: Any, field: str, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise _RowError(f"{field}: is required")
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _RowError(f"{field}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _currency(value: Any) -> str:
    text = str(value or "").strip().upper()
    if len(text) != 3 or not text.isalpha():
        raise _RowError(f"currency: {value!r} is not an ISO 4217 code")
    return text


def _csv_rows(path: str | Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    name = str(path)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InterchangeError(f"{name}: cannot open: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError:
            raise InterchangeError(f"{name}: not UTF-8 text") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise InterchangeError(f"{name}: missing column(s) {', '.join(missing)}")
        try:
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items()
                                        if isinstance(k, str)}
        except UnicodeDecodeError:
            raise InterchangeError(f"{name}: not UTF-8 text (line {reader.line_num + 1})"
                                   ) from None
        except csv.Error as exc:
            raise InterchangeError(f"{name}:{reader.line_num}: {exc}") from None


def _open_item(row: dict[str, str]) -> OpenItem:
    for column in ("company_code", "customer", "document_no", "fiscal_year", "line_item"):
        if not row.get(column):
            raise _RowError(f"{column}: is required")
    currency = _currency(row["currency"])
    pct = row.get("discount_pct", "")
    try:
        discount_pct = Decimal(pct) if pct else None
    except InvalidOperation:
        raise _RowError(f"discount_pct: {pct!r} is not a decimal number") from None
    if discount_pct is not None and not Decimal(0) <= discount_pct < Decimal(100):
        raise _RowError(f"discount_pct: {pct!r} is not a percent between 0 and 100")
    doc_date = _date(row["doc_date"], "doc_date")
    due_date = _date(row["due_date"], "due_date")
    assert doc_date is not None and due_date is not None
    return OpenItem(
        company_code=row["company_code"], customer=row["customer"],
        document_no=row["document_no"], fiscal_year=row["fiscal_year"],
        line_item=row["line_item"], currency=currency,
        amount=_amount(row["amount"], "amount", currency), doc_date=doc_date,
        due_date=due_date, invoice_ref=row.get("invoice_ref", ""),
        po_number=row.get("po_number", ""), discount_pct=discount_pct,
        discount_date=_date(row.get("discount_date"), "discount_date", required=False))


def read_open_items(path: str | Path) -> tuple[list[OpenItem], list[BadRow]]:
    """Open items from ``OPEN.csv``; bad rows skipped and reported."""
    items, problems = [], []
    for line, row in _csv_rows(path, REQUIRED_OPEN):
        try:
            items.append(_open_item(row))
        except _RowError as exc:
            problems.append(BadRow(str(path), line, str(exc)))
    return items, problems


def read_customers(path: str | Path) -> tuple[list[Customer], list[BadRow]]:
    """Customers from ``CUST.csv``; bad rows skipped and reported."""
    customers, problems = [], []
    for line, row in _csv_rows(path, ("customer", "name")):
        if not row.get("customer") or not row.get("name"):
            problems.append(BadRow(str(path), line, "customer and name are required"))
            continue
        aliases = tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip())
        customers.append(Customer(number=row["customer"], name=row["name"],
                                  parent=row.get("parent", ""), aliases=aliases))
    return customers, problems


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _RowError(f"{key}: expected a string or null, got {value!r}")
    return value


def _optional_amount(obj: dict[str, Any], key: str, where: str, currency: str
                     ) -> Decimal | None:
    value = obj.get(key)
    return None if value is None else _amount(value, f"{where}.{key}", currency)


def _line(obj: Any, n: int, currency: str) -> RemittanceLine:
    where = f"lines[{n}]"
    if not isinstance(obj, dict):
        raise _RowError(f"{where}: expected an object")
    paid = _optional_amount(obj, "paid_amount", where, currency)
    if paid is None:
        raise _RowError(f"{where}.paid_amount: is required")
    try:
        invoice_ref, po_number = _text(obj, "invoice_ref"), _text(obj, "po_number")
        deduction_reason = _text(obj, "deduction_reason")
    except _RowError as exc:
        raise _RowError(f"{where}.{exc}") from None
    return RemittanceLine(
        invoice_ref=invoice_ref or "", paid_amount=paid, po_number=po_number,
        invoice_date=_date(obj.get("invoice_date"), f"{where}.invoice_date", False),
        gross_amount=_optional_amount(obj, "gross_amount", where, currency),
        discount=_optional_amount(obj, "discount", where, currency) or Decimal(0),
        deduction=_optional_amount(obj, "deduction", where, currency) or Decimal(0),
        deduction_reason=deduction_reason)


def _remittance(obj: Any) -> Remittance:
    if not isinstance(obj, dict):
        raise _RowError("expected a JSON object")
    rid = _text(obj, "id")
    if not rid:
        raise _RowError("id: is required")
    currency = _currency(obj.get("currency"))
    lines = obj.get("lines") or []
    if not isinstance(lines, list):
        raise _RowError("lines: expected a list")
    method = _text(obj, "payment_method")
    try:
        payment_method = PaymentMethod(method) if method else None
    except ValueError:
        raise _RowError(f"payment_method: {method!r} is not one of "
                        f"{', '.join(m.value for m in PaymentMethod)}") from None
    total = obj.get("total")
    warnings = obj.get("warnings") or []
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise _RowError("warnings: expected a list of strings")
    return Remittance(
        id=rid, source=_text(obj, "source") or "", format=_text(obj, "format") or "",
        currency=currency, lines=[_line(x, n, currency) for n, x in enumerate(lines)],
        payer_name=_text(obj, "payer_name"), payer_account=_text(obj, "payer_account"),
        payment_ref=_text(obj, "payment_ref"),
        payment_date=_date(obj.get("payment_date"), "payment_date", required=False),
        payment_method=payment_method,
        total=None if total is None else _amount(total, "total", currency),
        warnings=list(warnings))


def read_remittances(path: str | Path) -> tuple[list[Remittance], list[BadRow]]:
    """Remittances from JSON Lines (``arbots extract`` output); bad lines skipped."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InterchangeError(f"{name}: cannot open: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InterchangeError(f"{name}: not UTF-8 text") from None
    out, problems = [], []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            out.append(_remittance(json.loads(raw)))
        except json.JSONDecodeError as exc:
            problems.append(BadRow(name, n, f"not valid JSON: {exc.msg}"))
        except _RowError as exc:
            problems.append(BadRow(name, n, str(exc)))
    return out, problems


def _text_or_empty(value: object) -> str:
    return "" if value is None else str(value)


def write_open_items(path: str | Path, items: Iterable[OpenItem]) -> None:
    """Write ``OPEN.csv`` (the reader's inverse; used by tests, benchmarks, demos)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPEN_ITEM_COLUMNS)
        for it in items:
            writer.writerow([it.company_code, it.customer, it.document_no, it.fiscal_year,
                             it.line_item, it.invoice_ref, it.po_number, it.doc_date,
                             it.due_date, it.currency, format(it.amount, "f"),
                             _text_or_empty(it.discount_pct), _text_or_empty(it.discount_date)])


def write_customers(path: str | Path, customers: Iterable[Customer]) -> None:
    """Write ``CUST.csv``."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CUSTOMER_COLUMNS)
        for c in customers:
            writer.writerow([c.number, c.name, c.parent, ";".join(c.aliases)])


def _money_or_none(amount: Decimal | None) -> str | None:
    return None if amount is None else format(amount, "f")


def write_remittances(path: str | Path, remittances: Iterable[Remittance]) -> None:
    """Write remittances as JSON Lines, in the shape ``arbots extract`` gives."""
    with open(path, "w", encoding="utf-8") as handle:
        for r in remittances:
            handle.write(json.dumps({
                "id": r.id, "source": r.source, "format": r.format,
                "payer_name": r.payer_name, "payer_account": r.payer_account,
                "payment_ref": r.payment_ref,
                "payment_date": r.payment_date.isoformat() if r.payment_date else None,
                "payment_method": r.payment_method.value if r.payment_method else None,
                "currency": r.currency, "total": _money_or_none(r.total),
                "lines": [{
                    "invoice_ref": x.invoice_ref, "po_number": x.po_number,
                    "invoice_date": x.invoice_date.isoformat() if x.invoice_date else None,
                    "gross_amount": _money_or_none(x.gross_amount),
                    "discount": format(x.discount, "f"), "deduction": format(x.deduction, "f"),
                    "deduction_reason": x.deduction_reason,
                    "paid_amount": format(x.paid_amount, "f")} for x in r.lines],
                "warnings": r.warnings}) + "\n")


def _confidence(value: float) -> str:
    return f"{value:.2f}"


def proposal_rows(result: MatchResult) -> Iterator[dict[str, str]]:
    """The rows of ``PROPOSALS.csv``: proposals, then unmatched lines and payments."""
    for p in result.proposals:
        yield {
            "remittance_id": p.remittance_id,
            "line_index": "" if p.line_index is None else str(p.line_index),
            "customer": p.customer, "document_no": p.document_no,
            "fiscal_year": p.fiscal_year, "line_item": p.line_item,
            "applied_amount": format(p.applied_amount, "f"),
            "discount_amount": format(p.discount_amount, "f"),
            "deduction_amount": format(p.deduction_amount, "f"),
            "decision": p.decision.value, "confidence": _confidence(p.confidence),
            "rule": p.rule, "reason": p.reason}
    for u in result.unmatched:
        amount = money(to_minor(u.amount, u.currency), u.currency)
        what = "Payment" if u.line_index is None else f"Line {u.line_index}"
        yield {
            "remittance_id": u.remittance_id,
            "line_index": "" if u.line_index is None else str(u.line_index),
            "customer": u.customer, "document_no": "", "fiscal_year": "", "line_item": "",
            "applied_amount": format_amount(Decimal(0), u.currency),
            "discount_amount": format_amount(Decimal(0), u.currency),
            "deduction_amount": format_amount(Decimal(0), u.currency),
            "decision": "review", "confidence": _confidence(0.0), "rule": "unmatched",
            "reason": f"{what} ({amount}) not matched: {u.reason}."}


def write_proposals(path: str | Path, result: MatchResult) -> int:
    """Write ``PROPOSALS.csv``; returns the number of rows written."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PROPOSAL_COLUMNS)
        writer.writeheader()
        n = 0
        for row in proposal_rows(result):
            writer.writerow(row)
            n += 1
    return n
