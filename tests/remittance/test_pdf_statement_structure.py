"""Table rules told by structure, not vocabulary: line-printer zeros, references that are
dates, a label printed on two tight lines, the payment row of a statement of account,
columns one Courier space apart. Each on a small hand-drawn PDF."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.pdf import extract_pdf


def _pdf(items: list[tuple[float, float, str, str]], font: str = "Helvetica",
         size: float = 9) -> bytes:
    """One page from (x, y, text, align) items; align "r" sets the text flush right."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setFont(font, size)
    for x, y, text, align in items:
        (c.drawRightString if align == "r" else c.drawString)(x, y, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _lines(data: bytes) -> list[tuple[str, Decimal]]:
    [got] = extract_pdf(data, "t.pdf", templates=())
    return [(line.invoice_ref, line.paid_amount) for line in got.lines]


def _courier(lines: list[str], size: float = 8.5) -> bytes:
    """A line-printer page: one Courier string per line."""
    return _pdf([(40, 780 - 11 * n, text, "l") for n, text in enumerate(lines)],
                "Courier", size)


def test_a_line_printers_zero_without_its_leading_digit_is_an_amount():
    # ",00" in the discount and deduction columns: money set flush right (which cuts the
    # labels printed one space apart), and the row is a row, not "other"
    data = _courier([
        "PAYMENT ADVICE          PAYMENT NO. 4471",
        "",
        "---------------------------------------------------------",
        "INVOICE GROSS AMOUNT CASH DISCOUNT DEDUCTION   NET PAID",
        "---------------------------------------------------------",
        "R-1001       1602,59           ,00     96,16    1506,43",
        "R-1002         98,26           ,00       ,00      98,26",
        "R-1003       1991,40-          ,00       ,00    1991,40-",
        "---------------------------------------------------------",
        "TOTAL                                           -386,71",
    ])
    [got] = extract_pdf(data, "t.pdf", templates=())
    assert [(x.invoice_ref, x.gross_amount, x.discount, x.deduction, x.paid_amount)
            for x in got.lines] == [
        ("R-1001", Decimal("1602.59"), 0, Decimal("96.16"), Decimal("1506.43")),
        ("R-1002", Decimal("98.26"), 0, 0, Decimal("98.26")),
        ("R-1003", Decimal("-1991.40"), 0, 0, Decimal("-1991.40"))]


def test_a_reference_column_of_dates_is_the_date_and_the_invoice_column_takes_over():
    # "Fattura" twice: the first column's cells are dates (its "Data" printed above it on
    # a line of its own); the register number ("Protocollo") is the payer's own
    rows = [("19-06-2026", "07741672", "26/08062", "1.107,30"),
            ("01-07-2026", "04988641", "26/07998", "53,07"),
            ("06-07-2026", "01246848", "26/07997", "431,03")]
    items = [(42, 800, "Avviso di pagamento", "l"), (42, 786, "Rif. bonifico: VIR-801010", "l"),
             (42, 730, "Fattura", "l"), (130, 730, "Protocollo", "l"),
             (220, 730, "Fattura", "l"), (400, 730, "Importo pagato", "r")]
    for n, (when, register, ref, amount) in enumerate(rows, 1):
        items += [(42, 730 - 14 * n, when, "l"), (130, 730 - 14 * n, register, "l"),
                  (220, 730 - 14 * n, ref, "l"), (400, 730 - 14 * n, amount, "r")]
    assert _lines(_pdf(items)) == [("26/08062", Decimal("1107.30")),
                                   ("26/07998", Decimal("53.07")),
                                   ("26/07997", Decimal("431.03"))]


def _statement(upper: list[tuple[float, str, str]], gap: float) -> bytes:
    """A statement of account: invoices on the credit side, a credit note and the payment
    on the debit side, a running balance; ``upper``: labels printed a line above the
    header (``gap`` points above it)."""
    header = [(42, "Doc Date", "l"), (110, "Doc Ref", "l"), (190, "No.", "l"),
              (270, "Description", "l"), (420, "Debit", "r"), (490, "Credit", "r"),
              (560, "Balance", "r")]
    rows = [("04/02/2026", "JV5883605", "S003892-26", "INV", "", "1,000.00", "1,000.00"),
            ("04/05/2026", "JV1826196", "S003893-26", "Credit note", "1,500.00", "", "-500.00"),
            ("04/12/2026", "JV2883441", "S003877-26", "INV", "", "2,000.00", "1,500.00"),
            ("07/02/2026", "ACH0555291", "", "Payment ACH0555291", "1,500.00", "", "0.00")]
    items = [(42, 800, "Account Reconciliation", "l"), (42, 786, "Amount: 1,500.00 GBP", "l"),
             (42, 772, "Payment Reference: ACH0555291", "l")]
    items += [(x, 700 + gap, text, align) for x, text, align in upper]
    items += [(x, 700, text, align) for x, text, align in header]
    for n, row in enumerate(rows, 1):
        items += [(x, 700 - 14 * n, text, align)
                  for (x, _, align), text in zip(header, row, strict=True) if text]
    return _pdf(items)


def test_a_word_printed_tight_over_one_label_is_that_labels_first_half():
    # "Invoice" over "No.": the invoice number, not the "Doc Ref" voucher; the payment
    # row is the one of the stated amount, though the credit note is larger
    got = _lines(_statement([(190, "Invoice", "l")], 10))
    assert got == [("S003892-26", Decimal("1000.00")), ("S003893-26", Decimal("-1500.00")),
                   ("S003877-26", Decimal("2000.00"))]


def test_a_title_set_apart_over_one_label_is_no_half_of_it():
    # the same word set a line apart from the header is a title: "Doc Ref" stays the
    # reference, as when nothing is printed above
    assert _lines(_statement([(42, "Invoice", "l")], 20)) == _lines(_statement([], 0))


def test_columns_one_courier_space_apart_are_two_columns():
    # our invoice and the payer's register number one space apart on every row, their
    # labels too: the value rows' left edges cut the labels
    data = _courier([
        "AVVISO DI PAGAMENTO     RIF. BONIFICO 0000124463",
        "",
        "------------------------------------------------",
        "FATTURA   N. DOCUMENTO IMPORTO PAGATO IMPORTO LORDO",
        "------------------------------------------------",
        "100007286 BK-7167371           954,23        954,23",
        "100007293 BK-8865702         8.025,44      8.025,44",
        "100007302 BK-2578524         1.212,95      1.250,00",
        "------------------------------------------------",
        "TOTALE                      10.192,62",
    ])
    assert _lines(data) == [("100007286", Decimal("954.23")), ("100007293", Decimal("8025.44")),
                            ("100007302", Decimal("1212.95"))]


def test_the_paid_side_is_opposite_the_payment_row_and_the_payment_row_states_the_total():
    # more credit notes than invoices, no amount stated above the table: the payment row
    # (no document number) stands on the side opposite the invoices, and says the total
    header = [(42, "Datum", "l"), (110, "Belegart", "l"), (190, "Ihre Rechnung", "l"),
              (380, "Soll", "r"), (460, "Haben", "r"), (540, "Saldo", "r")]
    rows = [("02.03.2026", "Gutschrift", "RE-1001", "10,00", "", "-10,00"),
            ("03.03.2026", "Rechnung", "RE-1002", "", "900,00", "890,00"),
            ("04.03.2026", "Gutschrift", "RE-1003", "20,00", "", "870,00"),
            ("05.03.2026", "Gutschrift", "RE-1004", "30,00", "", "840,00"),
            ("20.03.2026", "Überweisung", "", "840,00", "", "0,00")]
    items = [(42, 800, "Kontoauszug in EUR", "l"), (42, 786, "Zahlungsnr.: ZV-55120", "l")]
    items += [(x, 700, text, align) for x, text, align in header]
    for n, row in enumerate(rows, 1):
        items += [(x, 700 - 14 * n, text, align)
                  for (x, _, align), text in zip(header, row, strict=True) if text]
    [got] = extract_pdf(_pdf(items), "t.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        ("RE-1001", Decimal("-10.00")), ("RE-1002", Decimal("900.00")),
        ("RE-1003", Decimal("-20.00")), ("RE-1004", Decimal("-30.00"))]
    assert got.total == Decimal("840.00") and got.warnings == []


def test_a_text_running_on_over_the_reference_column_stays_text():
    # "Nota di credito" under a narrow "Tipo" label reaches over the invoice column
    # (the label "Vs. fattura" starts left of the references under it)
    header = [(42, "Tipo", "l"), (95, "Vs. fattura", "l"), (300, "Importo pagato", "r")]
    rows = [("Fattura", "FT-0101", "500,00"), ("Nota di credito", "FT-0102", "-50,00"),
            ("Fattura", "FT-0103", "70,00")]
    items = [(42, 800, "Avviso di pagamento", "l"), (42, 786, "Rif. bonifico: B-1", "l")]
    items += [(x, 700, text, align) for x, text, align in header]
    for n, row in enumerate(rows, 1):
        items += [(x + (17 if x == 95 else 0), 700 - 14 * n, text, align)
                  for (x, _, align), text in zip(header, row, strict=True)]
    assert _lines(_pdf(items)) == [("FT-0101", Decimal("500.00")),
                                   ("FT-0102", Decimal("-50.00")),
                                   ("FT-0103", Decimal("70.00"))]


def test_of_two_gross_labels_the_one_that_is_the_other_less_the_discount_is_paid():
    # "Bedrag" and "Brutobedrag" both read as the gross amount: the arithmetic of the rows
    # (brutobedrag - korting = bedrag) tells the paid column
    header = [(42, "Uw factuur", "l"), (220, "Bedrag", "r"), (320, "Brutobedrag", "r"),
              (430, "Betalingskorting", "r")]
    rows = [("FC-4703", "2.561,79", "2.641,02", "79,23"), ("FC-4728", "3.724,51", "3.724,51", ""),
            ("FC-4741", "156,63", "161,47", "4,84")]
    items = [(42, 800, "Betaalspecificatie", "l"), (42, 786, "Referentie: 0000943490", "l")]
    items += [(x, 700, text, align) for x, text, align in header]
    for n, row in enumerate(rows, 1):
        items += [(x, 700 - 14 * n, text, align)
                  for (x, _, align), text in zip(header, row, strict=True) if text]
    assert _lines(_pdf(items)) == [("FC-4703", Decimal("2561.79")),
                                   ("FC-4728", Decimal("3724.51")),
                                   ("FC-4741", Decimal("156.63"))]


def test_an_amount_grouped_by_spaces_stays_one_amount_across_close_columns():
    # "21 943,92" under labels one Courier space apart, "NET À PAYER (EUR)" one label
    data = _courier([
        "AVIS DE PAIEMENT        RÉF. VIREMENT VIR-5521",
        "",
        "-------------------------------------------------",
        "N° FACTURE MONTANT BRUT ESCOMPTE NET À PAYER (EUR)",
        "-------------------------------------------------",
        "FC20267535       1 080,80        -          1 080,80",
        "FC20267537      21 943,92   438,88         21 505,04",
        "FC20267546         558,46    11,17            547,29",
        "-------------------------------------------------",
        "TOTAL DU RÈGLEMENT                         23 133,13",
    ])
    assert _lines(data) == [("FC20267535", Decimal("1080.80")),
                            ("FC20267537", Decimal("21505.04")),
                            ("FC20267546", Decimal("547.29"))]


def test_page_totals_and_carried_forward_rows_do_not_end_a_long_table():
    # "Totale pagina" and "Totale da riportare" close page 1 (both start like a total),
    # page 2 opens with "Riporto" and no header: all rows of both pages are lines
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 9)
    c.drawString(42, 800, "Avviso di pagamento")
    c.drawString(42, 786, "Rif. bonifico: 9501620")
    for x, text in ((42, "Vs. fattura"), (300, "Importo pagato")):
        (c.drawString if x == 42 else c.drawRightString)(x, 740, text)
    rows = [[("F26/1001", "100,00"), ("F26/1002", "200,00")],
            [("F26/1003", "300,00"), ("F26/1004", "400,00")]]
    y = 726.0
    for ref, amount in rows[0]:
        c.drawString(42, y, ref)
        c.drawRightString(300, y, amount)
        y -= 14
    for label in ("Totale pagina", "Totale da riportare"):
        c.drawString(42, y, label)
        c.drawRightString(300, y, "300,00")
        y -= 14
    c.drawString(42, 30, "Pagina 1 di 2")
    c.showPage()
    c.setFont("Helvetica", 9)
    c.drawString(42, 800, "Riporto")
    c.drawRightString(300, 800, "300,00")
    y = 786.0
    for ref, amount in rows[1]:
        c.drawString(42, y, ref)
        c.drawRightString(300, y, amount)
        y -= 14
    c.drawString(42, y, "Totale pagato")
    c.drawRightString(300, y, "1.000,00")
    c.drawString(42, 30, "Pagina 2 di 2")
    c.showPage()
    c.save()
    [got] = extract_pdf(buf.getvalue(), "t.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        ("F26/1001", Decimal("100.00")), ("F26/1002", Decimal("200.00")),
        ("F26/1003", Decimal("300.00")), ("F26/1004", Decimal("400.00"))]
    assert got.total == Decimal("1000.00")


