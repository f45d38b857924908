"""The PDF reader on English AP/ERP prints (Oracle, NetSuite, JD Edwards, Dynamics, Sage).

- a column whose label names an amount (``Payment Due``, ``Due``) but whose
  cells are dates is the date column, and the amount label that came second
  (``Amount Paid``) takes the paid amount over;
- a document-number label over money (a two-line ``Invoice``/``Total`` read as
  ``Invoice``) is no reference column;
- labels set flush right over amounts and so close they run into one phrase
  (``Gross Paid Amount GBP``): cut where a label ends on the values' right edge;
- two text columns so close that even their values run together
  (``VCH063752 90003385`` under ``AP Doc No. Supplier Ref``): cut where labels
  and values start on one left edge;
- ``Invoice/CM No.`` (credit memo) and ``Remit Amount`` are header words;
- line-printer prints (Courier, one string a line): labels that fill their
  columns and run into each other (``VOUCHER NOINVOICE NUMBERINV DATE``) cut at
  the value columns' edges inside a word, a dashed or ``=`` rule under the header;
- a statement of account (``DEBIT``, ``CREDIT``, ``BALANCE``, the payment row
  among the invoices): the side most invoices use holds the lines' amounts, the
  other side credit notes, and when the count says nothing the side whose lines
  add up to the payment wins.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bench.extract_heldout import read
from bots.remittance.columns import field_for_header
from tests.remittance.layouts_dev import FAMILIES, advices
from tests.remittance.layouts_dev.lineprint import _cells
from tests.remittance.pdf_corpus import line_f1
from tests.remittance.test_pdf_generalise import _lines
from tests.remittance.test_pdf_generalise2 import LINES, PAID, _advice, _after, _right

DATES = ["11/08/2026", "10/07/2026", "12/15/2026"]


@pytest.mark.parametrize("due", ["Payment Due", "Due", "Pmt Due", "Net Due"])
def test_an_amount_word_over_dates_is_the_date_column(due):
    header = [(40, "Invoice No."), (130, due), _right(300, "Amount Due"),
              _right(380, "Amount Paid")]
    rows = [[(40, ref), (130, day), _right(300, "9,999.00"), _right(380, paid)]
            for (ref, paid), day in zip(PAID, DATES, strict=True)]
    assert _lines(_advice(header, rows)) == LINES


def test_the_date_column_named_for_an_amount_beside_a_date_column():
    header = [(40, "Invoice No."), (110, "Date"), (170, "Payment Due"),
              _right(380, "Net Amount")]
    rows = [[(40, ref), (110, "01/02/2026"), (170, day), _right(380, paid)]
            for (ref, paid), day in zip(PAID, DATES, strict=True)]
    assert _lines(_advice(header, rows)) == LINES


def test_labels_set_flush_right_and_close_are_cut_at_the_values_edge():
    gross_end = 300.0
    header = [(40, "Invoice #"), _right(gross_end, "Gross"),
              (_after(gross_end - 1, ""), "Paid Amount GBP")]
    paid_end = header[-1][0] + _after(0, "Paid Amount GBP") - _after(0, "")
    rows = [[(40, ref), _right(gross_end, "9,999.00"), _right(paid_end, paid)]
            for ref, paid in PAID]
    assert _lines(_advice(header, rows)) == LINES


def test_two_text_columns_whose_values_run_together_are_cut_at_their_left_edge():
    second = _after(40, "VCH003752") + 5  # wider than a space, closer than a column gap
    header = [(40, "AP Doc No."), (second, "Supplier Ref"), _right(300, "Gross Amt"),
              _right(380, "Amount Remitted")]
    rows = [[(40, f"VCH0{n}3752"), (second, ref), _right(300, "9,999.00"), _right(380, paid)]
            for n, (ref, paid) in enumerate(PAID)]
    assert _lines(_advice(header, rows)) == LINES


@pytest.mark.parametrize(("label", "field"), [
    ("Invoice/CM No.", "invoice_ref"), ("INVOICE/CM NO.", "invoice_ref"),
    ("Remit Amount", "paid_amount"), ("Remit Amt", "paid_amount")])
def test_english_erp_labels(label, field):
    assert field_for_header(label) == field


@pytest.mark.parametrize("name", ["dev-erp-en", "dev-ledger-en", "dev-avis-en"])
def test_english_erp_families_of_the_development_corpus(name):
    family = next(f for f in FAMILIES if f.name == name)
    got = [(read(a, False), a.truth) for a in advices(family, 6, seed=5)]
    assert line_f1(got) >= 0.95



def _printout(lines: list[str]) -> bytes:
    """A line-printer page: each line one Courier string."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Courier", 8)
    for n, text in enumerate(lines):
        canvas.drawString(36, 780 - 11 * n, text)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


