"""Advices without a grid table (issue 9): key-value records per invoice and bank credit
advices whose invoices are named in the free-text remittance information.

The documents are drawn here the way the real ones print: a supplier portal's
remittance (Coupa / Ariba / Basware style: a ``Label: value`` block per
invoice, one or two pairs a line, or a row of labels over a row of values), a
bank's credit advice with a "Verwendungszweck" / "Communication" block wrapped
over lines, and the print of a SWIFT MT103 whose ``:70:`` field is cut into
35-character lines through a reference. Read by
:mod:`bots.remittance.pdf_records` and :mod:`bots.remittance.pdf_freetext`
through :func:`bots.remittance.pdf.extract_pdf`.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.errors import ExtractError
from bots.remittance.letters import read_letter
from bots.remittance.pdf import extract_pdf


def _pdf(lines: list[tuple[float, float, str]], font: str = "Helvetica",
         size: float = 9) -> bytes:
    """A one-page PDF with ``text`` at (x, y from the top) for each of ``lines``."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    _, height = A4
    for x, y, text in lines:
        canvas.setFont(font, size)
        canvas.drawString(x, height - y, text)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _read(pdf: bytes) -> tuple[list[tuple[str, Decimal]], object]:
    [remittance] = extract_pdf(pdf, "advice.pdf", templates=(), known=())
    return [(line.invoice_ref, line.paid_amount) for line in remittance.lines], remittance


def _block(top: float, pairs: list[list[str]], x2: float = 300, pitch: float = 13
           ) -> list[tuple[float, float, str]]:
    """Lines of ``Label: value`` pairs, one or two per line, from ``top`` down."""
    out = []
    for n, row in enumerate(pairs):
        for k, pair in enumerate(row):
            out.append((40 + k * (x2 - 40), top + n * pitch, pair))
    return out


# --------------------------------------------------------------------------- records


def _portal(records: list[list[list[str]]], header: list[str]) -> bytes:
    lines = [(40, 40, "Remittance Advice"), (400, 40, "Northgate Retail Group")]
    lines += _block(80, [[h] for h in header])
    top = 80 + 13 * len(header) + 14
    for record in records:
        lines += _block(top, record)
        top += 13 * len(record) + 10
    lines.append((40, top + 6, "Total Paid: 2,611.49 USD"))
    return _pdf(lines)


def test_a_portal_advice_with_a_block_per_invoice_and_the_payers_voucher():
    records = [
        [["Voucher ID: AP004711", "Invoice Number: INV-26-01001"],
         ["Invoice Date: 03/02/2026", "Invoice Amount: 1,250.00"],
         ["Discount Taken: 25.00", "Amount Paid: 1,225.00"]],
        [["Voucher ID: AP004712", "Invoice Number: INV-26-01017"],
         ["Invoice Date: 03/09/2026", "Invoice Amount: 1,386.49"],
         ["Discount Taken: -", "Amount Paid: 1,386.49"]],
    ]
    header = ["Payment Number: 2000337955", "Payment Date: 04/01/2026",
              "Payment Amount: 2,611.49", "Currency: USD"]
    lines, advice = _read(_portal(records, header))
    assert lines == [("INV-26-01001", Decimal("1225.00")), ("INV-26-01017", Decimal("1386.49"))]
    assert advice.total == Decimal("2611.49") and advice.payment_ref == "2000337955"
    assert advice.lines[0].gross_amount == Decimal("1250.00")
    assert advice.lines[0].discount == Decimal("25.00")
    assert not any("no remittance table" in w for w in advice.warnings)


