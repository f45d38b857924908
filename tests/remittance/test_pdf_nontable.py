"""Advices without a table: portal key-value blocks, bank credit advices, their header fields.

One test per general cause found on the development families of
``tests/remittance/layouts_dev`` (``portals.py``, ``bankcredit.py``).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bots.domain import Remittance
from bots.remittance.banktext import invoice_refs
from bots.remittance.label_grammar import field_of_label
from bots.remittance.pdf import extract_pdf
from bots.remittance.pdf_records import Pair, _anchored


def _pdf(items: list[tuple[float, float, str]], font: str = "Helvetica") -> bytes:
    """A one-page PDF with each text at (x, y from the top)."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont(font, 9)
    for x, y, text in items:
        canvas.drawString(x, A4[1] - y, text)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _read(items: list[tuple[float, float, str]], font: str = "Helvetica") -> Remittance:
    [got] = extract_pdf(_pdf(items, font), "t.pdf", templates=())
    return got


def _lines(got: Remittance) -> list[tuple[str, Decimal]]:
    return [(line.invoice_ref, line.paid_amount) for line in got.lines]


def _column(x: float, top: float, texts: list[str], step: float = 13
            ) -> list[tuple[float, float, str]]:
    return [(x, top + n * step, text) for n, text in enumerate(texts)]


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize("label", ["Referenz", "Referentienummer", "Ref. No.", "Our reference",
                                   "Riferimento", "Referencia", "No.", "N°", "Kenmerk"])
def test_a_bare_reference_label_names_the_payment_reference_weakly(label):
    assert field_of_label(label) == ("payment_ref", 1)


@pytest.mark.parametrize("label", ["Your reference", "Ihre Referenz", "Invoice No.",
                                   "Account No.", "Page No.", "Belegnummer", "Credit note"])
def test_labels_of_other_numbers_name_no_payment_reference(label):
    assert field_of_label(label) is None


@pytest.mark.parametrize("label", ["Lief.-Nr.", "Lev.nr.", "Cód. prov.", "Cod. forn.",
                                   "Kd.-Nr.", "Kred.-Nr.", "Debitorennummer", "Fourn. n°"])
def test_abbreviated_supplier_and_customer_number_labels(label):
    assert field_of_label(label) == ("payer_account", 2)


@pytest.mark.parametrize(("text", "refs"), [
    ("Betaling facturen FACTUUR 90008043", ["90008043"]),
    ("Saldo FT N. A001234", ["A001234"]),
    ("Ausgleich Rg.-Nr. 90001234", ["90001234"]),
    ("Pagamento Fatt. n. 2026/00012", ["2026/00012"]),
    ("Pago Fra. F0001234 y F0001240", ["F0001234", "F0001240"]),
    ("Paiement Fact. n° FA26000123", ["FA26000123"]),
    ("RE 20260412", []),  # a date written as eight digits
])
def test_invoice_words_abbreviated_in_six_languages(text, refs):
    assert invoice_refs(text) == refs


# --------------------------------------------------------------------------- header fields


def test_header_fields_under_bare_and_qualified_labels():
    got = _read([(40, 40, "Zahlungsavis"),
                 *_column(40, 70, ["Referenz: 0000172290",
                                   "Ihre Kreditorennr. bei uns: V-09005",
                                   "Zahlungsdatum: 23.08.2026", "Gesamtbetrag: 1.300,00"]),
                 (40, 150, "Rechnungsnummer"), (300, 150, "Zahlbetrag"),
                 (40, 163, "R26-00071"), (300, 163, "1.000,00"),
                 (40, 176, "R26-00072"), (300, 176, "300,00")])
    assert (got.payment_ref, got.payer_account) == ("0000172290", "V-09005")
    assert _lines(got) == [("R26-00071", Decimal("1000.00")), ("R26-00072", Decimal("300.00"))]


def test_the_number_on_a_cheque_face_is_the_cheque_number():
    got = _read([(40, 40, "Scheckavis"), (40, 70, "Rechnung"), (300, 70, "Betrag"),
                 (40, 83, "R26-00071"), (300, 83, "1.000,00"), (40, 110, "Summe"),
                 (300, 110, "1.000,00"), (40, 400, "Westfalia Baustoffe KG"),
                 (450, 400, "No. 0281381"), (40, 430, "Zahlen Sie gegen diesen Scheck")])
    assert got.payment_ref == "0281381"


# --------------------------------------------------------------------------- records


