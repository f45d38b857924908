"""``worklist.xlsx``: the rows AR staff work, one sheet per kind.

:func:`worklist_bytes` builds the workbook with openpyxl and returns the file's
bytes. Sheets, in order: "Summary" (the run, the bots, the sheet counts with
links, amounts by status, aging), then one sheet per worklist kind of
:data:`bots.reports.model.WORKLIST_KINDS` ("Collections", "Cash review",
"Unmatched", "Portal failures", "Credit releases"), present even when empty so that the layout
never changes under the people using it, and last a "Legend" sheet saying what
each Decision value does.

Each worklist sheet: a bold, frozen header row, an autofilter, column widths
from the content (capped), one column per field of the row dataclass, and an
empty "Decision" column (shaded) where each row needs a person's decision; the
"Cash review" and "Unmatched" sheets also an empty "Corrected invoice ref" column
(shaded), where a person writes the reference the advice really meant; the
"Collections" sheet "Promised amount" and "Promised date" (shaded), where a
person writes a promise to pay that ``arbots review apply`` records. The
Decision column has a dropdown (Excel data validation) of the values
:data:`DECISIONS` lists, the ones ``arbots review apply`` accepts, and its
header a comment saying what each does. A Cash review row also says why its
payment waits (``waiting_reason``): for a payment posted in part, where its
cash is and why the rest was not applied.

Cells keep their types: amounts are numbers (the Decimal is written as is)
with the number format of their row's currency (``#,##0`` for JPY,
``#,##0.000`` for KWD, :func:`bots.domain.exponent`); dates are dates;
confidence is a percentage. Text is made safe for a spreadsheet: it goes
through the one formula guard (:mod:`bots.formula_guard`: all text is treated
as customer-supplied, it costs nothing), control characters XLSX cannot hold
are dropped, and text is cut at Excel's 32,767-character limit.

Limits: the whole workbook is built in memory with openpyxl's ordinary
(styled) mode: 20,000 rows took 3.5 to 6.5 s and 1.2 MB on a loaded 2-core
machine (3,000 to 6,000 rows a second). Fine for a night's worklist; a
six-figure worklist would want openpyxl's write-only mode.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from bots.domain import exponent
from bots.formula_guard import neutralise
from bots.reports.formatting import format_duration, format_time
from bots.reports.markup import relative_href
from bots.reports.model import (
    WORKLIST_KINDS,
    CashReviewRow,
    CollectionRow,
    CreditReleaseRow,
    RunReport,
    WorklistRow,
)

MAX_CELL_TEXT = 32_767
MAX_WIDTH, MIN_WIDTH = 60, 8
DECISION = "Decision"
CORRECTED = "Corrected invoice ref"
# The columns of the Collections sheet where a person writes a customer's promise to pay.
PROMISED_AMOUNT, PROMISED_DATE = "Promised amount", "Promised date"
LINK_FIELDS = ("trace", "screenshot")
TITLES = {"po_number": "PO number", "invoice_no": "Invoice number",
          "document_no": "Document number", "remittance_id": "Remittance",
          "invoice_ref": "Invoice reference", "payment_ref": "Payment reference",
          "waiting_reason": "Why the payment waits"}
LEGEND_SHEET = "Legend"
# What a Decision does, per sheet: the values are the canonical ones `arbots review apply`
# accepts (bots.pipeline.review: the Cash review sheet; bots.pipeline.credit: Credit releases).
DECISIONS: dict[str, tuple[tuple[str, str], ...]] = {
    CashReviewRow.SHEET: (
        ("approve", "arbots review apply posts the payment (approve every row of it). A row "
                    "of a payment already posted in part (cash on account): the cash on "
                    "account is applied to it. A 'payment returned' row: the clearing is "
                    "reset and reversed, the invoices open again."),
        ("reject", "The payment stays in review; nothing is posted."),
        ("account", "With 'approve' on the payment's other rows: those rows post, and the "
                    "rest of the payment goes on the payer's account (unapplied cash, "
                    "applied later by a person)."),
        ("wrong", "On a row of a payment arbots posted: its posting is reset and reversed; "
                  "the payment waits for review again."),
        ("(empty)", "Nothing happens to the payment."),
    ),
    CreditReleaseRow.SHEET: (
        ("approve", "arbots review apply releases the order's credit block through SAP's own "
                    "credit re-check (Z_ARBOTS_CREDIT_RELEASE), once, with a note on the "
                    "order; SAP's refusal is reported with SAP's message."),
        ("reject", "The order stays blocked; nothing is written to SAP."),
        ("(empty)", "Nothing happens to the order."),
    ),
}
OTHER_DECISIONS = (
    ("approve", "You agree with what the bot did or proposes (for the team; no bot reads "
                "this sheet's Decision column)."),
    ("reject", "You do not; say why in a note or to the clerk."),
)
CORRECTED_HELP = ("The invoice reference the advice really meant: arbots review apply learns "
                  "the payer's layout from it (sheets Cash review and Unmatched).")
PROMISE_HELP = ("A promise to pay the customer made (amount in the row's currency, and the "
                "date): arbots review apply records it with a note on the account in SAP; "
                "collections judges it kept or broken.")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E4E8ED")
DECISION_FILL = PatternFill("solid", fgColor="FFF4CC")
LINK_FONT = Font(color="1F5C99", underline="single")


def safe_text(text: str) -> str:
    """``text`` as a spreadsheet shows it, never as a formula (see module docstring)."""
    return str(neutralise(ILLEGAL_CHARACTERS_RE.sub("", text)))[:MAX_CELL_TEXT]


def amount_format(currency: str) -> str:
    """Excel number format for amounts of ``currency`` (``#,##0.00`` for 2 decimals)."""
    decimals = exponent(currency)
    return "#,##0." + "0" * decimals if decimals else "#,##0"


def column_title(name: str) -> str:
    return TITLES.get(name, name.replace("_", " ").capitalize())


class _Sheet:
    """Appends typed rows to one worksheet and remembers how wide each column got."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 0  # last row written
        self.widths: dict[int, int] = {}

    def append(self, values: Sequence[object], currency: str = "", bold: bool = False) -> None:
        """One row; Decimals take ``currency``'s format, text is made safe."""
        self.row += 1
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(row=self.row, column=col)
            shown = self._put(cell, value, currency)
            if bold:
                cell.font = BOLD
            self.widths[col] = max(self.widths.get(col, 0), len(shown) + 2)

    @staticmethod
    def _put(cell: Cell, value: object, currency: str) -> str:
        """Write ``value`` into ``cell`` with its format; return its shown text (for width)."""
        if value is None:
            return ""
        if isinstance(value, Decimal):
            cell.value, cell.number_format = value, amount_format(currency)
            return f"{value:,}"
        if isinstance(value, date):
            cell.value, cell.number_format = value, "yyyy-mm-dd"
            return "yyyy-mm-dd"
        if isinstance(value, bool):
            cell.value = "yes" if value else "no"
            return cell.value
        if isinstance(value, float):  # a score in [0, 1], never money
            cell.value, cell.number_format = value, "0%"
            return "100%"
        if isinstance(value, int):
            cell.value = value
            return str(value)
        cell.value = safe_text(str(value))
        return cell.value

    def finish(self, header_row: int | None = 1) -> None:
        """Column widths; with ``header_row``, freeze and filter below that header."""
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = \
                min(max(width, MIN_WIDTH), MAX_WIDTH)
        if header_row:
            self.ws.freeze_panes = self.ws.cell(row=header_row + 1, column=1)
            last = get_column_letter(max(self.widths, default=1))
            self.ws.auto_filter.ref = f"A{header_row}:{last}{self.row}"


def _header(sheet: _Sheet, titles: Iterable[str]) -> None:
    sheet.append(list(titles), bold=True)
    for cell in sheet.ws[sheet.row]:
        cell.fill = HEADER_FILL


def decision_values(sheet: str) -> tuple[str, ...]:
    """The values of the Decision dropdown of worklist sheet ``sheet``."""
    return tuple(value for value, _ in DECISIONS.get(sheet, OTHER_DECISIONS)
                 if not value.startswith("("))


def _decision_list(ws: Worksheet, col: int, sheet: str) -> None:
    """A dropdown of the allowed decisions on column ``col`` below the header, and a
    comment on its header pointing to the legend."""
    letter = get_column_letter(col)
    values = decision_values(sheet)
    check = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                           allow_blank=True, showErrorMessage=True, showInputMessage=True,
                           errorTitle="Decision", promptTitle="Decision",
                           error=f"Pick one of: {', '.join(values)} (or leave it empty).",
                           prompt=f"{', '.join(values)}: see sheet {LEGEND_SHEET}")
    check.add(f"{letter}2:{letter}1048576")  # rows added by hand too
    ws.add_data_validation(check)
    lines = [f"{v}: {what}" for v, what in DECISIONS.get(sheet, OTHER_DECISIONS)]
    ws.cell(row=1, column=col).comment = Comment(
        "\n".join([*lines, f"More in sheet {LEGEND_SHEET}."]), "arbots", width=420, height=240)


