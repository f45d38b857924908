"""Header lines as mail programs write them: folded values, no space after the colon."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bots.remittance import extract
from bots.remittance.registry import reader_for

BODY = (b"Content-Type: text/plain; charset=utf-8\n\n"
        b"Hello,\n\nwe have transferred EUR 1.955,00 today for your invoices 4711 "
        b"(EUR 1.200,00) and 4712 (EUR 755,00).\n\nBest regards\n")


@pytest.mark.parametrize("head", [
    # Python's email package folds a long From before the display name (past 78 characters)
    b"From:\n Nakatomi Maschinenbau GmbH & Co. KG Zahlungsverkehr Buchhaltung\n"
    b" <accounts.payable@nakatomi-maschinenbau.example>\nSubject: Payment\n",
    b"From:Nakatomi Maschinenbau GmbH & Co. KG <ap@nakatomi.example>\nSubject:Payment\n",
])
def test_a_folded_or_tight_header_is_still_a_mail_with_its_payer(head: bytes) -> None:
    result = extract(head + BODY, "folded.eml")
    assert not result.failures
    (r,) = result.remittances
    assert r.format == "email"
    assert [(x.invoice_ref, x.paid_amount) for x in r.lines] == [
        ("4711", Decimal("1200.00")), ("4712", Decimal("755.00"))]
    assert r.payer_name and r.payer_name.startswith("Nakatomi Maschinenbau")


def test_text_that_only_starts_like_a_header_is_no_mail() -> None:
    text = b"Remittance:\nInvoice 4711    1,200.00\nInvoice 4712    755.00\nTotal 1,955.00\n"
    reader = reader_for(text, "advice.txt")
    assert reader is not None and reader.NAME == "text"  # not e-mail (nor CSV: the commas)
    (r,) = extract(text, "advice.txt").remittances  # format "email": the spec's name for text
    assert [(x.invoice_ref, x.paid_amount) for x in r.lines] == [
        ("4711", Decimal("1200.00")), ("4712", Decimal("755.00"))]


def _bigday_x12_mail() -> bytes:
    """The big-day bench's X12 mail whose From header the e-mail package folds."""
    from datetime import date

    from bots.domain import Customer, OpenItem
    from bots.sandbox.mailbox import _x12_advice

    day = date(2026, 12, 7)
    items = [OpenItem("2000", "0000103902", f"180000012{n}", "2026", "001", "EUR",
                      Decimal(amount), date(2026, 11, 2), date(2026, 12, 2),
                      invoice_ref=f"INV-2026-03090{n}")
             for n, amount in enumerate(("5260.69", "24811.78"))]
    payer = Customer("0000103902", "Nakatomi Maschinenbau GmbH & Co. KG", "2000")
    return bytes(_x12_advice(payer, items, day))


@pytest.mark.parametrize("shape", ["as written", "crlf", "bom", "blank line first", "mbox"])
def test_the_big_day_x12_mail_with_a_folded_from_gives_its_attachment(shape: str) -> None:
    data = _bigday_x12_mail()
    assert data.startswith(b"From:\n Nakatomi")  # folded before the display name
    data = {"as written": data, "crlf": data.replace(b"\n", b"\r\n"),
            "bom": b"\xef\xbb\xbf" + data, "blank line first": b"\r\n" + data,
            "mbox": b"From ap@nakatomi.example Mon Dec  7 06:00:00 2026\n" + data}[shape]
    result = extract(data, "2582-x12-820.eml")
    assert not result.failures
    (r,) = result.remittances
    assert (r.format, r.source) == ("x12-820", "2582-x12-820.eml#remit.820")
    assert r.payer_name == "Nakatomi Maschinenbau GmbH & Co. KG"
    assert [(x.invoice_ref, x.paid_amount) for x in r.lines] == [
        ("INV-2026-030900", Decimal("5260.69")), ("INV-2026-030901", Decimal("24811.78"))]
