"""Header lines as mail programs write them: folded values, no space after the colon."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bots.remittance import extract

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
    result = extract(text, "advice.txt")
    assert all(r.format != "email" for r in result.remittances)