def _boxes_then_blocks() -> list[tuple[float, float, str]]:
    """Payment labels in boxes over their values, then one label<gap>value block per invoice."""
    items = [(40, 40, "Zahlungsavis"), (40, 70, "Zahlungsreferenz"),
             (200, 70, "Überweisungsbetrag"), (40, 79, "00005856064"), (200, 79, "1.100,00")]
    y = 110.0
    for ref, paid in (("RE-26-1964", "800,00"), ("RE-26-1966", "300,00")):
        for label, value in (("Ihre Belegnummer", ref), ("Zahlungsbetrag", f"EUR {paid}")):
            items += [(40, y, label), (160, y, value)]
            y += 13
        y += 12
    return items


def test_payment_labels_in_boxes_over_their_values_do_not_hide_the_records():
    got = _read(_boxes_then_blocks())
    assert _lines(got) == [("RE-26-1964", Decimal("800.00")), ("RE-26-1966", Decimal("300.00"))]


def test_two_row_records_are_not_read_row_by_row():
    items = [(40, 40, "Betaaladvies"), (40, 60, "Betalingskenmerk: 2026-9896454"),
             (40, 90, "Uw factuurnummer"), (200, 90, "Datum factuur"), (360, 90, "Factuurbedrag"),
             (40, 102, "Korting"), (200, 102, "Betaald bedrag")]
    y = 116.0
    for ref, gross, disc, paid in (("FA26008705", "1229,88", "24,60", "1205,28"),
                                   ("FA26008711", "100,00", "0,00", "100,00")):
        items += [(40, y, ref), (200, y, "10/10/26"), (360, y, f"{gross} EUR"),
                  (40, y + 12, f"{disc} EUR"), (200, y + 12, f"{paid} EUR")]
        y += 30
    items.append((40, y + 10, "Totaal betaald: 1305,28 EUR"))
    got = _read(items)
    assert _lines(got) == [("FA26008705", Decimal("1205.28")), ("FA26008711", Decimal("100.00"))]


def test_a_value_whose_label_stands_in_another_paragraph_is_no_record():
    pairs = [Pair(1, 40.0, "Invoice", "4711", "invoice_ref", 0)]
    assert _anchored("invoice", pairs, [0, 1]) == []


# --------------------------------------------------------------------------- free text


def _credit(text: list[str], fields: list[str], font: str = "Helvetica"
            ) -> list[tuple[float, float, str]]:
    return [(40, 40, "Raiffeisenbank Allgäu eG"), (400, 40, "Gutschriftsanzeige"),
            *_column(40, 70, fields), *_column(40, 70 + 13 * len(fields) + 20, text)]


FIELDS = ["Referenznummer: 2026-4362202", "Buchungsdatum Zahlung: 26.04.2026",
          "Gesamtbetrag: 1.068,88"]


def test_one_invoice_named_without_its_amount_takes_the_payment_amount():
    got = _read(_credit(["Buchungstext:", "Zahlung RE FT04421/26", "Spesen: 0,00 EUR"], FIELDS))
    assert _lines(got) == [("FT04421/26", Decimal("1068.88"))]
    assert got.payment_ref == "2026-4362202"


def test_amounts_in_brackets_are_amounts_when_that_adds_up():
    got = _read(_credit(["Mitteilung an Empfänger:",
                         "Ausgleich Rg.-Nr. FT08040/26 (815,37) + FT08042/26 (253,51)"], FIELDS))
    assert _lines(got) == [("FT08040/26", Decimal("815.37")), ("FT08042/26", Decimal("253.51"))]


def test_an_mt103_print_reads_its_amount_with_a_decimal_comma():
    lines = [":20:2026-4907166", ":23B:CRED", ":32A:260920EUR1192,93",
             ":50K:/GB29NWBK60161331926819", "HAGEDORN FAHRZEUGTEILE GMBH",
             ":59:/DE44500105175407324931", "ARBOTS COMPONENTS LTD",
             ":70:RE INV-2026-00303 1'182.20 / RE", "INV-2026-00322 10.73", ":71A:SHA"]
    got = _read([(40, 40, "MT103 SINGLE CUSTOMER CREDIT TRANSFER"),
                 *_column(40, 70, lines, 12)], font="Courier")
    assert _lines(got) == [("INV-2026-00303", Decimal("1182.20")),
                           ("INV-2026-00322", Decimal("10.73"))]
    assert (got.payment_ref, got.payment_date, got.total, got.currency) == (
        "2026-4907166", date(2026, 9, 20), Decimal("1192.93"), "EUR")


