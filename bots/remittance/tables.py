"""Turning a grid of cells with a header row into remittances, whatever the layout.

Every tabular source funnels through :func:`remittances_from_rows`: CSV and XLSX
sheets (:mod:`bots.remittance.sheets`), HTML tables in e-mails
(:mod:`bots.remittance.htmltables`), plain-text tables in e-mail bodies
(:mod:`bots.remittance.plaintext`) — and the PDF reader may hand it the rows
pdfplumber finds (``remittances_from_rows(rows, source=..., fmt="pdf")``).
No template per customer: the header row is recognised by its words
(:mod:`bots.remittance.columns`), wherever it sits in the first rows.

How a grid is read:

1. The first row that :func:`~bots.remittance.columns.looks_like_header` is the
   header; "Label: value" cells above it (``Check No: 1234``, ``Payer | ACME``)
   give payment-level fields (:data:`~bots.remittance.columns.PAYMENT_SYNONYMS`).
2. Each amount column gets one decimal mark for all its cells
   (``1.234,56`` vs ``1,234.56``), each date column one day/month order.
3. A row whose reference or first cell says "total" (or "subtotal", "Summe")
   is the stated total - the last amount on the row if it has drifted out of
   its column; other rows without a reference are skipped with a warning;
   rule lines (``-----``) and sentences under the table are skipped silently.
4. Payment columns (reference such as ``Check No`` or ``Transaction ID``,
   payment date, payer, currency) split the rows into one remittance per
   payment; a row whose payment cells are all empty continues the payment
   above it. Each payment takes its own currency from a currency column
   (payment-provider exports mix currencies). A payment row without an invoice
   reference still counts: a payment with no invoice lines has its amount as
   the total (to be matched by amount); payments of zero or less are skipped,
   said in a warning, and so are rows a provider export's Type or Status column
   calls a conversion, withdrawal, payout, refund or failure. A different
   header row further down starts a new table, the same header again (a page
   break in the export) does not.

Limits: merged cells and multi-row headers are not reconstructed; a table
without an invoice column and an amount column is not recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bots.domain import PaymentMethod, Remittance, RemittanceLine
from bots.remittance import known as known_items
from bots.remittance import learned
from bots.remittance.columns import (
    field_for_header,
    looks_like_header,
    map_header_row,
    normalise_header,
    payment_field_for_label,
)
from bots.remittance.values import (
    find_currency,
    find_payment_method,
    float_amount,
    infer_day_first,
    infer_decimal_mark,
    try_amount,
    try_date,
)

Cell = Any  # str | int | Decimal | float (from XLSX) | date | datetime | None
AMOUNT_FIELDS = ("paid_amount", "gross_amount", "discount", "deduction")
#: The payment columns that tell one payment from another in a sheet of several.
PAYMENT_KEYS = ("payment_ref", "payment_date", "payer_name", "currency")
_FEE = re.compile(r"\bfees?\b|\bgeb(?:ü|ue)hr|\bfrais\b|\bkosten\b", re.I)
#: A provider export's "Type"/"Status" column: rows that are no payment by a customer.
_KIND_HEADERS = ("type", "transaction type", "status")
_NOT_A_PAYMENT = re.compile(r"conversion|withdrawal|payout|transfer to|refund|reversal|release|"
                            r"chargeback|\bhold\b|denied|failed|cancell?ed|declined", re.I)
_TOTAL_WORDS = re.compile(r"^\s*(grand\s+|sub\s*-?\s*)?(total|sum|summe|totaal|totale?)\b",
                          re.I)
_HEADER_SCAN_ROWS = 200


def cell_text(cell: Cell) -> str:
    """A cell as the text a person would read (dates ISO, numbers plain)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()


def cell_amount(cell: Cell, mark: str | None) -> Decimal | None:
    """A cell as an amount: numbers exactly (a float via its shortest repr), text parsed."""
    if cell is None or isinstance(cell, bool):
        return None
    if isinstance(cell, Decimal):
        return cell
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):  # XLSX numbers arrive as floats: Decimal at once
        return float_amount(cell)
    return try_amount(str(cell), mark)


def cell_date(cell: Cell, day_first: bool) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    return try_date(cell_text(cell), day_first)


@dataclass
class _Payment:
    """Payment-level fields gathered from labels and columns."""

    fields: dict[str, str] = field(default_factory=dict)
    lines: list[RemittanceLine] = field(default_factory=list)
    total: Decimal | None = None
    unreferenced: Decimal = Decimal(0)  # payment rows without an invoice reference


