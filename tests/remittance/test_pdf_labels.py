"""Payment fields read from their labels (bots.remittance.pdf_fields), one rule each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bots.domain import PaymentMethod
from bots.remittance.pdf_fields import read_header
from bots.remittance.pdf_layout import lines_of
from bots.remittance.pdf_words import Word

SIZE = 9.0


def _page(*rows: list[tuple[float, str]], size: float = SIZE):
    """Lines from rows of (x, text) chunks; words 2.5 pt apart inside a chunk."""
    words = []
    for n, chunks in enumerate(rows):
        top = 50 + 14 * n
        for x, text in chunks:
            for word in text.split():
                width = 0.5 * size * len(word)
                words.append(Word(word, x, x + width, top, top + size))
                x += width + 2.5
    return lines_of([words])


def test_two_labels_on_one_line_each_get_their_value():
    header = read_header(_page([(50, "Payment No.: 4711"), (250, "Payment Date: 04/12/2026")]))
    assert (header.payment_ref, header.payment_date) == ("4711", date(2026, 4, 12))


def test_the_kind_of_payment_number_gives_the_method():
    assert read_header(_page([(50, "Check #: 004512")])).payment_method is PaymentMethod.CHECK
    eft = read_header(_page([(50, "EFT Trace Number 091000019876543")]))
    assert (eft.payment_ref, eft.payment_method) == ("091000019876543", PaymentMethod.ACH)


def test_a_method_label_wins_over_the_number_kind():
    header = read_header(_page([(50, "Check No. 88")], [(50, "Payment Method: Wire")]))
    assert header.payment_method is PaymentMethod.WIRE


def test_a_label_stacked_over_its_value():
    header = read_header(_page([(50, "Payment Date"), (200, "Payment Amount")],
                               [(50, "12.04.2026"), (200, "1.234,56 EUR")]), day_first=True)
    assert (header.payment_date, header.total, header.currency) == (
        date(2026, 4, 12), Decimal("1234.56"), "EUR")


def test_total_with_currency_code_and_sign():
    assert read_header(_page([(50, "Total Paid: USD 1,234.56")])).currency == "USD"
    header = read_header(_page([(50, "Amount Paid: £99.00")]))
    assert (header.total, header.currency) == (Decimal("99.00"), "GBP")


def test_payer_by_label_else_letterhead_but_never_a_title():
    assert read_header(_page([(50, "Paid by: Acme Corp.")])).payer_name == "Acme Corp."
    letterhead = _page([(50, "Globex Corporation")], size=16) + _page(
        [(50, "REMITTANCE ADVICE")], [(50, "Payment No.: 5")])
    assert read_header(letterhead).payer_name == "Globex Corporation"
    assert read_header(_page([(50, "Remittance Advice")], size=16)).payer_name is None


def test_a_payment_number_needs_a_digit():
    assert read_header(_page([(50, "Payment Reference: see attached")])).payment_ref is None