def test_a_record_printed_as_rows_of_labels_over_rows_of_values():
    items = [(40, 40, "Zahlungsbenachrichtigung"), (40, 60, "Avis-Nr.: 2026-5998873"),
             (40, 72, "Überweisungsbetrag: 477,80")]
    y = 100.0
    for voucher, paid, ref, gross, disc in (("25911330", "220,81", "F0002865", "225,32", "4,51"),
                                            ("80358695", "256,99", "F0002873", "256,99", "0,00")):
        for labels, values in ((("Buchungsnummer", "Gezahlter Betrag", "Ihre Rechnungsnummer"),
                                (voucher, paid, ref)),
                               (("Betrag brutto", "Skontoabzug"), (gross, disc))):
            for n, (label, value) in enumerate(zip(labels, values, strict=True)):
                items += [(40 + 170 * n, y, label), (40 + 170 * n, y + 9, value)]
            y += 26
        y += 14
    got = _read(items)
    assert _lines(got) == [("F0002865", Decimal("220.81")), ("F0002873", Decimal("256.99"))]


def test_a_year_at_a_line_end_is_not_glued_to_the_amount_below():
    got = _read(_credit(["Payment Details:",
                         "INVOICE F0001657 of July 26, 2026 10'920.19; INVOICE F0001671 of "
                         "September 10, 2026",
                         "2'119.74; INVOICE F0001673 of September 3, 2026 -1'519.51"],
                        ["Transaction Reference: 0006982101", "Payment Amount: 11'520.42",
                         "Value Date: October 7, 2026"]))
    assert _lines(got) == [("F0001657", Decimal("10920.19")), ("F0001671", Decimal("2119.74")),
                           ("F0001673", Decimal("-1519.51"))]


@pytest.mark.parametrize(("label", "field"), [
    ("Numéro d'opération", ("payment_ref", 2)), ("Betaald", ("total", 1)),
    ("Overgemaakt", ("total", 1)), ("Réglé", ("total", 1))])
def test_operation_numbers_and_paid_alone(label, field):
    assert field_of_label(label) == field


def test_paid_on_is_the_payment_date_and_an_amount_shows_its_own_mark():
    got = _read(_credit(["Omschrijving:", "Factuur F0002772 9.510,80"],
                        ["Betalingsreferentie: 2026-9175744", "Betaald op: 18-04-2026",
                         "Totaalbedrag: 9,510.80"]))
    assert (got.payment_date, got.total) == (date(2026, 4, 18), Decimal("9510.80"))


def test_the_expanded_print_of_an_mt103():
    pad = "      "
    lines = [":20: Sender's Reference", pad + "TRF0012345", ":23B: Bank Operation Code",
             pad + "CRED", ":32A: Val Dte/Curr/Interbnk Settld Amt", pad + "Date : 12 April 2026",
             pad + "Currency : GBP", pad + "Amount : #1300,00#",
             ":50K: Ordering Customer-Name & Address", pad + "/GB29NWBK60161331926819",
             pad + "ACME INDUSTRIAL SUPPLY CO.", ":70: Remittance Information",
             pad + "/INV/F0001657 1000,00/INV/F0001671", pad + "300,00",
             ":71A: Details of Charges", pad + "SHA"]
    got = _read([(40, 40, "MT103 SINGLE CUSTOMER CREDIT TRANSFER"),
                 *_column(40, 70, lines, 12)], font="Courier")
    assert _lines(got) == [("F0001657", Decimal("1000.00")), ("F0001671", Decimal("300.00"))]
    assert (got.payment_ref, got.payment_date, got.total, got.currency, got.payer_name) == (
        "TRF0012345", date(2026, 4, 12), Decimal("1300.00"), "GBP", "ACME INDUSTRIAL SUPPLY CO.")


def test_a_column_of_long_bare_numbers_is_no_amount_and_a_credit_may_carry_its_currency():
    items = [(40, 40, "Remittance Advice"), (40, 60, "Trace Number: 00004229893"),
             (40, 72, "Amount Remitted: 3798.35")]
    y = 100.0
    for voucher, paid, ref in (("33985897", "4693.25 GBP", "FA26005579"),
                               ("51891781", "894.90 CR GBP", "FA26005585")):
        items += [(40, y, f"Payment Doc.: {voucher}"), (300, y, f"Paid Amount: {paid}"),
                  (40, y + 13, f"Bill Number: {ref}")]
        y += 40
    got = _read(items)
    assert _lines(got) == [("FA26005579", Decimal("4693.25")), ("FA26005585", Decimal("-894.90"))]