def remittances_from_rows(rows: list[list[Cell]], *, source: str, fmt: str,
                          currency: str | None = None,
                          hints: dict[str, str] | None = None) -> list[Remittance]:
    """Every remittance the grid ``rows`` holds (none when no header row is found).

    ``currency`` and ``hints`` (payer_name, payment_ref, ...) are fallbacks
    from around the table (an e-mail subject, a sheet name).
    """
    rows = [list(r) for r in rows]
    start = _find_header(rows, 0, _HEADER_SCAN_ROWS)
    if start is None:
        return []
    labels = dict(hints or {})
    labels.update(_labels(rows[:start]))
    out: list[Remittance] = []
    while start is not None:
        header = _texts(rows[start])
        end = _find_header(rows, start + 1, len(rows), repeat_of=header)
        stop = end if end is not None else len(rows)
        body = [r for r in rows[start + 1:stop] if _texts(r) != header]  # page-break repeats
        out.extend(_read_table(rows[start], body, labels, source, fmt, currency))
        start = end
    return out


def _texts(row: list[Cell]) -> list[str]:
    return [t for c in row if (t := cell_text(c))]


def _find_header(rows: list[list[Cell]], first: int, scan: int,
                 repeat_of: list[str] | None = None) -> int | None:
    """The next header row; a repeat of ``repeat_of`` continues the table instead."""
    for i in range(first, min(len(rows), first + scan)):
        if looks_like_header([cell_text(c) for c in rows[i]]) and _texts(rows[i]) != repeat_of:
            return i
    return None


def _labels(rows: list[list[Cell]]) -> dict[str, str]:
    """Payment fields from "Label: value" cells or [label, value] neighbours."""
    found: dict[str, str] = {}
    for row in rows:
        texts = [cell_text(c) for c in row]
        for i, text in enumerate(texts):
            label, sep, value = text.partition(":")
            name = payment_field_for_label(label) if sep else None
            if name and value.strip():
                found.setdefault(name, value.strip())
                continue
            name = payment_field_for_label(text)
            rest = [v for t in texts[i + 1:] if (v := t.lstrip(":= ").strip())]
            if name and rest:
                found.setdefault(name, rest[0])
    return found


def _read_table(header: list[Cell], body: list[list[Cell]], labels: dict[str, str],
                source: str, fmt: str, currency: str | None) -> list[Remittance]:
    heads = [cell_text(c) for c in header]
    columns = _our_reference_column(map_header_row(heads), heads, body)
    payment_columns = {i: f for i, h in enumerate(heads)
                       if i not in columns and (f := payment_field_for_label(h))}
    columns = _learned_reference_column(columns, heads, body, labels.get("payer_name") or next(
        (t for r in body for i, f in payment_columns.items()
         if f == "payer_name" and (t := cell_text(r[i] if i < len(r) else None))), None), fmt)
    marks = {f: infer_decimal_mark([r[i] for r in body if i < len(r) and isinstance(r[i], str)])
             for i, f in columns.items() if f in AMOUNT_FIELDS}  # numbers cells do not vote
    date_cols = [i for i, f in columns.items() if f == "invoice_date"]
    day_first = infer_day_first([cell_text(r[i]) for r in body for i in date_cols
                                 if i < len(r)])
    currency = currency or find_currency(" ".join(heads)) or labels.get("currency")
    fee_label = next((heads[i] for i, f in columns.items()
                      if f == "deduction" and _FEE.search(heads[i])), None)
    kind_columns = [i for i, h in enumerate(heads) if normalise_header(h) in _KIND_HEADERS]
    payments: dict[tuple[str, ...], _Payment] = {}
    payment: _Payment | None = None
    warnings: list[str] = []
    for n, row in enumerate(body, 1):
        texts = [cell_text(c) for c in row]
        if not any(texts):
            continue
        if any(i < len(texts) and _NOT_A_PAYMENT.search(texts[i]) for i in kind_columns):
            continue  # a currency conversion, refund or payout in a provider export
        pay_fields = {f: texts[i] for i, f in payment_columns.items() if i < len(texts)
                      and texts[i]}
        key = tuple(pay_fields.get(k, "") for k in PAYMENT_KEYS)
        if any(key) or payment is None:  # empty payment cells: the payment above goes on
            payment = payments.setdefault(key, _Payment())
        for name, value in pay_fields.items():
            payment.fields.setdefault(name, value)
        currency = currency or find_currency(" ".join(texts))
        values = {f: row[i] for i, f in columns.items() if i < len(row)}
        ref = cell_text(values.get("invoice_ref"))
        amounts = {f: cell_amount(values.get(f), marks.get(f)) for f in AMOUNT_FIELDS}
        first = next(t for t in texts if t)
        is_total = bool(_TOTAL_WORDS.match(ref) or _TOTAL_WORDS.match(first))
        if not is_total and (len(ref.split()) > 3 or (ref and not any(c.isalnum() for c in ref))):
            continue  # a sentence under the table or a rule line (-----), not an invoice
        if not ref or is_total:
            stated = next((a for a in (amounts["paid_amount"], amounts["gross_amount"])
                           if a is not None), None)
            if stated is None and is_total:  # a total row out of column alignment
                stated = next((a for t in reversed(texts) if (a := try_amount(t)) is not None),
                              None)
            if stated is not None and is_total:
                payment.total = stated
            elif stated is not None and any(key):  # a payment row naming no invoice
                payment.unreferenced += stated
            elif stated is not None:
                warnings.append(f"row {n}: amount {stated} without an invoice reference skipped")
            continue
        line = _line(ref, values, amounts, day_first, fee_label)
        if line is None:
            warnings.append(f"row {n}: invoice {ref} has no readable amount; skipped")
            continue
        payment.lines.append(line)
    paying = [p for p in payments.values() if _amount_paid(p) > 0]
    if skipped := len([p for p in payments.values() if p.lines or p.unreferenced]) - len(paying):
        warnings.append(f"{skipped} payment(s) of zero or less skipped")
    return [_remittance(p, labels, source, fmt, currency, warnings) for p in paying]


