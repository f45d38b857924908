"""Statements of account read by their arithmetic (bots.remittance.pdf_statement): column
labels no word list knows, the balance chain, the payment row, the reference column. Each
on a small hand-drawn PDF."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.pdf import extract_pdf
from bots.remittance.pdf_layout import lines_of
from bots.remittance.pdf_statement import read_statement
from bots.remittance.pdf_words import read_words

Cell = tuple[float, str, str]  # x, text, "l" or "r" (flush right at x)


def _pdf(head: list[str], header: list[Cell], rows: list[list[str]]) -> bytes:
    """One page: ``head`` lines, a header row, then ``rows`` under its columns."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 8.5)
    y = 800.0
    for text in head:
        c.drawString(40, y, text)
        y -= 14
    y -= 20
    for cells in [[text for _, text, _ in header], *rows]:
        for (x, _, align), text in zip(header, cells, strict=True):
            if text:
                (c.drawRightString if align == "r" else c.drawString)(x, y, text)
        y -= 14
    c.showPage()
    c.save()
    return buf.getvalue()


def _read(data: bytes) -> tuple[list[tuple[str, Decimal]], Decimal | None]:
    [got] = extract_pdf(data, "t.pdf", templates=())
    return [(x.invoice_ref, x.paid_amount) for x in got.lines], got.total


def _statement(data: bytes):  # noqa: ANN202 - the Table or None
    return read_statement(lines_of(read_words(data, "pdfium", 5)))


# Spanish "Mayor de proveedor": Cargo / Abono, a running balance, an opening balance
_ES_HEADER = [(40, "Fecha", "l"), (95, "Asiento", "l"), (140, "Documento", "l"),
              (210, "Concepto", "l"), (380, "Cargo", "r"), (440, "Abono", "r"),
              (520, "Saldo acumulado", "r")]
_ES_ROWS = [["02/03/2026", "", "", "Saldo anterior", "", "", "150,00"],
            ["05/03/2026", "201845", "F26/0142", "Fra. recibida", "", "1.200,00", "1.350,00"],
            ["09/03/2026", "201903", "F26/0151", "Rectificativa", "80,00", "", "1.270,00"],
            ["12/03/2026", "202117", "F26/0160", "Fra. recibida", "", "2.310,45", "3.580,45"],
            ["30/03/2026", "203001", "", "Transferencia emitida", "3.430,45", "", "150,00"]]


def test_a_statement_in_unknown_vocabulary_is_read_by_its_balance():
    # "Cargo", "Abono", "Saldo acumulado" name nothing in the word lists: the balance chain
    # tells the sides, the row clearing the invoices is the payment and states the total,
    # the opening balance is no line, the document column is the one with values per row
    data = _pdf(["Mayor de proveedor", "Nº remesa: REM-88120"], _ES_HEADER, _ES_ROWS)
    lines, total = _read(data)
    assert lines == [("F26/0142", Decimal("1200.00")), ("F26/0151", Decimal("-80.00")),
                     ("F26/0160", Decimal("2310.45"))]
    assert total == Decimal("3430.45")


def test_the_payers_entry_number_is_the_other_reference():
    table = _statement(_pdf(["Mayor de proveedor"], _ES_HEADER, _ES_ROWS))
    assert table is not None
    assert [(r["invoice_ref"], r.get("alt_ref")) for r in table.rows] == [
        ("F26/0142", "201845"), ("F26/0151", "201903"), ("F26/0160", "202117")]


def test_a_signed_column_and_a_balance_with_side_marks():
    # DATEV-like: one signed amount column ("Umsatz"), the balance with S / H marks
    header = [(40, "Datum", "l"), (95, "Belegfeld 1", "l"), (170, "Buchungstext", "l"),
              (360, "Umsatz", "r"), (450, "lfd. Saldo", "r")]
    rows = [["03.02.2026", "RE-77001", "Eingangsrechnung", "-940,00", "940,00 H"],
            ["11.02.2026", "RE-77019", "Eingangsrechnung", "-1.060,50", "2.000,50 H"],
            ["20.02.2026", "GS-2211", "Gutschrift", "100,50", "1.900,00 H"],
            ["28.02.2026", "ZL-5512", "Zahlung SEPA", "1.900,00", "0,00 S"]]
    lines, total = _read(_pdf(["Kontoblatt", "Zahllauf-Nr.: ZL-5512"], header, rows))
    assert lines == [("RE-77001", Decimal("940.00")), ("RE-77019", Decimal("1060.50")),
                     ("GS-2211", Decimal("-100.50"))]
    assert total == Decimal("1900.00")


