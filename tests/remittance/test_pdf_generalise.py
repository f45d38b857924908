"""The PDF reader on whole classes of header variation no corpus was written for.

Each test draws small advices of one class (bilingual headers in every
language pair, headers split over two rows, abbreviations, upper case, the
currency in the header, a column whose header is missing, no header row at
all, two amount columns of one name) and checks the lines read. Consistency
is the judge where the header cannot be: rows under no header row are lines
only when they add up to the stated total, and of two amount columns of one
name the one that adds up is the paid amount.
"""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.columns import field_for_header
from bots.remittance.pdf import extract_pdf
from bots.remittance.pdf_layout import lines_of, stacked_header_columns
from bots.remittance.pdf_words import read_words

REF = {"en": "Invoice", "de": "Rechnung", "fr": "Facture", "nl": "Factuur", "es": "Factura",
       "it": "Fattura"}
AMOUNT = {"en": "Amount", "de": "Betrag", "fr": "Montant", "nl": "Bedrag", "es": "Importe",
          "it": "Importo"}
PAID = {"en": "Paid", "de": "Bezahlt", "fr": "Payé", "nl": "Betaald", "es": "Pagado",
        "it": "Pagato"}
ROWS = [["4711", "1.200,00"], ["4712", "345,50"], ["4713", "99,00"]]
LINES = [("4711", Decimal("1200.00")), ("4712", Decimal("345.50")), ("4713", Decimal("99.00"))]
TOTAL = "1.644,50"
# gross, paid: two amount columns of one name, the second paid
SHORT = [["4711", "1.300,00", "1.200,00"], ["4712", "345,50", "345,50"],
         ["4713", "150,00", "99,00"]]
DATED = [[ref, f"0{n}.04.2026", gross, paid] for n, (ref, gross, paid) in enumerate(SHORT, 1)]


