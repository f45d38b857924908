"""A plain-text advice whose amounts carry thousands commas is text, not a CSV file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bots.remittance import extract
from bots.remittance.sniff import csv_delimiter

ADVICE = (b"Remittance advice from Oscorp\nPayment date: 2026-12-07\n\n"
          b"Invoice INV-2026-001    1,234.56\nInvoice INV-2026-002    2,000.00\n\n"
          b"Total: 3,234.56\n")


def test_a_text_advice_with_grouped_amounts_is_read_as_text() -> None:
    result = extract(ADVICE, "advice.txt")
    assert not result.failures
    (r,) = result.remittances
    assert [(x.invoice_ref, x.paid_amount) for x in r.lines] == [
        ("INV-2026-001", Decimal("1234.56")), ("INV-2026-002", Decimal("2000.00"))]
    assert r.total == Decimal("3234.56")


@pytest.mark.parametrize(("text", "delimiter"), [
    ('Invoice,Amount\nINV-1,"1,234.56"\nINV-2,"2,000.00"\n', ","),  # quoted: still CSV
    ("Invoice,Qty,Amount\nINV-1,2,400.00\nINV-2,1,250.00\n", ","),
    ("Invoice;Amount\nINV-1;1,234.56\nINV-2;2,000.00\n", ";"),
    ("Invoice\tAmount\nINV-1\t1,234.56\nINV-2\t2,000.00\n", "\t"),
    ("Invoice    1,234.56\nInvoice    2,000.00\nTotal: 3,234.56\n", None),
])
def test_thousands_commas_separate_no_columns(text: str, delimiter: str | None) -> None:
    assert csv_delimiter(text) == delimiter
