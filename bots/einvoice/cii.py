"""The CII XML (UN/CEFACT CrossIndustryInvoice D16B) of an invoice, profile EN 16931.

This is the XML Factur-X 1.0 embeds as ``factur-x.xml`` (level EN 16931,
guideline ``urn:cen.eu:en16931:2017``): the document (number, type 380,
date), one trade line item per invoice line (PO line, product name, net unit
price, billed quantity and unit, VAT category and rate, line total), the
agreement (seller with VAT ID, buyer, the purchase order), an empty delivery
and the settlement (currency, one VAT breakdown per category and rate,
freight/handling as document-level charges, the totals).

The amounts are the invoice's own (:class:`~bots.portals.invoice.PortalInvoice`
checks they add up): the VAT per rate is the sum of the lines' VAT, as SAP
computed it. Charges carry no VAT in the invoice model, so they are charges of
category Z (zero rated). Element order follows the Factur-X XSD, which
:func:`facturx.xml_check_xsd` checks in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from bots.domain import quantize
from bots.portals.invoice import PortalInvoice

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
GUIDELINE = "urn:cen.eu:en16931:2017"
COMMERCIAL_INVOICE = "380"
#: SAP's ISO units where UN/ECE Recommendation 20 names them differently.
UNITS = {"": "C62", "PCE": "H87", "PC": "H87", "EA": "C62", "ST": "H87"}


@dataclass(frozen=True)
class Party:
    """Seller or buyer as the invoice names it (country: ISO 3166 alpha-2)."""

    name: str
    country: str = ""
    vat_id: str = ""


def _el(parent: etree._Element, tag: str, text: str | None = None,
        **attrs: str) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrs)
    if text is not None:
        node.text = text
    return node


def _category(rate: Decimal) -> str:
    """EN 16931 VAT category: S (standard) with a rate, Z (zero rated) without."""
    return "S" if rate else "Z"


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.name)
    if party.country:
        _el(_el(node, "ram:PostalTradeAddress"), "ram:CountryID", party.country)
    if party.vat_id:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")


def _tax(parent: etree._Element, rate: Decimal, tag: str = "ram:ApplicableTradeTax",
         amounts: tuple[str, str] | None = None) -> None:
    """A VAT element; ``amounts`` = (VAT, taxable amount) in the header's breakdown."""
    node = _el(parent, tag)
    if amounts:
        _el(node, "ram:CalculatedAmount", amounts[0])
    _el(node, "ram:TypeCode", "VAT")
    if amounts:
        _el(node, "ram:BasisAmount", amounts[1])
    _el(node, "ram:CategoryCode", _category(rate))
    _el(node, "ram:RateApplicablePercent", str(rate))


def tax_breakdown(invoice: PortalInvoice) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """(taxable amount, VAT) per rate: the lines, and the charges at rate 0."""
    sums: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in invoice.lines:
        basis, tax = sums.get(line.tax_rate, (Decimal(0), Decimal(0)))
        sums[line.tax_rate] = (basis + line.amount, tax + line.tax_amount)
    for charge in invoice.charges:
        basis, tax = sums.get(Decimal(0), (Decimal(0), Decimal(0)))
        sums[Decimal(0)] = (basis + charge.amount, tax)
    return dict(sorted(sums.items(), reverse=True))


def cii_xml(invoice: PortalInvoice, seller: Party, buyer: Party) -> bytes:
    """The EN 16931 CII XML of ``invoice`` (UTF-8, with XML declaration)."""
    cur = invoice.currency

    def money(value: Decimal) -> str:
        return str(quantize(value, cur))

    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", invoice.invoice_no)
    _el(document, "ram:TypeCode", COMMERCIAL_INVOICE)
    _el(_el(document, "ram:IssueDateTime"), "udt:DateTimeString",
        invoice.invoice_date.strftime("%Y%m%d"), format="102")
    trade = _el(root, "rsm:SupplyChainTradeTransaction")
    for n, line in enumerate(invoice.lines, 1):
        item = _el(trade, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(n))
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name",
            line.description or f"PO line {line.po_line}")
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:LineID", str(line.po_line))
        _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount",
            str(line.unit_price))
        _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
            str(line.quantity), unitCode=UNITS.get(line.unit.upper(), line.unit.upper()))
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        _tax(settlement, line.tax_rate)
        _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
            "ram:LineTotalAmount", money(line.amount))
    agreement = _el(trade, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", seller)
    _party(agreement, "ram:BuyerTradeParty", buyer)
    _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID",
        invoice.po_number)
    _el(trade, "ram:ApplicableHeaderTradeDelivery")
    settlement = _el(trade, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", cur)
    for rate, (basis, tax) in tax_breakdown(invoice).items():
        _tax(settlement, rate, amounts=(money(tax), money(basis)))
    for charge in invoice.charges:
        node = _el(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _el(_el(node, "ram:ChargeIndicator"), "udt:Indicator", "true")
        _el(node, "ram:ActualAmount", money(charge.amount))
        _el(node, "ram:Reason", charge.kind.capitalize())
        _tax(node, Decimal(0), "ram:CategoryTradeTax")
    lines = sum((ln.amount for ln in invoice.lines), Decimal(0))
    charges = sum((c.amount for c in invoice.charges), Decimal(0))
    tax = sum((ln.tax_amount for ln in invoice.lines), Decimal(0))
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", money(lines))
    if invoice.charges:
        _el(totals, "ram:ChargeTotalAmount", money(charges))
    _el(totals, "ram:TaxBasisTotalAmount", money(lines + charges))
    _el(totals, "ram:TaxTotalAmount", money(tax), currencyID=cur)
    _el(totals, "ram:GrandTotalAmount", money(invoice.total))
    _el(totals, "ram:DuePayableAmount", money(invoice.total))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

