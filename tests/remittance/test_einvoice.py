"""E-invoices in the remittance mailbox are named, never read (spec v1.2, issue 9 item 9).

Real XRechnung files come from the KoSIT test suite (einvoice_samples/README.md);
the Factur-X PDF is built here with the factur-x package from a CII XML.
"""

from __future__ import annotations

import io
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from bots.config import load_config
from bots.domain import Trigger
from bots.remittance import einvoice, extract
from bots.remittance.errors import EINVOICE_REASON
from bots.runner import run_bots
from bots.sandbox.world import demo_mailbox_path
from bots.store import Store

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "einvoice_samples"
REPO = HERE.parents[1]

FACTURX_CII = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>F-2026-0412</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20260412</udt:DateTimeString>
  </ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Muster Lieferant GmbH</ram:Name></ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>ACME Corp.</ram:Name></ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:GrandTotalAmount>1190.00</ram:GrandTotalAmount>
    <ram:DuePayableAmount>1190.00</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""

UBL_CREDIT_NOTE = b"""<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
 <cbc:ID>CN-77</cbc:ID><cbc:IssueDate>2026-04-12</cbc:IssueDate>
</CreditNote>"""

ZUGFERD1 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12">
 <rsm:HeaderExchangedDocument><ram:ID>471102</ram:ID></rsm:HeaderExchangedDocument>
</rsm:CrossIndustryDocument>"""


def _blank_pdf() -> bytes:
    doc = pdfium.PdfDocument.new()
    doc.new_page(595, 842)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def facturx_pdf(xml: bytes = FACTURX_CII) -> bytes:
    """A Factur-X PDF: a page with the CII XML embedded, built by the factur-x package."""
    import facturx

    return facturx.generate_from_binary(_blank_pdf(), xml, check_xsd=False)


def _failure(data: bytes, name: str):
    result = extract(data, name)
    assert result.remittances == [] and result.returns == []
    [failure] = result.failures
    assert failure.code == "e-invoice" and failure.reason.startswith(EINVOICE_REASON)
    return failure


@pytest.mark.parametrize("name, reason", [
    ("kosit__01.01a-INVOICE_ubl.xml", "XRechnung (UBL) invoice 123456XX"),
    ("kosit__01.01a-INVOICE_uncefact.xml", "XRechnung (CII) invoice 123456XX"),
])
def test_xrechnung_samples_by_root_namespace(name, reason):
    failure = _failure((SAMPLES / name).read_bytes(), name)
    assert failure.reason == f"{EINVOICE_REASON} ({reason})"


@pytest.mark.parametrize("xml, reason", [
    (UBL_CREDIT_NOTE, "UBL credit note CN-77"),
    (ZUGFERD1, "ZUGFeRD 1 invoice 471102"),
    (FACTURX_CII, "CII invoice F-2026-0412"),
])
def test_ubl_cii_and_zugferd1_xml(xml, reason):
    assert _failure(xml, "x.xml").reason == f"{EINVOICE_REASON} ({reason})"


def test_facturx_pdf_built_with_the_factur_x_package():
    failure = _failure(facturx_pdf(), "rechnung.pdf")
    assert failure.reason == (f"{EINVOICE_REASON} (Factur-X/ZUGFeRD PDF, factur-x.xml invoice "
                              "F-2026-0412)")


def test_xrechnung_cii_inside_a_pdf_is_named_xrechnung():
    xml = (SAMPLES / "kosit__01.01a-INVOICE_uncefact.xml").read_bytes()
    assert "XRechnung (Factur-X/ZUGFeRD PDF" in _failure(facturx_pdf(xml), "x.pdf").reason


def test_an_ordinary_pdf_is_not_opened_for_attachments(monkeypatch):
    import facturx

    def boom(*args, **kwargs):
        raise AssertionError("factur-x must not be asked about a PDF without attachments")

    monkeypatch.setattr(facturx, "get_xml_from_pdf", boom)
    einvoice.refuse_facturx(_blank_pdf())  # no embedded file: no error, no call


@pytest.mark.parametrize("name, title", [
    ("FlipkartInvoice", "Invoice"), ("SammyMaystoneLinesTest", "INVOICE"),
    ("coolblue2", "FACTUUR"), ("AmazonWebServices", "Invoice"),
])
def test_plain_invoice_pdfs_are_e_invoices(samples, name, title):
    path = samples / "invoice-x__invoice2data" / f"tests__compare__{name}.pdf"
    failure = _failure(path.read_bytes(), path.name)
    assert failure.reason == f"{EINVOICE_REASON} (an invoice PDF titled {title!r})"


def test_a_payment_receipt_stays_not_a_remittance(samples):
    path = samples / "invoice-x__invoice2data" / "tests__compare__oyo.pdf"
    [failure] = extract(path).failures
    assert failure.code == "not-a-remittance"


def _mail(*attachments: tuple[str, bytes, str]) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Billing <billing@supplier.example>"
    msg["To"] = "remittances@example.com"
    msg["Subject"] = "Ihre Rechnung"
    msg.set_content("Anbei die Rechnung.")
    for name, data, subtype in attachments:
        maintype, sub = subtype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=sub, filename=name)
    return msg.as_bytes()


def test_an_email_carrying_only_an_e_invoice_says_so():
    raw = _mail(("rechnung.pdf", facturx_pdf(), "application/pdf"))
    failure = _failure(raw, "inbox:1")
    assert failure.reason == f"{EINVOICE_REASON}: rechnung.pdf"


def test_an_e_invoice_beside_an_advice_is_set_aside():
    advice = b"Invoice,Paid\n90012345,100.00\n90012346,50.00\n"
    result = extract(_mail(("avis.csv", advice, "text/csv"),
                           ("invoice.xml", UBL_CREDIT_NOTE, "application/xml")), "inbox:2")
    assert result.failures == [] and len(result.remittances) == 1
    assert [f.code for f in result.ignored] == ["e-invoice"]


def test_cli_writes_no_line_and_names_the_reason(tmp_path):
    path = tmp_path / "rechnung.pdf"
    path.write_bytes(facturx_pdf())
    run = subprocess.run([str(REPO / ".venv" / "bin" / "arbots"), "extract", str(path)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 1 and run.stdout == ""
    assert EINVOICE_REASON in run.stderr and "rechnung.pdf" in run.stderr


def test_intake_quarantines_an_e_invoice_with_the_reason(tmp_path):
    config = tmp_path / "site.toml"
    config.write_text('[store]\npath = "var/arbots.sqlite"\nruns_dir = "var/runs"\n'
                      '[mailboxes.sandbox]\nkind = "folder"\npath = "inbox"\n', encoding="utf-8")
    cfg = load_config(config, home=tmp_path)
    inbox = demo_mailbox_path(cfg)
    inbox.mkdir(parents=True)
    (inbox / "0001.eml").write_bytes(_mail(("rechnung.pdf", facturx_pdf(), "application/pdf")))
    run_bots(cfg, ("intake",), Trigger.ON_DEMAND)
    with Store(cfg.store_path) as store:
        [(status, reason)] = [tuple(r) for r in
                              store.db.execute("SELECT status, reason FROM inputs")]
    assert status == "quarantined" and reason.startswith(EINVOICE_REASON)
    assert list((inbox / "exceptions").iterdir())