def _legend_sheet(wb: Workbook) -> None:
    """What each Decision value does, per sheet, and what the Corrected column is for."""
    sheet = _Sheet(wb.create_sheet(LEGEND_SHEET))
    _header(sheet, ["Sheet", "Column", "Value", "What it does"])
    for kind in WORKLIST_KINDS:
        if kind.NEEDS_DECISION:
            for value, what in DECISIONS.get(kind.SHEET, OTHER_DECISIONS):
                sheet.append([kind.SHEET, DECISION, value, what])
        if kind.CORRECTABLE:
            sheet.append([kind.SHEET, CORRECTED, "(a reference)", CORRECTED_HELP])
        if kind is CollectionRow:
            sheet.append([kind.SHEET, f"{PROMISED_AMOUNT}, {PROMISED_DATE}",
                          "(an amount, a date)", PROMISE_HELP])
    for cells in sheet.ws.iter_rows(min_row=2, min_col=4, max_col=4):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.finish()
    sheet.ws.column_dimensions["D"].width = 90


def _worklist_sheet(wb: Workbook, kind: type[WorklistRow], rows: list[WorklistRow]) -> None:
    sheet = _Sheet(wb.create_sheet(kind.SHEET))
    names = [f.name for f in fields(kind)]
    titles = [column_title(n) for n in names] + ([DECISION] if kind.NEEDS_DECISION else []) \
        + ([CORRECTED] if kind.CORRECTABLE else []) \
        + ([PROMISED_AMOUNT, PROMISED_DATE] if kind is CollectionRow else [])
    _header(sheet, titles)
    for row in rows:
        sheet.append([getattr(row, n) for n in names], currency=getattr(row, "currency", ""))
        for name in LINK_FIELDS:
            if name in names and (href := relative_href(getattr(row, name))):
                cell = sheet.ws.cell(row=sheet.row, column=names.index(name) + 1)
                cell.hyperlink, cell.font = href, LINK_FONT
    for title in (DECISION, CORRECTED, PROMISED_AMOUNT, PROMISED_DATE):  # a person fills in
        if title in titles:
            col = titles.index(title) + 1
            for cells in sheet.ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cells[0].fill = DECISION_FILL
            sheet.widths[col] = 24
    if kind.NEEDS_DECISION:
        _decision_list(sheet.ws, titles.index(DECISION) + 1, kind.SHEET)
    sheet.finish()