def test_rows_of_the_same_shape_after_a_total_on_the_next_page_continue_the_table():
    # a page total under words not known as one ("Total feuille") looks like the grand
    # total; the next page's rows, references of the same shape under the same columns,
    # show it was not
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    for page, (refs, foot) in enumerate(((("FA-1001", "FA-1002"), "Total feuille"),
                                         (("FA-1003", "FA-1004"), "Total du règlement"))):
        c.setFont("Helvetica", 9)
        y = 800.0
        if not page:
            c.drawString(42, y, "Avis de paiement   Réf. virement : VIR-77")
            c.drawString(42, 740, "N° facture")
            c.drawRightString(300, 740, "Montant payé")
            y = 726.0
        for n, ref in enumerate(refs):
            c.drawString(42, y, ref)
            c.drawRightString(300, y, f"{100 * (2 * page + n + 1)},00")
            y -= 14
        c.drawString(42, y, foot)
        c.drawRightString(300, y, "300,00" if not page else "1 000,00")
        c.showPage()
    c.save()
    assert _lines(buf.getvalue()) == [
        ("FA-1001", Decimal("100.00")), ("FA-1002", Decimal("200.00")),
        ("FA-1003", Decimal("300.00")), ("FA-1004", Decimal("400.00"))]


def test_touching_labels_over_a_text_and_a_money_column_split_by_kind():
    # "N. DOCUMENTO IMPORTO BONIFICATO (EUR)" over the payer's numbers (flush left) and
    # money (flush right), "IMPORTO" over neither: the document label ends where the
    # amount label begins, each part off the other's column
    rows = [("IN0005823 AP6867046", "186,76", "190,00"), ("IN0005829 AP9464217", "74,76", "74,76"),
            ("IN0005840 AP9464301", "1.074,76", "1.074,76")]
    data = _courier([
        "AVVISO DI BONIFICO      RIF. BONIFICO TRF759099",
        "",
        "-" * 61,
        "FATTURA   N. DOCUMENTO IMPORTO BONIFICATO (EUR) IMPORTO LORDO",
        "-" * 61,
        *(f"{refs}{paid:>28}{gross:>14}" for refs, paid, gross in rows),  # set flush right
        "-" * 61,
        f"{'TOTALE PAGATO'}{'1.336,28':>34}",
    ])
    [got] = extract_pdf(data, "t.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount, x.gross_amount) for x in got.lines] == [
        ("IN0005823", Decimal("186.76"), Decimal("190.00")),
        ("IN0005829", Decimal("74.76"), Decimal("74.76")),
        ("IN0005840", Decimal("1074.76"), Decimal("1074.76"))]


def test_a_two_line_header_whose_lower_line_is_a_header_too_is_read_as_one():
    # "INVOICE | AMOUNT" over "NO. | DOC REF | PAID": as strong as the upper line alone,
    # and the lower line alone would take the payer's "DOC REF" for the reference
    items = [(42, 800, "CHECK VOUCHER   PAYMENT REFERENCE 0042298", "l"),
             (42, 740, "INVOICE", "l"), (194, 740, "AMOUNT", "r"),
             (42, 729, "NO.", "l"), (92, 729, "DOC REF", "l"), (194, 729, "PAID", "r")]
    rows = [("91005016", "BK-215223", "18,237.54"), ("91005023", "BK-85525", "930.63")]
    for n, (ref, doc, paid) in enumerate(rows, 1):
        items += [(42, 729 - 14 * n, ref, "l"), (92, 729 - 14 * n, doc, "l"),
                  (194, 729 - 14 * n, paid, "r")]
    assert _lines(_pdf(items)) == [("91005016", Decimal("18237.54")),
                                   ("91005023", Decimal("930.63"))]
