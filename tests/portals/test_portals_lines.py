"""Invoices with several lines and tax rates: the rendered PDF and the reference portals' form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pdfplumber

from bots.portals import PortalInvoice
from bots.portals.invoice import InvoiceLine
from bots.portals.pdf import render_pdf
from bots.sandbox.portals.coupa import CoupaPortal
from bots.sandbox.portals.db import PoLine, PortalDB, PurchaseOrder
from bots.sandbox.portals.launcher import SANDBOX_PASSWORD, SANDBOX_USER
from bots.sandbox.portals.web import Request, Upload

CUSTOMER = "0000100042"


def test_the_pdf_shows_every_line_with_unit_rate_and_the_tax_per_rate(tmp_path: Path) -> None:
    lines = (InvoiceLine(1, Decimal(4), Decimal("12.50"), Decimal("50.00"), Decimal(19),
                         Decimal("9.50"), description="Widget A", unit="PCE", tax_code="AA"),
             InvoiceLine(2, Decimal(2), Decimal("95.00"), Decimal("190.00"), Decimal(7),
                         Decimal("13.30"), description="Installation", unit="HUR",
                         tax_code="AB"))
    invoice = PortalInvoice(invoice_no="PDF-1", invoice_date=date(2026, 12, 7),
                            customer=CUSTOMER, portal="p", po_number="PO-1", currency="EUR",
                            lines=lines, total=Decimal("262.80"))
    with pdfplumber.open(render_pdf(invoice, tmp_path / "i.pdf")) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Widget A 4 PCE 12.50 19 AA 9.50 50.00" in text
    assert "Installation 2 HUR 95.00 7 AB 13.30 190.00" in text
    assert "Tax 19 % on 50.00 9.50" in text and "Tax 7 % on 190.00 13.30" in text
    assert "Total 262.80 EUR" in text



def test_the_invoice_form_takes_several_lines_at_two_rates_and_no_line_the_po_lacks(
        tmp_path: Path) -> None:

    app = CoupaPortal(PortalDB(tmp_path / "coupa.sqlite"))
    app.db.add_user(SANDBOX_USER, SANDBOX_PASSWORD)
    po = PurchaseOrder("PO-FORM", CUSTOMER, "EUR", "Open", (
        PoLine(1, "Widget A", Decimal(10), Decimal("12.50"), "PCE"),
        PoLine(2, "Installation service", Decimal(8), Decimal("95.00"), "HUR")))
    app.db.add_purchase_order(po)
    login = app.dispatch(Request("POST", "/login", form={"user": SANDBOX_USER,
                                                         "password": SANDBOX_PASSWORD}))
    session = {"session": login.headers[-1][1].split(";")[0].split("=", 1)[1]}
    form_page = app.dispatch(Request("GET", "/orders/PO-FORM/invoice", cookies=session)).body
    assert "Line 1: Widget A, 10 PCE x 12.50 EUR" in form_page
    assert "Line 2: Installation service, 8 HUR x 95.00 EUR" in form_page
    pdf = {"attachment": Upload("i.pdf", "application/pdf", b"%PDF")}
    form = {"action": "submit", "invoice_number": "FORM-1", "invoice_date": "2026-01-05",
            "line-1-qty": "4", "line-1-tax": "19", "line-2-qty": "2", "line-2-tax": "7",
            "line-3-qty": "1", "line-3-tax": "19"}
    refused = app.dispatch(Request("POST", "/orders/PO-FORM/invoice", form=form, files=pdf,
                                   cookies=session))
    assert "Line 3: the PO has no such line." in refused.body
    del form["line-3-qty"], form["line-3-tax"]
    accepted = app.dispatch(Request("POST", "/orders/PO-FORM/invoice", form=form, files=pdf,
                                    cookies=session))
    assert accepted.status == 303
    [held] = app.db.invoices(number="FORM-1")
    assert held.total == Decimal("262.80")  # 50.00 + 19 % and 190.00 + 7 %
