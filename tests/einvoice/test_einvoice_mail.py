"""Factur-X by e-mail in the nightly portals bot, against the SAP sandbox and an SMTP
server on loopback (aiosmtpd, STARTTLS with a trustme CA).

Shows: each new invoice of the e-invoicing customer is mailed once with a
Factur-X PDF whose embedded XML is XSD-valid and names that invoice (and,
``ubl = true``, its XSD-valid UBL 2.1 XML beside it); the
invoice gets a note in SAP; a rerun sends nothing again; an intent a crash
left open is not sent again but waits for a person.
"""

from __future__ import annotations

import json
from decimal import Decimal
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import facturx
import pytest
import trustme
from lxml import etree

from bots.config import Config, ConfigError, load_config
from bots.domain import RunStatus, Trigger
from bots.einvoice.cii import NS
from bots.einvoice.settings import einvoice_config
from bots.runner import run_bots
from bots.sap import connect
from bots.store import Store
from tests.pipeline.conftest import CONFIG, make_world
from tests.pipeline.test_reminders_smtp import smtp_server

CUSTOMER = "0000100014"  # EUR invoices at 19 % and 7 % in the small sandbox (seed 11)


def with_einvoice(world: Config, port: int, ca: trustme.CA) -> Config:
    ca.cert_pem.write_to_path(str(world.home / "ca.pem"))
    text = (world.home / "site.toml").read_text(encoding="utf-8").replace(
        '[collections]\noutbox = "var/outbox"',
        f'[collections]\noutbox = "var/outbox"\nsender = "ar@seller.example"\n'
        f'[collections.smtp]\nhost = "127.0.0.1"\nport = {port}\nca_file = "ca.pem"\n')
    text += (f'\n[einvoice]\nseller_name = "Arbots Demo GmbH"\nseller_vat_id = "DE811907980"\n'
             f'[einvoice.customers]\n"{CUSTOMER}" = {{ address = "ap@client.example", '
             f'name = "Client SARL", country = "FR", ubl = true }}\n')
    (world.home / "site.toml").write_text(text, encoding="utf-8")
    return load_config(world.home / "site.toml", home=world.home)


def attachment(message: Message, content_type: str) -> tuple[str, bytes]:
    """(file name, content) of the one attachment of ``content_type``."""
    (part,) = [p for p in message.walk() if p.get_content_type() == content_type]
    content = part.get_payload(decode=True)
    assert isinstance(content, bytes)
    return str(part.get_filename()), content


def facturx_of(message: Message) -> tuple[str, bytes]:
    """(attachment name, embedded XML) of an e-invoice mail."""
    filename, pdf = attachment(message, "application/pdf")
    name, xml = facturx.get_facturx_xml_from_pdf(pdf, check_xsd=True)
    assert name == "factur-x.xml"
    return filename, xml


def test_invoices_go_once_as_facturx_by_smtp_and_are_noted(
        tmp_path: Path, small_sandbox: Path) -> None:
    ca = trustme.CA()
    with smtp_server(ca) as (port, inbox):
        cfg = with_einvoice(make_world(tmp_path, small_sandbox), port, ca)
        first = run_bots(cfg, ("portals",), Trigger.ON_DEMAND)
        assert first.status == RunStatus.OK, first.report.bots[0].errors
        counts = first.report.bots[0].counts
        sent = counts["einvoices_sent"]
        assert sent == counts["einvoices"] > 1 and len(inbox.messages) == sent
        assert counts["notes_written"] == sent
        rates = set()
        for raw in inbox.messages:
            message = message_from_bytes(raw)
            assert message["To"] == "ap@client.example"
            assert message["X-Arbots-Key"].startswith("einvoice-")
            filename, xml = facturx_of(message)
            root = etree.fromstring(xml)
            number = root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=NS)
            assert filename == f"invoice-{number}.pdf" and number in message["Subject"]
            total = Decimal(root.findtext(".//ram:GrandTotalAmount", namespaces=NS))
            basis = Decimal(root.findtext(".//ram:TaxBasisTotalAmount", namespaces=NS))
            tax = Decimal(root.findtext(".//ram:TaxTotalAmount", namespaces=NS))
            assert total == basis + tax > 0
            ubl_name, ubl = attachment(message, "application/xml")  # ubl = true
            assert ubl_name == f"invoice-{number}.xml"
            assert facturx.xml_check_xsd(ubl, flavor="ubl-2.1-invoice") is True
            assert etree.fromstring(ubl).xpath(
                "string(//*[local-name()='PayableAmount'])") == str(total)
            rates |= set(root.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
                                    "/ram:RateApplicablePercent/text()", namespaces=NS))
        assert {"19", "7"} <= rates  # multi-rate invoices among them
        assert len(list((tmp_path / "var" / "outbox").glob("einvoice-*.eml"))) == sent
        with Store(cfg.store_path) as store:
            origins = [json.loads(r["payload"])["origin"] for r in store.writes()
                       if r["kind"] == "einvoice_mail" and r["status"] == "done"]
        with connect(cfg.sap) as sap:
            notes = [n for o in origins for n in sap.read_notes(
                o["company_code"], CUSTOMER, o["document_no"], o["fiscal_year"])]
        assert len(notes) == sent  # one note on each invoice sent
        assert all("Factur-X invoice by e-mail to ap@client.example" in n.lines[0]
                   for n in notes)

        again = run_bots(cfg, ("portals",), Trigger.ON_DEMAND)
        counts = again.report.bots[0].counts
        assert len(inbox.messages) == sent  # nothing twice
        assert counts["einvoices_sent"] == 0 and counts["einvoices_already_sent"] == sent
        assert counts["notes_written"] == 0


def test_an_intent_left_by_a_crash_is_not_mailed_again(
        tmp_path: Path, small_sandbox: Path) -> None:
    ca = trustme.CA()
    with smtp_server(ca) as (port, inbox):
        cfg = with_einvoice(make_world(tmp_path, small_sandbox), port, ca)
        run_bots(cfg, ("portals",), Trigger.ON_DEMAND)
        sent = len(inbox.messages)
        with Store(cfg.store_path) as store:  # as if the process died right after sending
            key = next(r["key"] for r in store.writes() if r["kind"] == "einvoice_mail")
            store.db.execute("UPDATE external_writes SET status = 'intent' WHERE key = ?", (key,))
            store.db.commit()
        rerun = run_bots(cfg, ("portals",), Trigger.ON_DEMAND)
        assert len(inbox.messages) == sent
        waiting = [w for w in rerun.report.bots[0].waiting if key in w.item]
        assert len(waiting) == 1 and "may have been sent" in waiting[0].why


def test_config_refuses_an_unknown_format_and_a_bad_address(tmp_path: Path) -> None:
    for entry, why in (('{ address = "ap@client.example", format = "ubl" }', "not supported"),
                       ('{ address = "nobody" }', "not an e-mail address")):
        file = tmp_path / "site.toml"
        file.write_text(CONFIG.format(sap_extra="") + f'[einvoice.customers]\n"1" = {entry}\n',
                        encoding="utf-8")
        with pytest.raises(ConfigError, match=why):
            einvoice_config(load_config(file, home=tmp_path))
