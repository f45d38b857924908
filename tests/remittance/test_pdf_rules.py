"""The PDF reader's rules one at a time, on small hand-drawn advices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bots.domain import PaymentMethod
from bots.remittance import extract
from bots.remittance.pdf import extract_pdf
from tests.remittance.pdf_corpus import Item, drawn_pdf

HEADER = [("Invoice #", 50, "l"), ("Gross", 300, "r"), ("Discount", 400, "r"),
          ("Net Paid", 520, "r")]


def _advice(*pages: list[Item]) -> bytes:
    """A PDF from (x, y, text, align) items, one list per page."""
    return drawn_pdf(*pages)


def _table(top: float, rows: list[list[str]], columns=HEADER) -> list:
    items = [(x, top, label, align) for label, x, align in columns]
    for n, row in enumerate(rows, 1):
        items += [(x, top - 14 * n, text, align)
                  for (_, x, align), text in zip(columns, row, strict=True)]
    return items


def _read(data: bytes):
    [got] = extract_pdf(data, "t.pdf", templates=())
    return got


ROWS = [["1001", "100.00", "2.00", "98.00"], ["1002", "$1,234.56", "0.00", "$1,234.56"]]


def test_two_copies_of_the_stub_table_are_read_once():
    data = _advice([(50, 740, "Check No. 5521", "l")] + _table(700, ROWS) + _table(400, ROWS))
    got = _read(data)
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        ("1001", Decimal("98.00")), ("1002", Decimal("1234.56"))]
    assert got.warnings[-1:] == ["1 repeated copy of the table ignored"]
    assert got.payment_method is PaymentMethod.CHECK and got.payment_ref == "5521"


def test_lines_that_do_not_add_up_are_flagged_by_the_front_door():
    data = _advice([(50, 740, "Payment No.: 77", "l"), (50, 726, "Total Paid: 1,400.00", "l")]
                   + _table(700, ROWS))
    assert _read(data).total == Decimal("1400.00")
    result = extract(data, "t.pdf")
    assert result.failures == []
    [got] = result.remittances
    assert (got.id, got.format, len(got.lines)) == (_read(data).id, "pdf", 2)
    assert [w for w in got.warnings if w.startswith("lines do not add up to total")] == [
        "lines do not add up to total: lines 1332.56 vs total 1400.00"]


def test_a_line_whose_arithmetic_is_off_is_flagged_but_kept():
    rows = [["1001", "100.00", "2.00", "90.00"]]
    got = _read(_advice([(50, 740, "Payment No.: 78", "l")] + _table(700, rows)))
    assert got.lines[0].paid_amount == Decimal("90.00")
    assert "line 1 (1001): gross 100.00 - discount 2.00 - deduction 0.00 is not the paid " \
           "90.00" in got.warnings


def test_paid_is_gross_less_discount_when_no_paid_column():
    columns = [("Invoice", 50, "l"), ("Amount", 300, "r"), ("Disc.", 400, "r")]
    got = _read(_advice([(50, 740, "Remittance Advice", "l")]
                        + _table(700, [["2001", "500.00", "10.00"]], columns)))
    assert (got.lines[0].gross_amount, got.lines[0].discount, got.lines[0].paid_amount) == (
        Decimal("500.00"), Decimal("10.00"), Decimal("490.00"))


def test_an_advice_without_a_table_keeps_its_payment_fields():
    got = _read(_advice([(50, 740, "REMITTANCE ADVICE", "l"),
                         (50, 720, "Payment Date", "l"), (50, 708, "04/13/2026", "l"),
                         (200, 720, "Amount Paid", "l"), (200, 708, "EUR 1.500,00", "l")]))
    assert got.lines == []
    assert got.payment_date == date(2026, 4, 13)  # a value stacked under its label
    assert (got.total, got.currency) == (Decimal("1500.00"), "EUR")
    assert "no remittance table found: payment fields only" in got.warnings


def test_the_total_row_is_not_a_line_and_is_checked_against_the_stated_total():
    items = [(50, 740, "Payment No.: 79", "l"), (50, 726, "Payment Amount: 1,300.00", "l")]
    items += _table(700, ROWS) + [(50, 658, "Total", "l"), (520, 658, "1,332.56", "r")]
    got = _read(_advice(items))
    assert len(got.lines) == 2
    assert got.total == Decimal("1300.00")
    assert "the Total row says 1332.56 but the advice total is 1300.00" in got.warnings


def test_eu_amounts_switch_dates_to_day_first():
    columns = [("Rechnung", 50, "l"), ("Datum", 150, "l"), ("Zahlbetrag", 400, "r")]
    columns[1] = ("Invoice Date", 150, "l")
    rows = [["3001", "05/04/2026", "1.234,56"], ["3002", "06/04/2026", "99,00"]]
    got = _read(_advice([(50, 740, "Zahlungsavis", "l")] + _table(700, rows, columns)))
    assert [(x.invoice_date, x.paid_amount) for x in got.lines] == [
        (date(2026, 4, 5), Decimal("1234.56")), (date(2026, 4, 6), Decimal("99.00"))]


def test_a_repeated_header_may_move_the_columns():
    moved = [("Invoice #", 80, "l"), ("Gross", 250, "r"), ("Discount", 330, "r"),
             ("Net Paid", 560, "r")]
    page1 = [(50, 740, "Payment No.: 80", "l")] + _table(700, ROWS)
    page2 = _table(740, [["1003", "10.00", "0.00", "10.00"]], moved)
    got = _read(_advice(page1, page2))
    assert [x.invoice_ref for x in got.lines] == ["1001", "1002", "1003"]
    assert got.lines[2].gross_amount == Decimal("10.00")


def test_negative_forms():
    rows = [["CM-1", "(25.00)", "0.00", "(25.00)"], ["CM-2", "30.00-", "0.00", "30.00-"],
            ["CM-3", "-5.00", "0.00", "-5.00"]]
    got = _read(_advice([(50, 740, "Payment No.: 81", "l")] + _table(700, rows)))
    assert [x.paid_amount for x in got.lines] == [Decimal("-25.00"), Decimal("-30.00"),
                                                  Decimal("-5.00")]
    assert got.warnings == ["no currency printed; USD assumed"]


def test_a_line_with_amounts_but_no_invoice_is_reported_not_lost():
    rows = ROWS + [["Freight", "15.00", "0.00", "15.00"]]
    got = _read(_advice([(50, 740, "Payment No.: 82", "l")] + _table(700, rows)))
    assert [x.invoice_ref for x in got.lines] == ["1001", "1002"]
    assert "left out a line with amounts but no invoice reference: 'Freight 15.00 0.00 15.00'" \
        in got.warnings
