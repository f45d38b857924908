"""Sheets listing several payments, and payment-provider exports (issue 9, items 6 and 9).

One row per invoice with payment columns (reference, date, payer, currency)
gives one advice per payment; provider exports mix currencies row by row.
The PayPal export is a real public file (bank_samples/README.md).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from bots.remittance import extract

BANK = Path(__file__).resolve().parent / "bank_samples"


def test_paypal_activity_export_one_advice_per_payment_in_its_currency():
    """Before: one USD advice of 31 lines mixing AUD and EUR rows, conversions and refunds."""
    result = extract(BANK / "oca__paypal-activity_en.csv")
    assert result.failures == []
    rems = {r.payment_ref: r for r in result.remittances}
    assert len(rems) == 26 and {r.currency for r in rems.values()} == {"USD"}
    website = rems["TID4"]
    assert (website.payer_name, website.currency) == ("PARTNER2", "USD")
    [line] = website.lines
    assert (line.invoice_ref, line.gross_amount, line.deduction, line.deduction_reason,
            line.paid_amount) == ("31", Decimal("1653.75"), Decimal("73.07"), "Fee",
                                  Decimal("1580.68"))
    # a payment naming no invoice is kept, to be matched by amount
    general = rems["TID1"]
    assert (general.total, general.lines, general.payer_name) == (Decimal("79.75"), [],
                                                                  "PARTNER1")
    # currency conversions (TID3, TID6, TID13), the release of a held payment (TID46)
    # and outgoing rows are no customer payments
    assert not {"TID2", "TID3", "TID5", "TID6", "TID7", "TID13", "TID46"} & set(rems)


def test_currency_per_row():
    data = (b"Transaction ID,Currency,Invoice,Gross,Fee,Net\n"
            b"T1,USD,INV-1,100.00,-3.20,96.80\n"
            b"T2,EUR,INV-2,200.00,-6.10,193.90\n"
            b"T3,JPY,INV-3,15000,-450,14550\n")
    rems = extract(data, "stripe.csv").remittances
    assert [(r.payment_ref, r.currency, r.lines[0].paid_amount) for r in rems] == [
        ("T1", "USD", Decimal("96.80")), ("T2", "EUR", Decimal("193.90")),
        ("T3", "JPY", Decimal("14550"))]
    assert all(r.warnings == [] for r in rems)


TITLED = [
    ["Zahlungsavis-Export / Remittance export"],
    ["Erstellt am 12.04.2026"],
    [],
    ["Payment Ref", "Payment Date", "Payer", "Invoice No", "Amount"],
    ["CHK-1001", "2026-04-10", "ACME Corp", "90012345", "1000.00"],
    ["", "", "", "90012346", "250.00"],  # empty payment cells: CHK-1001 goes on
    ["CHK-1002", "2026-04-11", "Globex", "90012400", "99.50"],
    ["CHK-1002", "2026-04-11", "Globex", "90012401", "0.50"],
]


def _check_two_payments(rems):
    assert [(r.payment_ref, r.payment_date, r.payer_name, [x.invoice_ref for x in r.lines])
            for r in rems] == [
        ("CHK-1001", date(2026, 4, 10), "ACME Corp", ["90012345", "90012346"]),
        ("CHK-1002", date(2026, 4, 11), "Globex", ["90012400", "90012401"])]
    assert [sum(x.paid_amount for x in r.lines) for r in rems] == [Decimal("1250.00"),
                                                                   Decimal("100.00")]


def test_csv_with_title_rows_and_several_payments():
    text = "\n".join(";".join(row) for row in TITLED) + "\n"
    _check_two_payments(extract(text.encode(), "export.csv").remittances)


def test_xlsx_with_title_rows_and_several_payments():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in TITLED:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    _check_two_payments(extract(out.getvalue(), "export.xlsx").remittances)


def test_payments_told_apart_by_payer_and_date_without_a_reference():
    data = (b"Payer,Payment Date,Invoice,Paid\n"
            b"ACME,2026-04-10,A-1,10.00\nACME,2026-04-10,A-2,20.00\n"
            b"Globex,2026-04-10,G-1,5.00\nACME,2026-04-12,A-3,7.00\n")
    rems = extract(data, "payers.csv").remittances
    assert [(r.payer_name, str(r.payment_date), len(r.lines)) for r in rems] == [
        ("ACME", "2026-04-10", 2), ("Globex", "2026-04-10", 1), ("ACME", "2026-04-12", 1)]