def test_the_amount_label_that_adds_up_is_the_paid_one():
    """"Bedrag" (amount) beside "Brutobedrag" (gross): the reading where gross less the
    discount is the amount, and the amounts add up to the total, wins."""
    header = ["Betalingskenmerk: ACH0044731", "Betaaldatum: 19-08-2026",
              "Totaalbedrag: EUR 22418,43"]
    lines = [(40, 40, "BETAALADVIES")] + _block(70, [[h] for h in header])
    lines += _block(130, [["Factuurnummer: IN0002007", "Bedrag: 4858,45"],
                          ["Brutobedrag: 5008,71", "Betalingskorting: 150,26"]])
    lines += _block(170, [["Factuurnummer: IN0002027", "Bedrag: 17559,98"],
                          ["Brutobedrag: 18103,07", "Betalingskorting: 543,09"]])
    got, _ = _read(_pdf(lines))
    assert got == [("IN0002007", Decimal("4858.45")), ("IN0002027", Decimal("17559.98"))]


def test_one_record_and_the_header_block_apart():
    """A single invoice: the record is the paragraph around its reference; the header
    block above (Zahlungsnummer, Zahlbetrag) is not part of it."""
    header = ["Zahler: Brandt Maschinenbau GmbH", "Zahlungsnummer: F110-004711",
              "Zahlungsdatum: 24.04.2026", "Zahlbetrag: 1.209,87 EUR"]
    lines = [(40, 40, "Zahlungsavis")] + _block(70, [[h] for h in header])
    lines += _block(140, [["Ihre Rechnung: 2026-0815", "Rechnungsdatum: 01.04.2026"],
                          ["Bruttobetrag: 1.234,56", "Skonto: 24,69"],
                          ["Zahlbetrag: 1.209,87"]])
    got, advice = _read(_pdf(lines))
    assert got == [("2026-0815", Decimal("1209.87"))]
    assert advice.payment_ref == "F110-004711" and advice.total == Decimal("1209.87")


def test_stacked_records_a_row_of_labels_over_a_row_of_values():
    lines = [(40, 40, "AVIS DE PAIEMENT"), (40, 70, "Référence du paiement: VIR-004711"),
             (40, 83, "Date de paiement: 12/03/2026"), (40, 96, "Montant total: 3 130,00 EUR")]
    top = 130
    for ref, date, paid in (("FC20260101", "01/02/2026", "1 000,00"),
                            ("FC20260117", "09/02/2026", "2 130,00")):
        for x, label, value in ((40, "N° facture", ref), (200, "Date facture", date),
                                (360, "Montant réglé", paid)):
            lines += [(x, top, label), (x, top + 11, value)]
        top += 34
    got, _ = _read(_pdf(lines))
    assert got == [("FC20260101", Decimal("1000.00")), ("FC20260117", Decimal("2130.00"))]


