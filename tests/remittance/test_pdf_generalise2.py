"""The PDF reader on three more classes of layout no corpus was written for.

- amounts with a currency code beside a sign: ``(48.40) CAD``, ``48.40- CAD``,
  ``CAD (48.40)``, ``-48,40 EUR`` (a negative amount, currency stated);
- a dash printed for "nothing" in a column the header row does not name, just
  right of the paid amount: not the paid amount's trailing minus;
- two header labels set so close together that they print as one phrase
  (``Your Invoice Doc. Date``, ``Supplier Invoice Internal ID``): cut into
  their labels, so the table is found.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.pdf import extract_pdf
from bots.remittance.pdf_layout import header_columns, lines_of
from bots.remittance.pdf_words import Word
from bots.remittance.values import parse_amount, try_amount

FONT, SIZE = "Helvetica", 9


@pytest.mark.parametrize(("text", "value"), [
    ("(48.40) CAD", "-48.40"), ("48.40- CAD", "-48.40"), ("CAD (48.40)", "-48.40"),
    ("-48,40 EUR", "-48.40"), ("EUR -48,40", "-48.40"), ("(1.234,56) EUR", "-1234.56"),
    ("(48.40)CAD", "-48.40"), ("$(48.40)", "-48.40"), ("(48.40) €", "-48.40"),
    ("48.40 CR CAD", "-48.40"), ("48.40 CAD", "48.40"), ("CAD 1,234.50", "1234.50"),
])
def test_a_signed_amount_with_its_currency_beside_it(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["CAD", "(CAD)", "CAD -", "EUR ()"])
def test_a_currency_without_digits_is_not_an_amount(text):
    assert try_amount(text) is None


def _advice(cells: list[tuple[float, str]], rows: list[list[tuple[float, str]]]) -> bytes:
    """An advice: a title, a payment number and total, the header ``cells`` and ``rows``
    (each a list of (x, text))."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont(FONT, SIZE)
    y = 780.0
    for text in ("Payment advice", "Payment No.: 55012", "Total paid: USD 1,644.50"):
        canvas.drawString(40, y, text)
        y -= 14
    y -= 10
    for row in [cells, *rows]:
        for x, text in row:
            canvas.drawString(x, y, text)
        y -= 12
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _lines(data: bytes) -> list[tuple[str, Decimal]]:
    [got] = extract_pdf(data, "t.pdf", templates=())
    return [(line.invoice_ref, line.paid_amount) for line in got.lines]


PAID = [("4711", "1,200.00"), ("4712", "345.50"), ("4713", "99.00")]
LINES = [(ref, Decimal(paid.replace(",", ""))) for ref, paid in PAID]


def _right(x1: float, text: str) -> tuple[float, str]:
    """``text`` drawn to end at ``x1`` (amounts are right-aligned)."""
    return x1 - stringWidth(text, FONT, SIZE), text


@pytest.mark.parametrize("dash", ["-", "\u2013", "--"])
def test_a_dash_in_an_unnamed_column_is_not_the_paid_amounts_minus(dash):
    header = [(40, "Invoice"), _right(260, "Gross"), _right(340, "Paid")]
    rows = [[(40, ref), _right(260, paid), _right(340, paid), _right(392, dash)]
            for ref, paid in PAID]
    assert _lines(_advice(header, rows)) == LINES


def _after(x: float, text: str) -> float:
    return x + stringWidth(text + " ", FONT, SIZE)


@pytest.mark.parametrize(("first", "second", "second_value"), [
    ("Your Invoice", "Doc. Date", "03/02/26"),
    ("Supplier Invoice", "Internal ID", "KR0096194"),
    ("Invoice Number", "Posting Date", "03/02/26"),
])
def test_two_labels_printed_as_one_phrase_are_two_columns(first, second, second_value):
    x2 = _after(40, first)
    header = [(40, f"{first} {second}"), _right(300, "Gross Amount"), _right(380, "Net")]
    rows = [[(40, ref), (x2, second_value), _right(300, paid), _right(380, paid)]
            for ref, paid in PAID]
    assert _lines(_advice(header, rows)) == LINES


@pytest.mark.parametrize("label", ["Amount of Invoice Paid", "Invoice Amount Paid"])
def test_one_label_of_several_words_stays_whole(label):
    header = [(40, "Invoice"), _right(380, label)]
    rows = [[(40, ref), _right(380, paid)] for ref, paid in PAID]
    assert _lines(_advice(header, rows)) == LINES


def test_a_header_of_close_set_labels_with_unknown_ones_among_them():
    """Labels a word's gap apart (the word boxes of a real advice): ``Internal ID`` and
    ``Balance`` name nothing, ``Your Invoice`` and ``Doc. Date`` run together."""
    boxes = [("Internal", 44, 76), ("ID", 78, 88), ("Order", 96, 120), ("No.", 122, 135),
             ("Your", 149, 169), ("Invoice", 171, 199), ("Doc.", 207, 224), ("Date", 226, 244),
             ("Gross", 254, 277), ("Amount", 279, 311), ("Discount", 321, 355),
             ("Net", 385, 399), ("Balance", 412, 443)]
    [line] = lines_of([[Word(t, x0, x1, 100.0, 112.0) for t, x0, x1 in boxes]])
    columns = header_columns(line)
    assert columns is not None
    assert [(c.label, c.field) for c in columns if c.field in ("invoice_ref", "invoice_date",
                                                                "paid_amount")] == [
        ("Your Invoice", "invoice_ref"), ("Doc. Date", "invoice_date"), ("Net", "paid_amount")]
