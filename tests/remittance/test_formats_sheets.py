"""CSV and XLSX sheets: header words, locales, metadata rows, several payments."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from bots.remittance import extract


def _xlsx(rows: list[list[object]], title: str = "Sheet") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_numbers_dates_and_labels():
    data = _xlsx([["Remittance advice"], ["Payer", "Globex GmbH"], ["Check No", "CHK-881"],
                  [], ["Inv. No.", "Invoice Date", "Invoice Amount", "Skonto", "Net Paid"],
                  ["90012", datetime(2026, 3, 1), 1000.1, 20.0, 980.1],
                  ["90013", datetime(2026, 3, 2), 0.3, None, 0.3],
                  ["Total", None, None, None, 980.4]])
    [r] = extract(data, "advice.xlsx").remittances
    assert (r.format, r.payer_name, r.payment_ref, r.total) == \
        ("xlsx", "Globex GmbH", "CHK-881", Decimal("980.4"))
    a, b = r.lines
    assert (a.paid_amount, a.gross_amount, a.discount, a.invoice_date) == \
        (Decimal("980.1"), Decimal("1000.1"), Decimal("20.0"), date(2026, 3, 1))
    assert b.paid_amount == Decimal("0.3")  # exact, not 0.299999...
    assert "lines do not add up to total" not in " ".join(r.warnings)


def test_xlsx_total_mismatch_warns():
    data = _xlsx([["Invoice #", "Amount Paid"], ["1", 10], ["2", 20], ["Total", 31]])
    [r] = extract(data, "a.xlsx").remittances
    assert any(w.startswith("lines do not add up to total") for w in r.warnings)


def test_csv_european_locale_and_day_first():
    data = (b"Rechnungsnummer;Rechnungsdatum;Betrag;Zahlbetrag\n"
            b"R-1;03.04.2026;1.000,00;1.000,00\nR-2;13.04.2026;2.500,50;2.450,49\n"
            b";;;\nSumme;;;3.450,49\n")
    [r] = extract(data, "de.csv").remittances
    assert [(x.invoice_ref, x.invoice_date, x.paid_amount) for x in r.lines] == [
        ("R-1", date(2026, 4, 3), Decimal("1000.00")),
        ("R-2", date(2026, 4, 13), Decimal("2450.49"))]
    assert r.total == Decimal("3450.49")


def test_csv_ambiguous_thousands_column_decided_by_its_other_cells():
    data = b"Invoice,Paid\nA1,\"1,234\"\nA2,\"2,000.5\"\nA3,\"17.25\"\n"
    [r] = extract(data, "us.csv").remittances
    assert [x.paid_amount for x in r.lines] == [Decimal("1234"), Decimal("2000.5"),
                                                Decimal("17.25")]


def test_csv_payment_column_splits_remittances():
    data = (b"Check Number\tInvoice No\tAmount Paid\tCurrency\n"
            b"1001\t9001\t100.00\tCAD\n1001\t9002\t50.00\tCAD\n1002\t9003\t75.00\tCAD\n")
    rems = extract(data, "lockbox.tsv").remittances
    assert [(r.payment_ref, r.currency, [x.invoice_ref for x in r.lines]) for r in rems] == [
        ("1001", "CAD", ["9001", "9002"]), ("1002", "CAD", ["9003"])]
    assert len({r.id for r in rems}) == 2


def test_csv_without_remittance_header_is_not_a_remittance():
    [failure] = extract(b"name,city\nAnn,Paris\nBob,Rome\n", "people.csv").failures
    assert failure.code == "not-a-remittance"


def test_same_bytes_same_ids():
    data = b"Invoice,Paid\nA1,1.00\n"
    assert extract(data, "a.csv").remittances[0].id == \
        extract(data, "elsewhere/b.csv").remittances[0].id


def test_unlisted_headers_read_by_their_words():
    data = (b"Supplier Inv #,Invoice Amt,Disc Taken,Deduction Code,Net Amt\n"
            b"A-1,100.00,2.00,,98.00\nA-2,50.00,,DAMAGED,45.00\n")
    [r] = extract(data, "odd.csv").remittances
    assert [(x.invoice_ref, x.gross_amount, x.discount, x.deduction_reason, x.paid_amount)
            for x in r.lines] == [
        ("A-1", Decimal("100.00"), Decimal("2.00"), None, Decimal("98.00")),
        ("A-2", Decimal("50.00"), Decimal("0"), "DAMAGED", Decimal("45.00"))]


def test_subtotal_rows_are_not_invoices():
    data = b"Invoice,Paid\nA1,1.00\nA2,2.00\nSubtotal,3.00\nA3,4.00\nGrand Total,7.00\n"
    [r] = extract(data, "t.csv").remittances
    assert [x.invoice_ref for x in r.lines] == ["A1", "A2", "A3"]
    assert r.total == Decimal("7.00") and r.warnings == ["currency not stated; assumed USD"]


def test_reason_saying_total_is_not_a_total_row_and_footer_prose_skipped():
    data = (b"Invoice,Paid,Reason\nA1,1.00,\nA2,2.00,Total price wrong\n"
            b"Thank you for your business and see you soon,,\n")
    [r] = extract(data, "t.csv").remittances
    assert [(x.invoice_ref, x.deduction_reason) for x in r.lines] == \
        [("A1", None), ("A2", "Total price wrong")]
    assert r.total is None and r.warnings == ["currency not stated; assumed USD"]


def test_xlsx_float_noise_reads_as_the_spreadsheet_shows_it():
    """Excel stores a cell computed as =0.1+0.2 as <v>0.30000000000000004</v> and shows 0.3."""
    import zipfile

    data = _xlsx([["Invoice No", "Amount Paid"], ["90012", 0.25], ["90013", 1234.5],
                  ["Total", 1234.75]])
    source, noisy = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(noisy, "w") as out:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<v>0.25</v>" in body and b"<v>1234.75</v>" in body
                body = body.replace(b"<v>0.25</v>", b"<v>0.30000000000000004</v>")
                body = body.replace(b"<v>1234.75</v>", b"<v>1234.8000000000002</v>")
            out.writestr(item, body)
    [r] = extract(noisy.getvalue(), "advice.xlsx").remittances
    assert [line.paid_amount for line in r.lines] == [Decimal("0.3"), Decimal("1234.5")]
    assert r.total == Decimal("1234.8")