def test_a_row_of_labels_over_each_invoice_s_values():
    """Stacked records whose label row repeats over every invoice, in small capitals:
    each record is read, not only the rows a grid reading keeps (the table reader
    takes the label rows for header rows and keeps one row of four)."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    _, height = A4
    for n, text in enumerate(["PAYMENT NO.: PAY/504023", "DATE PAID: 06/01/26",
                              "PAYMENT AMOUNT: 28,338.52"]):
        canvas.setFont("Helvetica", 9)
        canvas.drawString(40, height - 60 - 13 * n, text)
    labels = ("INVOICE NO.", "DOC DATE", "GROSS", "DISCOUNT", "DEDUCTION", "AMOUNT PAID")
    records = (("91002853", "05/03/26", "4,555.10", "91.10", ".00", "4,464.00"),
               ("91002856", "05/02/26", "82.18", "1.64", ".00", "80.54"),
               ("91002878", "05/01/26", "110.32", "2.21", ".00", "108.11"),
               ("91002885", "04/10/26", "24,672.79", "493.46", "493.46", "23,685.87"))
    y = height - 140
    for record in records:
        for k, (label, value) in enumerate(zip(labels, record, strict=True)):
            canvas.setFont("Helvetica", 6.5)
            canvas.drawString(40 + 86 * k, y, label)
            canvas.setFont("Helvetica", 8.5)
            canvas.drawString(40 + 86 * k, y - 10, value)
        y -= 28
    canvas.showPage()
    canvas.save()
    got, _ = _read(buf.getvalue())
    assert got == [("91002853", Decimal("4464.00")), ("91002856", Decimal("80.54")),
                   ("91002878", Decimal("108.11")), ("91002885", Decimal("23685.87"))]


def test_labels_without_colon_their_values_in_the_next_column():
    lines = [(40, 40, "AVVISO DI PAGAMENTO"), (40, 70, "Data pagamento: 12/03/2026"),
             (40, 83, "Importo totale: 1.350,00 EUR")]
    for n, (ref, paid) in enumerate((("FT26-0101", "1.000,00"), ("FT26-0117", "350,00"))):
        top = 120 + 34 * n
        lines += [(40, top, "Rif. fattura"), (150, top, ref),
                  (40, top + 12, "Importo pagato"), (150, top + 12, paid)]
    got, _ = _read(_pdf(lines))
    assert got == [("FT26-0101", Decimal("1000.00")), ("FT26-0117", Decimal("350.00"))]


def test_records_of_two_rows_under_a_header_of_two_rows():
    lines = [(40, 40, "ZAHLUNGSAVIS"), (40, 70, "Zahlungsnummer: 2000337955"),
             (40, 83, "Zahlbetrag: 1.180,40 EUR")]
    lines += [(40, 110, "Rechnungsnummer"), (200, 110, "Belegdatum"),
              (60, 121, "Bruttobetrag"), (200, 121, "Skonto"), (340, 121, "Zahlbetrag")]
    for n, (ref, gross, disc, paid) in enumerate((("2026-0815", "1.000,00", "20,00", "980,00"),
                                                  ("2026-0816", "200,40", "", "200,40"))):
        top = 140 + 24 * n
        lines += [(40, top, ref), (200, top, "01.03.2026"),
                  (60, top + 11, gross), (200, top + 11, disc), (340, top + 11, paid)]
    got, _ = _read(_pdf(lines))
    assert got == [("2026-0815", Decimal("980.00")), ("2026-0816", Decimal("200.40"))]


def test_records_whose_reference_label_no_vocabulary_names():
    """"Ticket" names nothing known, but it repeats in every record with a reference
    beside it, and it is the only such label: the records' anchor."""
    lines = [(40, 40, "PAYMENT ADVICE"), (40, 70, "Payment Date: 04/01/2026"),
             (40, 83, "Payment Amount: 1,300.00")]
    lines += _block(110, [["Ticket: SR-100234", "Settled: 1,000.00"]])
    lines += _block(133, [["Ticket: SR-100299", "Settled: 300.00"]])
    got, _ = _read(_pdf(lines))
    assert got == [("SR-100234", Decimal("1000.00")), ("SR-100299", Decimal("300.00"))]


def test_an_invoice_with_labelled_fields_is_still_not_an_advice():
    lines = _block(60, [["Invoice Number: INV-26-01001"], ["Invoice Date: 03/02/2026"],
                        ["Amount Due: 1,250.00"], ["Due Date: 04/02/2026"]])
    with pytest.raises(ExtractError) as caught:
        extract_pdf(_pdf([(40, 30, "INVOICE"), *lines]), "invoice.pdf", templates=(), known=())
    assert caught.value.code == "not-a-remittance"


# --------------------------------------------------------------------------- free text


def _credit_advice(info_label: str, text_lines: list[str], fields: list[str]) -> bytes:
    lines = [(40, 40, "Stadtsparkasse Rheinberg"), (420, 40, "Gutschrift"),
             (40, 70, "Empfänger: Arbots Components GmbH"),
             (40, 82, "IBAN DE89 3704 0044 0532 0130 00")]
    lines += _block(110, [[f] for f in fields])
    top = 110 + 13 * len(fields) + 20
    lines.append((40, top, info_label))
    lines += [(40, top + 14 + 11 * n, text) for n, text in enumerate(text_lines)]
    return _pdf(lines)