def _summary_sheet(wb: Workbook, report: RunReport, sheet_rows: dict[str, int]) -> None:
    ws = wb.active
    ws.title = "Summary"
    sheet = _Sheet(ws)
    sheet.append([f"arbots run {report.run_id}"], bold=True)
    for label, value in (("Status", report.status.value), ("Trigger", report.trigger.value),
                         ("Dry run", report.dry_run),
                         ("Started", format_time(report.started)),
                         ("Ended", format_time(report.ended)),
                         ("Duration", format_duration(report.duration_seconds)),
                         ("Configuration", report.config_source)):
        sheet.append([label, value])
    sheet.append([])
    _header(sheet, ["Worklist sheet", "Rows", "Needs decision"])
    for kind in WORKLIST_KINDS:
        sheet.append([kind.SHEET, sheet_rows[kind.SHEET], kind.NEEDS_DECISION])
        cell = ws.cell(row=sheet.row, column=1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{kind.SHEET}'!A1")
        cell.font = LINK_FONT
    sheet.append([])
    _header(sheet, ["Bot", "Status", "Errors", "Waiting", "Counts"])
    for bot in report.bots:
        tallies = ", ".join(f"{k} {v}" for k, v in bot.counts.items())
        sheet.append([bot.name, bot.status.value, len(bot.errors), len(bot.waiting), tallies])
    for title, rows in (
            ("Amounts by status", [(s.status, s.currency, s.amount, s.count)
                                   for s in report.amounts_by_status]),
            ("Aging", [(a.label, a.currency, a.amount, a.count) for a in report.aging])):
        sheet.append([])
        _header(sheet, [title, "Currency", "Amount", "Items"])
        for label, currency, amount, count in rows:
            sheet.append([label, currency, amount, count], currency=currency)
    sheet.finish(header_row=None)


def worklist_bytes(report: RunReport) -> bytes:
    """The worklist workbook (Summary + one sheet per worklist kind) as XLSX bytes."""
    sheets = report.worklist_by_kind()
    wb = Workbook()
    _summary_sheet(wb, report, {name: len(rows) for name, rows in sheets.items()})
    for kind in WORKLIST_KINDS:
        _worklist_sheet(wb, kind, sheets[kind.SHEET])
    _legend_sheet(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
