"""Factur-X out: the CII XML is valid against the Factur-X XSD (EN 16931) and adds up,
and the PDF carries it as factur-x.xml."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import facturx
from lxml import etree

from bots.einvoice.cii import NS, Party, cii_xml
from bots.einvoice.document import facturx_pdf
from bots.einvoice.ubl import ubl_xml
from bots.portals.invoice import Charge, InvoiceLine, PortalInvoice

SELLER = Party("Arbots Demo GmbH", "DE", "DE811907980")
BUYER = Party("Customer 100004 SARL", "FR")


def two_rate_invoice() -> PortalInvoice:
    """Three lines at 19 % and 7 %, one of another PO, plus freight."""
    d = Decimal
    lines = (
        InvoiceLine(10, d("3"), d("19.99"), d("59.97"), d("19"), d("11.39"), description="Cable",
                    unit="PCE", tax_code="A1"),
        InvoiceLine(20, d("2.5"), d("40.00"), d("100.00"), d("7"), d("7.00"),
                    description="Books", unit="KGM", tax_code="A2"),
        InvoiceLine(30, d("1"), d("0.10"), d("0.10"), d("19"), d("0.02"), description="Cap",
                    tax_code="A1", po_number="4500000999"),
    )
    return PortalInvoice(invoice_no="90000123", invoice_date=date(2026, 12, 7),
                         customer="0000100004", portal="email", po_number="4500000123",
                         currency="EUR", lines=lines, charges=(Charge("freight", d("5.00")),),
                         total=d("183.48"))


def text(root: etree._Element, path: str) -> list[str]:
    return [n.text for n in root.xpath(path, namespaces=NS)]


def test_the_cii_xml_is_xsd_valid_en16931_and_adds_up() -> None:
    xml = cii_xml(two_rate_invoice(), SELLER, BUYER)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    root = etree.fromstring(xml)
    assert text(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == \
        ["urn:cen.eu:en16931:2017"]
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert text(root, "//udt:DateTimeString") == ["20261207"]
    assert text(root, "//ram:ApplicableHeaderTradeAgreement/ram:BuyerOrderReferencedDocument"
                      "/ram:IssuerAssignedID") == ["4500000123"]
    assert text(root, "//ram:LineTotalAmount") == ["59.97", "100.00", "0.10", "160.07"]
    assert root.xpath("//ram:BilledQuantity/@unitCode", namespaces=NS) == ["H87", "KGM", "C62"]
    breakdown = root.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
                           namespaces=NS)
    rows = [(text(t, "ram:RateApplicablePercent")[0], text(t, "ram:CategoryCode")[0],
             Decimal(text(t, "ram:BasisAmount")[0]), Decimal(text(t, "ram:CalculatedAmount")[0]))
            for t in breakdown]
    assert rows == [("19", "S", Decimal("60.07"), Decimal("11.41")),
                    ("7", "S", Decimal("100.00"), Decimal("7.00")),
                    ("0", "Z", Decimal("5.00"), Decimal("0.00"))]
    totals = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    basis = Decimal(text(root, totals + "ram:TaxBasisTotalAmount")[0])
    tax = Decimal(text(root, totals + "ram:TaxTotalAmount")[0])
    assert basis == sum(r[2] for r in rows) == Decimal("165.07")
    assert tax == sum(r[3] for r in rows) == Decimal("18.41")
    assert Decimal(text(root, totals + "ram:GrandTotalAmount")[0]) == basis + tax \
        == Decimal("183.48")


def test_a_schema_violation_is_caught_by_the_xsd_check() -> None:
    root = etree.fromstring(cii_xml(two_rate_invoice(), SELLER, BUYER))
    root.find("rsm:ExchangedDocument", NS).append(etree.Element(f"{{{NS['ram']}}}Bogus"))
    try:
        facturx.xml_check_xsd(etree.tostring(root), flavor="factur-x", level="en16931")
    except Exception as exc:  # factur-x raises a plain Exception naming the XSD error
        assert "Bogus" in str(exc)
    else:
        raise AssertionError("the XSD check let an unknown element through")


def test_the_pdf_carries_the_xml_as_factur_x() -> None:
    invoice = two_rate_invoice()
    pdf = facturx_pdf(invoice, SELLER, BUYER)
    assert pdf.startswith(b"%PDF")
    name, xml = facturx.get_facturx_xml_from_pdf(pdf, check_xsd=True)
    assert name == "factur-x.xml"
    assert xml == cii_xml(invoice, SELLER, BUYER)
    assert facturx.get_flavor(etree.fromstring(xml)) == "factur-x"
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"


UBL = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
       "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}


def test_the_ubl_is_xsd_valid_and_carries_the_same_invoice() -> None:
    xml = ubl_xml(two_rate_invoice(), SELLER, BUYER)
    assert facturx.xml_check_xsd(xml, flavor="ubl-2.1-invoice") is True
    root = etree.fromstring(xml)

    def find(path: str) -> list[str]:
        return [str(v) for v in root.xpath(path, namespaces=UBL)]

    assert find("cbc:ID/text()") == ["90000123"]
    assert find("cbc:CustomizationID/text()") == ["urn:cen.eu:en16931:2017"]
    assert find("cac:OrderReference/cbc:ID/text()") == ["4500000123"]
    assert find("cac:InvoiceLine/cbc:LineExtensionAmount/text()") == ["59.97", "100.00", "0.10"]
    assert find("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount/text()") == ["11.41", "7.00", "0.00"]
    assert find("cac:TaxTotal/cbc:TaxAmount/text()") == ["18.41"]
    assert find("cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["183.48"]