HEAD = ["GLOBEX CORPORATION                REMITTANCE ADVICE",
        "PAYMENT NO.: 651143   PAYMENT DATE: 07/26/26   CURRENCY: USD", ""]


@pytest.mark.parametrize("rule", ["-", "="])
def test_labels_run_together_on_a_line_printer_are_cut_at_the_columns(rule):
    """``VOUCHER NOINVOICE NUMBERINV DATE``: fixed-width labels filling their columns."""
    widths, right = [10, 14, 11, 14, 13], [False, False, False, True, True]
    rows = [_cells(widths, [f"000{n}3855", ref, "06/02/26", "9,999.00", paid], right)
            for n, (ref, paid) in enumerate(PAID)]
    header = _cells(widths, ["VOUCHER NO", "INVOICE NUMBER", "INV DATE", "GROSS AMOUNT",
                             "NET AMOUNT"], right)
    assert "NOINVOICE NUMBERINV" in header
    total = _cells([sum(widths[:-1]), widths[-1]], ["TOTAL PAYMENT", "1,644.50"], [False, True])
    data = _printout([*HEAD, header, rule * sum(widths), *rows, rule * sum(widths), total])
    assert _lines(data) == LINES


@pytest.mark.parametrize("payment", ["PAYMENT", "CHK651143"])
@pytest.mark.parametrize("invoices_as", ["debit", "credit"])
def test_a_statement_reads_invoices_on_their_side_and_credit_notes_on_the_other(
        invoices_as, payment):
    """DATE TYPE DOC NO REFERENCE DEBIT CREDIT BALANCE, the payment row clearing them: two
    invoices and two credit notes use each side as often, so the side is the one whose
    lines add up to the payment; a payment row with a number (``CHK651143``) is no line,
    as the rows come to nothing with it."""
    widths, right = [11, 6, 10, 12, 13, 13, 14], [False] * 4 + [True] * 3
    items = [("4711", "1,200.00", "INV"), ("4712", "345.50", "INV"), ("4713", "99.00", "CRN"),
             ("4714", "10.00", "CRN")]
    sides = {"INV": 4 if invoices_as == "debit" else 5}
    sides["CRN"] = sides["PMT"] = 9 - sides["INV"]
    rows = []
    for ref, amount, kind in [*items, (payment, "1,436.50", "PMT")]:
        cells = ["07/01/26", kind, "00041733", ref, "", "", "0.00"]
        cells[sides[kind]] = amount
        rows.append(_cells(widths, cells, right))
    header = _cells(widths, ["DATE", "TYPE", "DOC NO", "REFERENCE", "DEBIT", "CREDIT",
                             "BALANCE"], right)
    total = _cells([sum(widths[:-1]), widths[-1]], ["AMOUNT OF THIS PAYMENT", "1,436.50"],
                   [False, True])
    data = _printout([*HEAD, header, "-" * sum(widths), *rows, "-" * sum(widths), total])
    assert _lines(data) == [("4711", Decimal("1200.00")), ("4712", Decimal("345.50")),
                            ("4713", Decimal("-99.00")), ("4714", Decimal("-10.00"))]


@pytest.mark.parametrize(("label", "field"), [("Debit", "debit"), ("CREDIT", "credit"),
                                              ("Soll", "debit"), ("Haben", "credit")])
def test_ledger_sides(label, field):
    assert field_for_header(label) == field


def test_line_printer_prints_of_the_development_corpus():
    family = next(f for f in FAMILIES if f.name == "dev-lineprint-en")
    got = [(read(a, False), a.truth) for a in advices(family, 8, seed=5)]
    assert line_f1(got) >= 0.95