def test_a_bank_credit_advice_names_the_invoices_in_its_remittance_information():
    pdf = _credit_advice("Verwendungszweck:", [
        "RE 2026-0815 1.209,87 / RE 2026-0816 845,00 / RE",
        "2026-0821 (120,00) / RG 2026-0830 3.000,00"],
        ["Auftraggeber: Kühne Logistik AG", "Buchungstag: 24.04.2026",
         "Betrag: 4.934,87 EUR", "Referenz: 0000855797"])
    got, advice = _read(pdf)
    assert got == [("2026-0815", Decimal("1209.87")), ("2026-0816", Decimal("845.00")),
                   ("2026-0821", Decimal("-120.00")), ("2026-0830", Decimal("3000.00"))]
    assert advice.total == Decimal("4934.87") and advice.currency == "EUR"
    assert advice.payer_name == "Kühne Logistik AG"


@pytest.mark.parametrize("label", ["Communication :", "Omschrijving:", "Concepto:", "Causale:",
                                   "Remittance information:"])
def test_the_remittance_information_label_in_six_languages(label):
    pdf = _credit_advice(label, ["FACT FV.001234 EUR 150,00; FACT FV.001240 EUR 1.350,50"],
                         ["Montant: 1 500,50 EUR", "Date de valeur: 03/04/2026"])
    got, _ = _read(pdf)
    assert got == [("FV.001234", Decimal("150.00")), ("FV.001240", Decimal("1350.50"))]


@pytest.mark.parametrize("field", [
    "/INV/91006547 EUR 771,30/INV/91006550 EUR 3534,31/INV/91006563 EUR 2416,77",  # a ref
    "/INV/91006547 771,30/INV/91006550 3534,31/INV/91006563 2416,77",  # an amount cut
])
def test_an_mt103_print_with_its_field_70_cut_at_35_characters(field):
    cut = [field[i:i + 35] for i in range(0, len(field), 35)]
    assert not any(x in cut for x in ("91006550", "3534,31"))  # one of them is cut in two
    lines = [(40, 40, "MT103 SINGLE CUSTOMER CREDIT TRANSFER"), (40, 70, ":20:TRF146513"),
             (40, 81, ":23B:CRED"), (40, 92, ":32A:261014EUR6722,38"),
             (40, 103, ":50K:/GB29NWBK60161331926819"), (40, 114, "Harbor Foods Corp."),
             (40, 125, ":59:/NL91ABNA0417164300"), (40, 136, "ARBOTS COMPONENTS LTD")]
    lines += [(40, 147 + 11 * n, (":70:" if n == 0 else "    ") + text)
              for n, text in enumerate(cut)]
    lines.append((40, 147 + 11 * len(cut), ":71A:SHA"))
    got, _ = _read(_pdf(lines, font="Courier"))
    assert got == [("91006547", Decimal("771.30")), ("91006550", Decimal("3534.31")),
                   ("91006563", Decimal("2416.77"))]


# --------------------------------------------------------------------------- letters


@pytest.mark.parametrize(("text", "lines"), [
    ("RG 100001045 CHF 745.15; RG 100001047 CHF 12'115.35",
     [("100001045", "745.15"), ("100001047", "12115.35")]),
    ("INV NO FV.001234 (45.00) + INV NO FV.001299 1,045.00 + Nr.4711 12.00 CR",
     [("FV.001234", "-45.00"), ("FV.001299", "1045.00"), ("4711", "-12.00")]),
    ("FRA S002451-26 EUR 6.456,52 / FRA S002463-26 EUR 1.736,59-",
     [("S002451-26", "6456.52"), ("S002463-26", "-1736.59")]),
])
def test_a_listing_reads_every_reference_as_an_invoice(text, lines):
    letter = read_letter(text, source="t", fmt="pdf", listing=True)
    assert letter is not None
    assert [(x.invoice_ref, x.paid_amount) for x in letter.lines] == \
        [(ref, Decimal(amount)) for ref, amount in lines]


def test_a_currency_before_the_next_amount_is_not_the_reference_s():
    letter = read_letter("Wir bezahlen Rechnung 4711 EUR 1.200,00 und Rechnung 4712 EUR "
                         "800,00.", source="t", fmt="email")
    assert letter is not None
    assert [(x.invoice_ref, x.paid_amount) for x in letter.lines] == [
        ("4711", Decimal("1200.00")), ("4712", Decimal("800.00"))]