def test_newest_first_the_balance_runs_upwards():
    header = [(40, "Date", "l"), (100, "Num", "l"), (170, "Memo", "l"),
              (360, "Charges", "r"), (430, "Payments", "r"), (510, "Running Balance", "r")]
    rows = [["04/30/2026", "", "Bill payment", "", "1,500.00", "0.00"],
            ["04/12/2026", "A-1003", "Bill", "700.00", "", "1,500.00"],
            ["04/05/2026", "A-1002", "Vendor credit", "", "200.00", "800.00"],
            ["04/02/2026", "A-1001", "Bill", "1,000.00", "", "1,000.00"]]
    lines, total = _read(_pdf(["Vendor Transaction Report"], header, rows))
    assert sorted(lines) == [("A-1001", Decimal("1000.00")), ("A-1002", Decimal("-200.00")),
                             ("A-1003", Decimal("700.00"))]
    assert total == Decimal("1500.00")


def test_without_a_balance_the_amounts_must_come_to_nothing():
    # one signed amount column, no balance: the payment clears the rest exactly
    header = [(40, "Data reg.", "l"), (100, "N. documento", "l"), (180, "Causale", "l"),
              (380, "Importo", "r")]
    rows = [["02/03/2026", "FT-2026-118", "Fattura acquisto", "1.250,00"],
            ["06/03/2026", "FT-2026-131", "Fattura acquisto", "830,20"],
            ["28/03/2026", "CRO-99812", "Bonifico SEPA", "-2.080,20"]]
    lines, total = _read(_pdf(["Scheda contabile fornitore", "CRO: CRO-99812"], header, rows))
    assert lines == [("FT-2026-118", Decimal("1250.00")), ("FT-2026-131", Decimal("830.20"))]
    assert total == Decimal("2080.20")
    rows[-1][-1] = "-2.000,00"  # no longer clears: no statement
    assert _statement(_pdf(["Scheda contabile fornitore"], header, rows)) is None


def test_our_number_in_the_booking_text():
    header = [(40, "Datum", "l"), (100, "Omschrijving", "l"), (330, "Af", "r"),
              (400, "Bij", "r"), (480, "Cum. saldo", "r")]
    rows = [["03-03-2026", "Inkoopfactuur 2026-0451", "", "610,00", "610,00"],
            ["08-03-2026", "Inkoopfactuur 2026-0488", "", "95,10", "705,10"],
            ["31-03-2026", "Uitgaande betaling B77120", "705,10", "", "0,00"]]
    lines, total = _read(_pdf(["Grootboekkaart"], header, rows))
    assert lines == [("2026-0451", Decimal("610.00")), ("2026-0488", Decimal("95.10"))]
    assert total == Decimal("705.10")


def test_an_advice_without_a_running_balance_is_left_to_the_table_reader():
    # gross, discount, net on every row: no balance chain, no amounts coming to nothing
    header = [(40, "Invoice", "l"), (200, "Gross", "r"), (280, "Discount", "r"),
              (360, "Net paid", "r")]
    rows = [["INV-1001", "1,000.00", "20.00", "980.00"],
            ["INV-1002", "500.00", "10.00", "490.00"],
            ["INV-1003", "250.00", "5.00", "245.00"]]
    assert _statement(_pdf(["Remittance advice"], header, rows)) is None


def test_a_balance_column_that_does_not_add_up_is_no_balance():
    rows = [row[:] for row in _ES_ROWS]
    rows[2][-1] = "1.290,00"  # two steps of four wrong: most steps must check out
    rows[3][-1] = "3.600,45"
    assert _statement(_pdf(["Mayor de proveedor"], _ES_HEADER, rows)) is None


