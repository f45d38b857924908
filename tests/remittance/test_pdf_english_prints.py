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
- ``Invoice/CM No.`` (credit memo) and ``Remit Amount`` are header words.
"""

from __future__ import annotations

import pytest

from bench.extract_heldout import read
from bots.remittance.columns import field_for_header
from tests.remittance.layouts_dev import FAMILIES, advices
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