def _advice(header_rows: list[list[str]], rows: list[list[str]], xs: list[float],
            total: str | None = TOTAL) -> bytes:
    """An advice: a title, a payment number, the total, then the table at ``xs``."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 9)
    items = [(40, "Payment advice"), (40, "Payment No.: 55012")]
    items += [(40, f"Total paid: EUR {total}")] if total else []
    y = 780.0
    for x, text in items:
        canvas.drawString(x, y, text)
        y -= 14
    y -= 10
    for row in header_rows + rows:
        for x, text in zip(xs, row, strict=True):
            if text:
                canvas.drawString(x, y, text)
        y -= 12
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _lines(data: bytes) -> list[tuple[str, Decimal]]:
    [got] = extract_pdf(data, "t.pdf", templates=())
    return [(line.invoice_ref, line.paid_amount) for line in got.lines]


PAIRS = list(itertools.permutations(REF, 2))


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_bilingual_headers_in_every_language_pair(a, b):
    for sep in (" / ", " | "):
        header = [f"{REF[a]}{sep}{REF[b]}", f"{AMOUNT[a]}{sep}{AMOUNT[b]}"]
        assert _lines(_advice([header], ROWS, [40, 300])) == LINES, sep


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_a_bilingual_header_split_over_two_rows(a, b):
    data = _advice([[REF[a], AMOUNT[a]], [REF[b], AMOUNT[b]]], ROWS, [40, 300])
    assert _lines(data) == LINES


@pytest.mark.parametrize("lang", REF)
def test_upper_case_stacked_and_currency_headers(lang):
    upper = [f"{REF[lang].upper()} NR.", f"{AMOUNT[lang].upper()} {PAID[lang].upper()}"]
    assert _lines(_advice([upper], ROWS, [40, 300])) == LINES
    stacked = [[REF[lang], AMOUNT[lang]], ["Nr.", PAID[lang]]]
    assert _lines(_advice(stacked, ROWS, [40, 300])) == LINES
    for currency in (" (EUR)", " EUR", " €", " in EUR", " [EUR]"):
        data = _advice([[REF[lang], AMOUNT[lang] + currency]], ROWS, [40, 300])
        assert _lines(data) == LINES, currency


@pytest.mark.parametrize("label", [
    "Re.-Nr.", "Rg.-Nr.", "Rechn.-Nr.", "RE-Nr.", "Rechnungs-Nr.", "Ihre Rechnungs-Nr.",
    "Ihr Zeichen", "Fact. n°", "N° fact.", "Fact. No", "Nº fra.", "Fra. nº", "Nº factura",
    "Fatt. n.", "N. fattura", "FT nr.", "Fact.nr.", "Factuurnr.", "Inv#",
    "Inv. #"])
def test_abbreviated_invoice_headers(label):
    assert field_for_header(label) == "invoice_ref"
    assert _lines(_advice([[label, "Betrag"]], ROWS, [40, 300])) == LINES


@pytest.mark.parametrize("label", [
    "Überweisungsbetrag", "Net à payer", "Te betalen", "Betaalbedrag", "Importe abonado",
    "Importe líquido", "Montant réglé", "Imp. pagado", "Mont. payé", "Betr.", "Valor", "EUR",
    "Betrag in €"])
def test_amount_headers_of_six_languages(label):
    assert field_for_header(label) in ("paid_amount", "gross_amount")
    assert _lines(_advice([["Rechnung", label]], ROWS, [40, 300])) == LINES


@pytest.mark.parametrize(("header", "rows", "xs"), [
    (["", "Betrag"], ROWS, [40, 300]),  # the invoice column has no header
    (["Text", "Datum", "Betrag"], [[r, "01.04.2026", a] for r, a in ROWS], [40, 160, 300]),
    (["Rechnung", "Datum", ""], [[r, "01.04.2026", a] for r, a in ROWS], [40, 160, 300]),
    (["Rechnung", "Summe"], ROWS, [40, 300]),  # an amount header read as a total word
])
def test_a_column_without_a_header_is_told_by_its_values(header, rows, xs):
    assert _lines(_advice([header], rows, xs)) == LINES


def test_rows_without_a_header_row_are_lines_when_they_add_up_to_the_total():
    assert _lines(_advice([], DATED, [40, 120, 260, 380])) == LINES
    # the paid amount left of the gross: the reading that adds up wins
    swapped = [[ref, day, paid, gross] for ref, day, gross, paid in DATED]
    assert _lines(_advice([], swapped, [40, 120, 260, 380])) == LINES


def test_rows_without_a_header_row_that_do_not_add_up_are_not_lines_but_said():
    [got] = extract_pdf(_advice([], DATED, [40, 120, 260, 380], total="9.999,00"), "t.pdf",
                        templates=())
    assert got.lines == [] and got.payment_ref == "55012"
    assert "rows without a header row do not add up to a stated total; not read as " \
           "lines" in got.warnings
    [got] = extract_pdf(_advice([], DATED, [40, 120, 260, 380], total=None), "t.pdf",
                        templates=())
    assert got.lines == []


@pytest.mark.parametrize("header", [["Rechnung", "Betrag", "Betrag"],
                                    ["Invoice", "Amount", "Amount"],
                                    ["Facture", "Montant", "Montant"],
                                    ["Rechnung", "EUR", "EUR"]])
def test_of_two_amount_columns_of_one_name_the_one_adding_up_is_paid(header):
    [got] = extract_pdf(_advice([header], SHORT, [40, 200, 320]), "t.pdf", templates=())
    assert [(line.invoice_ref, line.paid_amount) for line in got.lines] == LINES
    assert got.lines[0].gross_amount == Decimal("1300.00")


def test_two_amount_columns_of_one_name_without_a_total_read_the_first():
    [got] = extract_pdf(_advice([["Rechnung", "Betrag", "Betrag"]], SHORT, [40, 200, 320],
                                total=None), "t.pdf", templates=())
    assert got.lines[0].paid_amount == Decimal("1300.00")


# ------------------------------------------------------------------ layouts of ERP prints


def test_labels_set_closer_than_a_column_gap_are_cut_by_the_value_columns_under_them():
    # "Unsere Beleg Fremdbeleg Nettobetrag Bruttobetrag": one phrase, 3 points apart
    header = ["Unsere Beleg", "Fremdbeleg", "Nettobetrag", "Bruttobetrag"]
    xs = [40.0]
    for label in header[:-1]:
        xs.append(xs[-1] + stringWidth(label, "Helvetica", 9) + 3)
    rows = [["15000413", ref, paid, "1.300,00"] for ref, paid in ROWS]
    assert _lines(_advice([header], rows, xs)) == LINES


def test_a_table_printed_twice_side_by_side_reads_down_the_left_half_then_the_right():
    rows = [["4711", "1.200,00", "4713", "99,00"], ["4712", "345,50", "", ""]]
    data = _advice([["Factuurnr.", "Betaald bedrag", "Factuurnr.", "Betaald bedrag"]], rows,
                   [40, 140, 300, 400])
    assert _lines(data) == LINES


def test_a_dash_is_an_empty_amount_cell():
    rows = [[ref, "-", paid] for ref, paid in ROWS]
    assert _lines(_advice([["Rechnung", "Skonto", "Zahlbetrag"]], rows, [40, 200, 320])) == LINES


def test_a_row_of_payment_labels_in_boxes_is_no_table_header():
    boxes = [["DATE DU VIREMENT", "CODE FOURNISSEUR", "DEVISE", "MONTANT TOTAL"],
             ["09.01.2026", "SUP81196", "EUR", TOTAL]]
    rows = boxes + [["Facture", "", "", "Montant"]] + [[r, "", "", a] for r, a in ROWS]
    assert _lines(_advice([], rows, [40, 160, 280, 400])) == LINES


def test_a_title_over_the_header_is_no_label_but_our_is():
    title = _advice([["Remittance information", ""], ["Invoice Number", "Paid"]], ROWS, [40, 300])
    assert _lines(title) == LINES
    rows = [[f"AP-{n}", ref, paid] for n, (ref, paid) in enumerate(ROWS)]
    ours = _advice([["Ons", "", ""], ["kenmerk", "Factuurnr.", "Betaald"]], rows, [40, 160, 300])
    assert _lines(ours) == LINES


def test_two_amounts_in_one_cell_are_never_read_as_one():
    rows = [[ref, f"{paid} 0,00"] for ref, paid in ROWS]
    [got] = extract_pdf(_advice([["Rechnung", "Betrag"]], rows, [40, 300]), "t.pdf",
                        templates=())
    assert all(line.paid_amount < 10000 for line in got.lines)


@pytest.mark.parametrize(("payer", "ours"), [("N° pièce", "N° de pièce fournisseur"),
                                             ("Interne Nr.", "Rechnung Nr."),
                                             ("Ns. documento", "Vs. documento")])
def test_the_suppliers_document_number_is_ours_beside_the_payers_own(payer, ours):
    rows = [[f"VCH0{n}", ref, paid] for n, (ref, paid) in enumerate(ROWS)]
    assert _lines(_advice([[payer, ours, "Net réglé"]], rows, [40, 160, 320])) == LINES


def test_two_amount_labels_in_one_phrase_are_two_columns():
    header = ["INTERNAL ID", "INVOICE", "PAID AMOUNT CASH DISC."]
    rows = [[f"PV-0{n}", ref, paid] for n, (ref, paid) in enumerate(ROWS)]
    assert _lines(_advice([header], rows, [40, 160, 300])) == LINES


def test_a_lower_header_phrase_is_cut_where_it_leaves_the_label_above_it():
    # "Total" over "factura", "Descuento" under nothing: "factura Descuento" set as one phrase
    data = _advice([["Nº", "Nº", "Total", "Importe"],
                    ["pedido", "factura", "factura Descuento", "pagado"]], [], [40, 110, 200, 330],
                   total=None)
    upper, lower = lines_of(read_words(data))[-2:]
    columns = stacked_header_columns(upper, lower)
    assert [(c.label, c.field) for c in columns] == [
        ("Nº pedido", "po_number"), ("Nº factura", "invoice_ref"),
        ("Total factura", "gross_amount"), ("Descuento", "discount"),
        ("Importe pagado", "paid_amount")]


def test_a_right_aligned_label_over_a_wider_phrase_is_not_cut():
    # "Paid" printed right-aligned over "Amount CAD": one label, not "Amount" + "Paid CAD"
    paid_x = 200 + stringWidth("Amount ", "Helvetica", 9)
    data = _advice([["Invoice", "", "Paid"], ["No.", "Amount CAD", ""]], [], [40, 200, paid_x],
                   total=None)
    upper, lower = lines_of(read_words(data))[-2:]
    columns = stacked_header_columns(upper, lower)
    assert [(c.label, c.field) for c in columns] == [
        ("Invoice No.", "invoice_ref"), ("Paid Amount CAD", "paid_amount")]