def test_one_kind_of_side_mark_is_the_minus_and_a_totals_row_is_no_line():
    # the balance prints "DR" (touching) for what goes below zero and nothing otherwise;
    # a totals row under the sides ("Sumas") prints no date and is neither line nor payment
    header = [(40, "Fecha", "l"), (100, "Nº doc.", "l"), (170, "Concepto", "l"),
              (360, "Cargos", "r"), (430, "Abonos", "r"), (510, "Acumulado", "r")]
    rows = [["04/05/2026", "A-3301", "Abono recibido", "300,00", "", "300,00DR"],
            ["06/05/2026", "A-3288", "Fra. recibida", "", "1.000,00", "700,00"],
            ["18/05/2026", "A-3315", "Fra. recibida", "", "450,00", "1.150,00"],
            ["29/05/2026", "", "Pago por transferencia", "1.150,00", "", "0,00"],
            ["", "", "Sumas", "1.450,00", "1.450,00", "0,00"]]
    lines, total = _read(_pdf(["Extracto de movimientos"], header, rows))
    assert lines == [("A-3301", Decimal("-300.00")), ("A-3288", Decimal("1000.00")),
                     ("A-3315", Decimal("450.00"))]
    assert total == Decimal("1150.00")


def test_a_field_line_above_the_table_is_no_row_of_it():
    # the amount paid printed on a line of fields (with a date) over an advice whose rows
    # add up to it: no statement (the fields' date stands outside the rows' date column)
    header = [(40, "Date", "l"), (120, "Invoice", "l"), (400, "Paid", "r")]
    rows = [["01-06-26", "RG-2026-0011", "586,04"], ["02-06-26", "RG-2026-0012", "1.200,00"],
            ["03-06-26", "RG-2026-0013", "-42,00"]]
    data = _pdf(["Avviso di pagamento", "PAY-0752   K-81348   1744,04   27-08-26"],
                header, rows)
    assert _statement(data) is None


def test_a_payment_of_some_items_is_the_row_of_the_amount_paid():
    # the payment clears two of three invoices: no row clears them all, the one whose
    # amount is printed above the table is the payment; the invoice left open is listed
    header = [(40, "Datum", "l"), (100, "Fremdbeleg", "l"), (180, "Text", "l"),
              (360, "Belastung", "r"), (430, "Gutschrift", "r"), (510, "Kontostand", "r")]
    rows = [["02.03.2026", "R-5501", "Rechnung", "", "400,00", "400,00"],
            ["09.03.2026", "R-5512", "Rechnung", "", "250,00", "650,00"],
            ["16.03.2026", "R-5530", "Rechnung", "", "900,00", "1.550,00"],
            ["31.03.2026", "ZV-7781", "Zahlung", "650,00", "", "900,00"]]
    lines, total = _read(_pdf(["Kontenblatt Kreditor", "Zahlbetrag: 650,00 EUR"],
                              header, rows))
    assert ("ZV-7781", Decimal("-650.00")) not in lines
    assert [ref for ref, _ in lines] == ["R-5501", "R-5512", "R-5530"]
    assert total == Decimal("650.00")


def test_compact_dates_are_no_document_numbers():
    # "05SEP26" has letters and digits like a document number; our numbers are bare digits
    header = [(40, "Posted", "l"), (110, "Item", "l"), (190, "Details", "l"),
              (380, "Dr", "r"), (450, "Cr", "r"), (530, "Position", "r")]
    rows = [["05SEP26", "91000412", "Invoice", "", "310.00", "310.00"],
            ["12SEP26", "91000437", "Invoice", "", "95.50", "405.50"],
            ["30SEP26", "91000440", "Invoice", "", "64.20", "469.70"],
            ["02OCT26", "", "EFT 7781", "469.70", "", "0.00"]]
    lines, total = _read(_pdf(["Supplier account"], header, rows))
    assert lines == [("91000412", Decimal("310.00")), ("91000437", Decimal("95.50")),
                     ("91000440", Decimal("64.20"))]
    assert total == Decimal("469.70")
