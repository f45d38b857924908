"""The files of ``arbots match``: open items, customers, remittances in; proposals out.

The formats are the public contract in ``spec/interchange.md`` (section 2):
CSV with a header row, comma separator, RFC 4180 quoting; JSON Lines for
remittances; amounts are decimal strings with a dot, dates ISO ``YYYY-MM-DD``.

Readers return ``(records, problems)``: a bad row or line is skipped and
reported as a :class:`BadRow` naming the file, the line and the reason, and
reading goes on with the rest. A file that cannot be read at all (missing,
not UTF-8, a required column absent) raises :class:`InterchangeError`.
Writers put every cell through the one formula guard
(:mod:`bots.formula_guard`): text a spreadsheet would run as a formula gets a
leading ``'``, numbers such as ``"-12.50"`` stay as they are.

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
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bots.cashapp.engine import MatchResult
from bots.cashapp.explain import money
from bots.domain import (
    Customer,
    OpenItem,
    Remittance,
    format_amount,
    to_minor,
)
from bots.formula_guard import neutralise, neutralise_row, restore
from bots.interchange import FieldError, field_amount, field_currency, field_date
from bots.remittance.jsonl import from_json

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
                yield reader.line_num, {k: restore((v or "").strip())
                                        for k, v in row.items() if isinstance(k, str)}
        except UnicodeDecodeError:
            raise InterchangeError(f"{name}: not UTF-8 text (line {reader.line_num + 1})"
                                   ) from None
        except csv.Error as exc:
            raise InterchangeError(f"{name}:{reader.line_num}: {exc}") from None


def _open_item(row: dict[str, str]) -> OpenItem:
    for column in ("company_code", "customer", "document_no", "fiscal_year", "line_item"):
        if not row.get(column):
            raise FieldError(f"{column}: is required")
    currency = field_currency(row["currency"])
    pct = row.get("discount_pct", "")
    try:
        discount_pct = Decimal(pct) if pct else None
    except InvalidOperation:
        raise FieldError(f"discount_pct: {pct!r} is not a decimal number") from None
    if discount_pct is not None and not Decimal(0) <= discount_pct < Decimal(100):
        raise FieldError(f"discount_pct: {pct!r} is not a percent between 0 and 100")
    doc_date = field_date(row["doc_date"], "doc_date")
    due_date = field_date(row["due_date"], "due_date")
    assert doc_date is not None and due_date is not None
    return OpenItem(
        company_code=row["company_code"], customer=row["customer"],
        document_no=row["document_no"], fiscal_year=row["fiscal_year"],
        line_item=row["line_item"], currency=currency,
        amount=field_amount(row["amount"], "amount", currency), doc_date=doc_date,
        due_date=due_date, invoice_ref=row.get("invoice_ref", ""),
        po_number=row.get("po_number", ""), discount_pct=discount_pct,
        discount_date=field_date(row.get("discount_date"), "discount_date", required=False))


def read_open_items(path: str | Path) -> tuple[list[OpenItem], list[BadRow]]:
    """Open items from ``OPEN.csv``; bad rows skipped and reported."""
    items, problems = [], []
    for line, row in _csv_rows(path, REQUIRED_OPEN):
        try:
            items.append(_open_item(row))
        except FieldError as exc:
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
            out.append(from_json(json.loads(raw)))
        except json.JSONDecodeError as exc:
            problems.append(BadRow(name, n, f"not valid JSON: {exc.msg}"))
        except FieldError as exc:
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
            writer.writerow(neutralise_row([
                it.company_code, it.customer, it.document_no, it.fiscal_year, it.line_item,
                it.invoice_ref, it.po_number, it.doc_date, it.due_date, it.currency,
                format(it.amount, "f"), _text_or_empty(it.discount_pct),
                _text_or_empty(it.discount_date)]))


def write_customers(path: str | Path, customers: Iterable[Customer]) -> None:
    """Write ``CUST.csv``."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CUSTOMER_COLUMNS)
        for c in customers:
            writer.writerow(neutralise_row([c.number, c.name, c.parent, ";".join(c.aliases)]))


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
            writer.writerow({key: neutralise(value) for key, value in row.items()})
            n += 1
    return n
