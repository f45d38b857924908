"""The PDF reader on three more classes of layout no corpus was written for.

- amounts with a currency code beside a sign: ``(48.40) CAD``, ``48.40- CAD``,
  ``CAD (48.40)``, ``-48,40 EUR`` (a negative amount, currency stated);
- a dash printed for "nothing" in a column the header row does not name, just
  right of the paid amount: not the paid amount's trailing minus;
- two header labels set so close together that they print as one phrase
  (``Your Invoice Doc. Date``, ``Supplier Invoice Internal ID``), and the lower
  line of a two-line header running under two upper labels: cut into their
  labels, so the table is found; a two-line header beats its upper line alone
  when that line repeats an amount label;
- no invoice column, the reference inside a description (``Rechnung 4711``,
  ``Invoice no. 4711 dated ...``): the number after the invoice word.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.pdf_layout import (
    Column,
    assign,
    find_table,
    header_columns,
    lines_of,
    reference_in_text,
)
from bots.remittance.pdf_words import Word
from bots.remittance.values import parse_amount, try_amount
from tests.remittance.test_pdf_generalise import _lines

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


def _table_of(rows: list[list[tuple[str, float, float]]]) -> list[dict[str, str]]:
    """The rows :func:`find_table` reads from lines of word boxes (text, x0, x1), 14 pt apart."""
    words = [Word(t, x0, x1, 100.0 + 14 * n, 111.0 + 14 * n)
             for n, row in enumerate(rows) for t, x0, x1 in row]
    return find_table(lines_of([words])).rows


def test_a_lower_header_phrase_under_two_upper_labels_is_cut_between_them():
    """``PAGATO ORIGINALE`` set close together, under ``IMPORTO`` and ``IMP.``."""
    rows = _table_of([
        [("RIF.", 44, 62), ("IMPORTO", 208, 252), ("IMP.", 293, 313)],
        [("FATTURA", 44, 87), ("DATA", 100, 125), ("SCADENZA", 148, 198), ("PAGATO", 213, 252),
         ("ORIGINALE", 260, 313)],
        [("2026-001949", 44, 92), ("03.10.2026", 100, 140), ("17.11.2026", 148, 189),
         ("47'990.02", 217, 252), ("48'969.41", 277, 313)],
        [("2026-001958", 44, 92), ("28.08.2026", 100, 140), ("27.09.2026", 148, 189),
         ("3'210.06", 221, 252), ("3'210.06", 281, 313)],
    ])
    assert [(r["invoice_ref"], r["paid_amount"], r["gross_amount"]) for r in rows] == [
        ("2026-001949", "47'990.02", "48'969.41"), ("2026-001958", "3'210.06", "3'210.06")]


def test_a_two_line_header_beats_its_upper_line_of_repeated_labels():
    """``Importo | Importo`` alone is a header too, but says less than
    ``Importo bonificato | Importo fattura``: the paid column is the first."""
    rows = _table_of([
        [("Fattura", 44, 70), ("Importo", 477, 505), ("Importo", 521, 549)],
        [("n.", 44, 50), ("bonificato", 452, 486), ("EUR", 488, 505), ("fattura", 525, 549)],
        [("V26003345", 44, 82), ("473,19", 481, 505), ("537,72", 525, 549)],
        [("V26003349", 44, 82), ("2.747,65", 473, 505), ("2.747,65", 517, 549)],
    ])
    assert [(r["invoice_ref"], r["paid_amount"], r["gross_amount"]) for r in rows] == [
        ("V26003345", "473,19", "537,72"), ("V26003349", "2.747,65", "2.747,65")]


@pytest.mark.parametrize(("text", "ref"), [
    ("Rechnung 4711", "4711"), ("Invoice no. 4711 dated 02.03.2026", "4711"),
    ("Facture F-2026-001", "F-2026-001"), ("Invoice#4711", "4711"),
    ("Fact. n° 88/2026", "88/2026"), ("Rechnungsnr. 4711", "4711"),
    ("Factura nº FA-77", "FA-77"), ("Fattura n. 12/2026 del 3 marzo", "12/2026"),
    ("Factuur 2026-0042", "2026-0042"),
    ("Rechnung vom 02.03.2026", None), ("Invoice 1,200.00", None), ("Payment 4711", None),
    ("Inventory 4711", None),
])
def test_the_invoice_number_a_text_cell_names(text, ref):
    assert reference_in_text(text) == ref


@pytest.mark.parametrize("head", ["Description", "Beschreibung", "Libellé", "Descrizione"])
def test_references_inside_a_description_column(head):
    """No invoice column: the number after the invoice word of each description."""
    texts = ["Invoice no. 4711 dated 02.03.2026", "Rechnung 4712", "Facture F-2026-001"]
    header = [(40, head), _right(400, "Amount")]
    rows = [[(40, text), _right(400, paid)] for text, (_, paid) in zip(texts, PAID, strict=True)]
    assert _lines(_advice(header, rows)) == [
        ("4711", Decimal("1200.00")), ("4712", Decimal("345.50")), ("F-2026-001", Decimal("99.00"))]


@pytest.mark.parametrize("carried", [None, "Übertrag von Seite", "Carried forward"])
def test_a_carried_forward_row_under_the_header_does_not_hide_the_columns(carried):
    """Close-set labels are cut where the value columns under them are; a page's
    carried-forward row first under its header is no value row to align by."""
    header = [("Unsere", 44, 75), ("Belegnummer", 77, 137), ("Fremdbeleg", 145, 196),
              ("Fälligkeit", 204, 243), ("Betrag", 293, 322), ("brutto", 324, 350),
              ("Ausgleichsbetrag", 358, 434)]
    forward = [[(word, 44 + 40 * n, 80 + 40 * n) for n, word in enumerate(carried.split())]
               + [("250594,22", 391, 434)]] if carried else []
    rows = [[(voucher, 44, 94), (ref, 145, 185), ("14.", 204, 217), ("Januar", 219, 247),
             ("2026", 249, 269), (gross, 323, 350), (paid, 406, 434)]
            for voucher, ref, gross, paid in (("1500058434", "90003657", "110,70", "107,38"),
                                              ("1500053080", "90003660", "71,88", "69,72"))]
    got = _table_of([header, *forward, *rows])
    assert [(r["invoice_ref"], r["paid_amount"]) for r in got] == [
        ("90003657", "107,38"), ("90003660", "69,72")]


def test_an_amount_cell_holding_only_the_currency_code_is_empty():
    """``DISC. / TAKEN CURRENCY``: the currency column set close joins the discount
    column; a row with no discount shows only ``USD`` there, and is still a line."""
    got = _table_of([
        [("YOUR", 44, 67), ("INVOICE", 294, 334), ("DISC.", 395, 423)],
        [("REF.", 44, 67), ("TOTAL", 306, 334), ("TAKEN", 395, 423), ("CURRENCY", 429, 475),
         ("AMT", 520, 538), ("PAID", 543, 566)],
        [("F-2026-7828", 44, 107), ("9203.82", 294, 334), ("276.11", 389, 423), ("USD", 429, 446),
         ("8927.71", 526, 566)],
        [("F-2026-7831", 44, 107), ("994.84", 300, 334), ("USD", 429, 446), ("994.84", 532, 566)],
    ])
    assert [(r["invoice_ref"], r["paid_amount"]) for r in got] == [
        ("F-2026-7828", "8927.71"), ("F-2026-7831", "994.84")]


def test_a_dash_of_a_column_joined_to_the_paid_one_is_not_its_minus():
    """``BETAALD / BEDRAG RESTANT``: the balance column set close joins the paid column;
    its ``-`` (nothing outstanding) is not a trailing minus of the paid amount, while a
    dash alone in a column still stands for its empty cell."""
    columns = [Column("invoice_ref", 44, 123, "FACTUURNUMMER"),
               Column("discount", 363, 450, "KORTING"),
               Column("paid_amount", 461, 549, "BETAALD BEDRAG RESTANT")]
    [line] = lines_of([[Word(t, x0, x1, 100.0, 111.0) for t, x0, x1 in [
        ("AR0001050", 44, 89), ("-", 448, 450), ("2.292,92", 468, 501), ("-", 546, 549)]]])
    assert assign(line, columns) == {"invoice_ref": "AR0001050", "discount": "-",
                                     "paid_amount": "2.292,92"}