def _amount_paid(payment: _Payment) -> Decimal:
    """What a payment brings in: its stated total, else its lines and unreferenced rows."""
    if payment.total is not None:
        return payment.total
    return sum((line.paid_amount for line in payment.lines), payment.unreferenced)


def _our_reference_column(columns: dict[int, str], heads: list[str],
                          body: list[list[Cell]]) -> dict[int, str]:
    """``columns`` with the invoice column moved to the other document-number column
    when the open items known (:mod:`bots.remittance.known`) match more of its values."""
    known = known_items.current()
    chosen = next((i for i, f in columns.items() if f == "invoice_ref"), None)
    if known is None or not known.refs or chosen is None:
        return columns
    hits = {i: sum(known.has_ref(cell_text(r[i])) for r in body if i < len(r))
            for i, h in enumerate(heads) if field_for_header(h) == "invoice_ref"}
    best = max(hits, key=lambda i: (hits[i], i == chosen))
    if best == chosen:
        return columns
    moved = {i: f for i, f in columns.items() if i != chosen}
    moved[best] = "invoice_ref"
    return moved


def _learned_reference_column(columns: dict[int, str], heads: list[str], body: list[list[Cell]],
                              payer: str | None, fmt: str) -> dict[int, str]:
    """``columns`` with the invoice column a learned template names for this payer and
    layout (:mod:`bots.remittance.learned`); the table's layout noted for learning."""
    layout = learned.fingerprint(heads, fmt)
    hints = learned.current()
    label = hints.label_for(payer, layout) if hints else None
    wanted = next((i for i, h in enumerate(heads) if label is not None and h == label), None)
    if wanted is not None:
        columns = {i: f for i, f in columns.items() if f != "invoice_ref" and i != wanted}
        columns[wanted] = "invoice_ref"
    if not learned.is_recording():
        return columns
    chosen = next((heads[i] for i, f in columns.items() if f == "invoice_ref"), "")
    learned.record(learned.Layout(layout, fmt, learned.payer_key(payer), tuple(heads), chosen,
                                  tuple(tuple(cell_text(c) for c in r) for r in body)))
    return columns


def _line(ref: str, values: dict[str, Cell], amounts: dict[str, Decimal | None],
          day_first: bool, fee_label: str | None = None) -> RemittanceLine | None:
    discount = abs(amounts["discount"] or Decimal(0))
    deduction = abs(amounts["deduction"] or Decimal(0))
    gross = amounts["gross_amount"]
    paid = amounts["paid_amount"]
    if paid is None:
        if gross is None:
            return None
        paid = gross - discount - deduction
    reason = cell_text(values.get("deduction_reason")) or (fee_label if deduction else None)
    return RemittanceLine(
        invoice_ref=ref, paid_amount=paid, po_number=cell_text(values.get("po_number")) or None,
        invoice_date=cell_date(values.get("invoice_date"), day_first), gross_amount=gross,
        discount=discount, deduction=deduction, deduction_reason=reason)


def _remittance(payment: _Payment, labels: dict[str, str], source: str, fmt: str,
                currency: str | None, warnings: list[str]) -> Remittance:
    info = {**labels, **payment.fields}
    warn = list(warnings)
    stated = payment.fields.get("currency", "").strip()  # this payment's own currency
    if stated:
        currency = stated.upper() if re.fullmatch(r"[A-Za-z]{3}", stated) else \
            find_currency(stated) or currency
    if not currency:
        currency = "USD"
        warn.append("currency not stated; assumed USD")
    total = payment.total
    if total is None and info.get("total"):
        total = try_amount(info["total"])
    if total is None and not payment.lines:
        total = payment.unreferenced
        warn.append("no invoice reference: to be matched by amount")
    when = info.get("payment_date")
    method = find_payment_method(info.get("payment_method", ""))
    return Remittance(
        id="", source=source, format=fmt, currency=currency, lines=payment.lines,
        payer_name=info.get("payer_name") or None, payer_account=info.get("payer_account"),
        payment_ref=info.get("payment_ref") or None,
        payment_date=try_date(when) if when else None, total=total, warnings=warn,
        payment_method=PaymentMethod(method) if method else None)
