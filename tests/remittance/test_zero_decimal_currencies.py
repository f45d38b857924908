"""Advices in currencies without decimals (JPY, KRW): zeros, ERP decimals, whole-yen amounts.

Found by the big-day bench: JPY PDF advices were refused because the reader's
default discount ``0.00`` has "more decimals than JPY", and JPY plain-text
advices (``Invoice INV-2026-009837    1937870``) held "no payment advice"
because an ungrouped whole number was never taken for money.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bots.domain import Customer, OpenItem, Remittance, RemittanceLine
from bots.remittance import extract
from bots.remittance.plaintext import parse_line, remittances_from_text
from bots.remittance.records import finish
from bots.remittance.values import AmountOutOfRange, check_amount

DAY = date(2026, 12, 7)
PAYER = Customer("0000104711", "Oscorp Textiles GmbH", "1000")


def _items(currency: str, *amounts: str) -> list[OpenItem]:
    return [OpenItem("1000", PAYER.number, f"18000{n:05d}", "2026", "001", currency,
                     Decimal(a), date(2026, 11, 2), date(2026, 12, 2),
                     invoice_ref=f"INV-2026-00{9837 + n}")
            for n, a in enumerate(amounts)]


@pytest.mark.parametrize(("value", "currency"), [
    ("0.00", "JPY"), ("0.000", "KRW"), ("-0.00", "JPY"), ("0", "JPY"), ("0.0000", "EUR"),
    ("1937870.00", "JPY"), ("1937870.0", "KRW"), ("12.3400", "EUR"), ("1.2340", "KWD"),
])
def test_a_value_equal_to_itself_at_the_currencys_decimals_is_accepted(
        value: str, currency: str) -> None:
    assert check_amount(Decimal(value), currency) == Decimal(value)


@pytest.mark.parametrize(("value", "currency"), [
    ("0.50", "JPY"), ("1937870.01", "JPY"), ("0.001", "EUR"), ("12.3401", "KWD"),
])
def test_a_real_fraction_of_the_minor_unit_is_refused(value: str, currency: str) -> None:
    with pytest.raises(AmountOutOfRange, match="more than"):
        check_amount(Decimal(value), currency)


def test_finish_writes_amounts_at_the_currencys_decimals() -> None:
    line = RemittanceLine(invoice_ref="INV-1", paid_amount=Decimal("1937870.00"),
                          gross_amount=Decimal("1937870"), discount=Decimal("0.00"))
    r = finish(Remittance(id="", source="a.pdf", format="pdf", currency="JPY",
                          total=Decimal("1937870.00"), lines=[line]), b"x", 0)
    amounts = (r.total, line.paid_amount, line.gross_amount, line.discount, line.deduction)
    assert [str(a) for a in amounts] == ["1937870", "1937870", "1937870", "0", "0"]
    assert not r.warnings
    eur = RemittanceLine(invoice_ref="INV-2", paid_amount=Decimal("12.5"))
    finish(Remittance(id="", source="b.txt", format="email", currency="EUR", lines=[eur]),
           b"y", 0)
    assert (str(eur.paid_amount), str(eur.discount)) == ("12.50", "0.00")


def test_a_jpy_pdf_advice_is_read_not_refused() -> None:
    from bots.sandbox.mailbox import _pdf_advice

    items = _items("JPY", "1937870", "2464706")
    result = extract(bytes(_pdf_advice(PAYER, items, DAY)), "advice.eml")
    assert not result.failures
    (r,) = result.remittances
    assert r.currency == "JPY"
    assert [(x.invoice_ref, x.paid_amount, x.discount) for x in r.lines] == [
        ("1800000000", Decimal(1937870), Decimal(0)), ("1800000001", Decimal(2464706),
                                                       Decimal(0))]
    assert r.total == Decimal(4402576)
    assert not r.warnings


def test_a_jpy_text_advice_reads_whole_yen_amounts() -> None:
    from bots.sandbox.mailbox import _text_advice

    items = _items("JPY", "1937870", "2464706")
    result = extract(bytes(_text_advice(PAYER, items, DAY)), "advice.eml")
    assert not result.failures
    (r,) = result.remittances
    assert r.currency == "JPY"
    assert [(x.invoice_ref, x.paid_amount) for x in r.lines] == [
        ("INV-2026-009837", Decimal(1937870)), ("INV-2026-009838", Decimal(2464706))]
    assert r.total == Decimal(4402576)
    assert not r.warnings


@pytest.mark.parametrize(("line", "paid", "gross"), [
    ("Invoice INV-2026-009837    1937870", "1937870", None),
    ("Invoice 4711    2000000    1937870", "1937870", "2000000"),
    ("INV-4711   ¥1,937,870", "1937870", None),
    ("Rechnung Nr. 4711   1.937.870", "1937870", None),
    ("Invoice 4711  2026-11-02  1937870", "1937870", None),
    ("Invoice 4711  02.11.2026  1937870 JPY", "1937870", None),
    ("INV-4711   ₩1,937,870", "1937870", None),
])
def test_whole_numbers_right_of_the_reference_are_yen(line: str, paid: str,
                                                      gross: str | None) -> None:
    found = parse_line(line, whole_units=True)
    assert found is not None
    assert (found.paid_amount, found.gross_amount) == (
        Decimal(paid), Decimal(gross) if gross else None)
    assert found.invoice_ref in line.split()[1] or found.invoice_ref in line


def test_whole_numbers_are_no_money_in_a_currency_with_decimals() -> None:
    assert parse_line("Invoice INV-2026-009837    1937870") is None
    text = "Currency: EUR\nInvoice INV-2026-009837    1937870\n"
    assert remittances_from_text(text, source="a.txt", fmt="email") == []


def test_the_total_naming_a_zero_decimal_currency_makes_whole_numbers_money() -> None:
    text = "Invoice INV-2026-009837    1937870\nInvoice INV-2026-009838    2464706\n" \
           "Total: JPY 4,402,576\n"
    (r,) = remittances_from_text(text, source="a.txt", fmt="email")
    assert r.currency == "JPY"
    assert [x.paid_amount for x in r.lines] == [Decimal(1937870), Decimal(2464706)]
    assert r.total == Decimal(4402576)


def test_a_krw_text_advice_reads_whole_won_amounts() -> None:
    text = "Currency: KRW\nInvoice INV-2026-009837    1937870\nTotal: 1937870\n"
    (r,) = remittances_from_text(text, source="a.txt", fmt="email")
    assert (r.currency, [x.paid_amount for x in r.lines]) == ("KRW", [Decimal(1937870)])


def test_a_jpy_camt_credit_reads_whole_yen_in_its_unstructured_text() -> None:
    from bots.sandbox.mailbox import _amount_only

    (_body, attachment) = _amount_only(PAYER, _items("JPY", "1937870"), DAY).iter_parts()
    xml = attachment.get_payload(decode=True)
    assert isinstance(xml, bytes)
    result = extract(xml.replace(b"PAYMENT FOR OPEN INVOICES", b"INV-2026-009837 1937870"),
                     "camt054.xml")
    assert not result.failures
    (r,) = result.remittances
    assert (r.currency, [(x.invoice_ref, x.paid_amount) for x in r.lines]) == (
        "JPY", [("INV-2026-009837", Decimal(1937870))])


def test_a_document_printing_yen_with_zero_decimals_is_read_and_a_fraction_refused() -> None:
    mail = (b"From: Oscorp AP <ap@oscorp.example>\nSubject: Remittance\n\nCurrency: JPY\n"
            b"Invoice INV-2026-009837    1,937,870.00\nTotal: 1,937,870.00\n")
    (r,) = extract(mail, "advice.eml").remittances
    assert [str(x.paid_amount) for x in r.lines] == ["1937870"] and str(r.total) == "1937870"
    result = extract(mail.replace(b"870.00\nTotal", b"870.50\nTotal"), "advice.eml")
    assert not result.remittances
    (failure,) = result.failures
    assert "advice.eml" in str(failure) and "more than 0 decimals for JPY" in str(failure)
