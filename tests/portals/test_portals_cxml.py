"""cXML InvoiceDetailRequest end to end: the sender against the reference endpoint over HTTP.

The reference portals run on loopback (the Ariba-like one takes ``POST
/cxml``); every test uses its own purchase order and invoice numbers and its
own run store. No function of ours is mocked: documents travel over real
HTTP and the ledger is the real one.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from bots.config import ConfigError, Secret, load_config
from bots.domain import Trigger, quantize
from bots.portals import Outcome, PortalInvoice, PortalSite, portals_config
from bots.portals.cxml import (
    CxmlError,
    invoice_request,
    payload_id,
    read_status,
    redacted,
    to_bytes,
)
from bots.portals.cxml_sender import CxmlSender
from bots.portals.cxml_status import read_pending
from bots.portals.invoice import InvoiceLine
from bots.retry import RetryPolicy
from bots.sandbox.portals import ReferencePortals, start_portals
from bots.sandbox.portals.db import PoLine, PurchaseOrder
from bots.sandbox.portals.launcher import (
    SANDBOX_CXML,
    SANDBOX_SHARED_SECRET,
    point_sites_at,
)
from bots.store import Store

CUSTOMER = "0000100042"
NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
QUICK = RetryPolicy(attempts=3, base_delay=0.0, sleep=lambda _: None)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferencePortals]:
    with start_portals([CUSTOMER], tmp_path_factory.mktemp("portals")) as portals:
        yield portals


@pytest.fixture(autouse=True)
def no_faults_left(world: ReferencePortals) -> Iterator[None]:
    yield
    world.reset_faults()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "arbots.sqlite") as s:
        yield s


def cxml_site(world: ReferencePortals, **changes: object) -> PortalSite:
    site = point_sites_at([PortalSite("buyer-cxml", "cxml", None, "", None)], world)[0]
    return replace(site, **changes)  # type: ignore[arg-type]


def order(world: ReferencePortals, number: str) -> PurchaseOrder:
    """A PO of three lines with units (as SAP's billing lines name them) on the buyer's side."""
    po = PurchaseOrder(number, CUSTOMER, "EUR", "Open", (
        PoLine(1, "Widget A", Decimal(10), Decimal("12.50"), "PCE"),
        PoLine(2, "Installation service", Decimal(8), Decimal("95.00"), "HUR"),
        PoLine(3, "Resin", Decimal("20.5"), Decimal("4.20"), "KGM")))
    world.ariba.app.db.add_purchase_order(po)
    return po


def line(po_line: int, quantity: str, price: str, rate: str, unit: str,
         po_number: str = "") -> InvoiceLine:
    amount = quantize(Decimal(quantity) * Decimal(price), "EUR")
    return InvoiceLine(po_line, Decimal(quantity), Decimal(price), amount, Decimal(rate),
                       quantize(amount * Decimal(rate) / 100, "EUR"), "Standard", f"line {po_line}",
                       unit=unit, tax_code={"19": "AA", "7": "AB"}[rate], po_number=po_number)


def make_invoice(number: str, po: str, *lines: InvoiceLine, **overrides: object
                 ) -> PortalInvoice:
    lines = lines or (line(1, "4", "12.50", "19", "PCE"), line(2, "2", "95.00", "7", "HUR"),
                      line(3, "2.5", "4.20", "19", "KGM"))
    total = sum((ln.amount + ln.tax_amount for ln in lines), Decimal(0))
    fields: dict[str, object] = dict(invoice_no=number, invoice_date=date(2026, 12, 7),
                                     customer=CUSTOMER, portal="buyer-cxml", po_number=po,
                                     currency="EUR", lines=lines, total=total)
    fields.update(overrides)
    return PortalInvoice(**fields)  # type: ignore[arg-type]


def send(store: Store, site: PortalSite, *invoices: PortalInvoice, tmp_path: Path,
         **kwargs: object) -> list:
    run = store.start_run(Trigger.ON_DEMAND, ("portals",))
    sender = CxmlSender([site], ledger=store.ledger(run.id), artifacts_dir=tmp_path / run.id,
                        retry=QUICK, clock=lambda: NOW)
    return sender.submit(list(invoices), **kwargs)  # type: ignore[arg-type]


def write(store: Store, invoice: PortalInvoice) -> dict:
    rows = [dict(r) for r in store.writes()
            if r["key"] == invoice.submission.idempotency_key]
    assert len(rows) == 1
    return rows[0]


# --------------------------------------------------------------------------- the document


def test_the_document_carries_every_line_per_po_with_units_tax_and_summary() -> None:
    invoice = make_invoice("CX-DOC-1", "PO-A", line(1, "4", "12.50", "19", "PCE"),
                           line(2, "2", "95.00", "7", "HUR"),
                           line(5, "1", "30.00", "19", "PCE", po_number="PO-B"))
    root = SafeET.fromstring(to_bytes(invoice_request(invoice, SANDBOX_CXML, "s3cret",
                                                      now=NOW)),
                             forbid_dtd=False)
    assert root.get("payloadID") == payload_id(invoice)
    assert root.get("timestamp") == "2026-12-07T09:30:00+00:00"
    assert root.findtext("Header/Sender/Credential/SharedSecret") == "s3cret"
    request = root.find("Request/InvoiceDetailRequest")
    assert [child.tag for child in request] == [
        "InvoiceDetailRequestHeader", "InvoiceDetailOrder", "InvoiceDetailOrder",
        "InvoiceDetailSummary"]
    orders = request.findall("InvoiceDetailOrder")
    assert [o.find("InvoiceDetailOrderInfo/OrderIDInfo").get("orderID") for o in orders] == [
        "PO-A", "PO-B"]
    items = [i for o in orders for i in o.findall("InvoiceDetailItem")]
    assert [(i.get("invoiceLineNumber"), i.find("InvoiceDetailItemReference").get("lineNumber"),
             i.get("quantity"), i.findtext("UnitOfMeasure")) for i in items] == [
        ("1", "1", "4", "PCE"), ("2", "2", "2", "HUR"), ("3", "5", "1", "PCE")]
    assert items[1].find("Tax/TaxDetail").get("percentageRate") == "7"
    assert items[1].findtext("Tax/Money") == "13.30"
    summary = request.find("InvoiceDetailSummary")
    assert summary.findtext("SubtotalAmount/Money") == "270.00"
    assert {d.get("percentageRate"): d.findtext("TaxAmount/Money")
            for d in summary.findall("Tax/TaxDetail")} == {"19": "15.20", "7": "13.30"}
    assert summary.findtext("DueAmount/Money") == str(invoice.total) == "298.50"


def test_the_payload_id_is_the_same_for_the_same_submission() -> None:
    a = make_invoice("CX-ID-1", "PO-A")
    assert payload_id(a) == payload_id(make_invoice("CX-ID-1", "PO-A"))
    assert payload_id(a) != payload_id(make_invoice("CX-ID-2", "PO-A"))


def test_the_written_document_has_the_shared_secret_redacted(world: ReferencePortals,
                                                             store: Store,
                                                             tmp_path: Path) -> None:
    order(world, "PO-CX-RED")
    invoice = make_invoice("CX-RED-1", "PO-CX-RED")
    [result] = send(store, cxml_site(world), invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.SUBMITTED, result.message
    [document] = result.traces
    text = document.read_text()
    assert SANDBOX_SHARED_SECRET not in text and "<SharedSecret>***</SharedSecret>" in text
    assert "CX-RED-1" in text and 'quantity="2.5"' in text


# --------------------------------------------------------------------------- over HTTP


def test_an_invoice_is_accepted_stored_with_its_lines_and_recorded_done(
        world: ReferencePortals, store: Store, tmp_path: Path) -> None:
    order(world, "PO-CX-OK")
    invoice = make_invoice("CX-OK-1", "PO-CX-OK")
    [result] = send(store, cxml_site(world), invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.SUBMITTED and result.attempts == 1
    assert result.portal_status.startswith("200 OK: Invoice CX-OK-1 received as CX-")
    [held] = world.ariba.invoices("CX-OK-1")
    assert held.total == invoice.total and held.po == "PO-CX-OK"
    assert world.ariba.app.db.invoiced_quantities("PO-CX-OK") == {
        1: Decimal(4), 2: Decimal(2), 3: Decimal("2.5")}
    row = write(store, invoice)
    assert row["status"] == "done" and payload_id(invoice) in row["result"]


def test_an_invoice_over_two_pos_goes_as_two_orders_and_counts_on_each(
        world: ReferencePortals, store: Store, tmp_path: Path) -> None:
    order(world, "PO-CX-TWO-A")
    order(world, "PO-CX-TWO-B")
    invoice = make_invoice("CX-TWO-1", "PO-CX-TWO-A", line(1, "3", "12.50", "19", "PCE"),
                           line(2, "1", "95.00", "7", "HUR", po_number="PO-CX-TWO-B"))
    [result] = send(store, cxml_site(world), invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.SUBMITTED, result.message
    db = world.ariba.app.db
    assert db.invoiced_quantities("PO-CX-TWO-A") == {1: Decimal(3)}
    assert db.invoiced_quantities("PO-CX-TWO-B") == {2: Decimal(1)}
    assert sum(i.total for i in world.ariba.invoices("CX-TWO-1")) == invoice.total


def test_the_ledger_is_checked_before_sending(world: ReferencePortals, store: Store,
                                              tmp_path: Path) -> None:
    order(world, "PO-CX-LED")
    invoice = make_invoice("CX-LED-1", "PO-CX-LED")
    send(store, cxml_site(world), invoice, tmp_path=tmp_path)
    world.ariba.faults.fail_request(1, "/cxml")  # would fail, were anything sent
    [again] = send(store, cxml_site(world), invoice, tmp_path=tmp_path)
    assert again.outcome == Outcome.DUPLICATE and "write ledger" in again.message
    assert len(world.ariba.invoices("CX-LED-1")) == 1


def test_the_buyers_duplicate_refusal_counts_as_done(world: ReferencePortals, store: Store,
                                                     tmp_path: Path) -> None:
    order(world, "PO-CX-DUP")
    invoice = make_invoice("CX-DUP-1", "PO-CX-DUP", line(1, "1", "12.50", "19", "PCE"))
    with Store(tmp_path / "elsewhere.sqlite") as elsewhere:  # keyed in by someone else
        send(elsewhere, cxml_site(world), invoice, tmp_path=tmp_path)
    [result] = send(store, cxml_site(world), invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.DUPLICATE
    assert "409 Conflict: Duplicate invoice: invoiceID CX-DUP-1" in result.message
    assert write(store, invoice)["status"] == "done"
    assert len(world.ariba.invoices("CX-DUP-1")) == 1


def test_a_lost_answer_is_retried_and_the_duplicate_refusal_is_ours(
        world: ReferencePortals, store: Store, tmp_path: Path) -> None:
    order(world, "PO-CX-LOST")
    invoice = make_invoice("CX-LOST-1", "PO-CX-LOST")
    world.ariba.faults.lose_submit_response()  # stored, then HTTP 500
    [result] = send(store, cxml_site(world), invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.SUBMITTED and result.attempts == 2
    assert "sent by an earlier attempt" in result.message
    assert len(world.ariba.invoices("CX-LOST-1")) == 1
    assert write(store, invoice)["status"] == "done"


def test_a_pending_intent_of_a_crashed_run_is_sent_again_and_settled(
        world: ReferencePortals, store: Store, tmp_path: Path) -> None:
    order(world, "PO-CX-CRASH")
    invoice = make_invoice("CX-CRASH-1", "PO-CX-CRASH")
    crashed = store.start_run(Trigger.ON_DEMAND, ("portals",))
    site = cxml_site(world)
    assert site.cxml is not None
    store.ledger(crashed.id).begin("portal_submission", invoice.submission.idempotency_key,
                                   f"{site.name}:{CUSTOMER}", invoice.summary())
    body = to_bytes(invoice_request(invoice, site.cxml, SANDBOX_SHARED_SECRET, now=NOW))
    post = urllib.request.Request(site.base_url or "", data=body, method="POST",
                                  headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(post, timeout=10) as answer:  # sent, then the run died
        assert read_status(answer.read()).code == 200
    [result] = send(store, site, invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.SUBMITTED and "earlier attempt" in result.message
    assert write(store, invoice)["status"] == "done"


def test_a_server_error_is_retried(world: ReferencePortals, store: Store,
                                   tmp_path: Path) -> None:
    order(world, "PO-CX-500")
    invoice = make_invoice("CX-500-1", "PO-CX-500")
    world.ariba.faults.fail_request(1, "/cxml")
    [result] = send(store, cxml_site(world), invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.SUBMITTED and result.attempts == 2


def test_an_endpoint_that_never_answers_leaves_the_intent_pending(
        store: Store, tmp_path: Path, world: ReferencePortals) -> None:
    site = cxml_site(world, base_url="http://127.0.0.1:9/cxml", timeout_ms=500)
    invoice = make_invoice("CX-DOWN-1", "PO-NONE")
    [result] = send(store, site, invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.FAILED and result.attempts == 3
    assert write(store, invoice)["status"] == "intent"


@pytest.mark.parametrize(("case", "code", "words"), [
    ("wrong secret", 401, "Authentication failed"),
    ("unknown PO", 400, "Unknown purchase order 'PO-CX-NOPE'"),
    ("no such PO line", 400, "PO PO-CX-BAD has no line '7'"),
    ("wrong unit", 400, "unit 'EA' differs from PO line 1's 'PCE'"),
    ("over the PO", 400, "quantity 11 exceeds the 10 remaining"),
    ("wrong price", 400, "unit price 13.00 differs from PO line 1's 12.50"),
])
def test_the_buyer_refuses_what_a_buyer_network_refuses(
        world: ReferencePortals, store: Store, tmp_path: Path, case: str, code: int,
        words: str) -> None:
    order(world, "PO-CX-BAD")
    number = f"CX-BAD-{case.replace(' ', '-')}"
    site = cxml_site(world)
    invoice = {
        "wrong secret": lambda: make_invoice(number, "PO-CX-BAD"),
        "unknown PO": lambda: make_invoice(number, "PO-CX-NOPE"),
        "no such PO line": lambda: make_invoice(number, "PO-CX-BAD",
                                                line(7, "1", "12.50", "19", "PCE")),
        "wrong unit": lambda: make_invoice(number, "PO-CX-BAD",
                                           line(1, "1", "12.50", "19", "EA")),
        "over the PO": lambda: make_invoice(number, "PO-CX-BAD",
                                            line(1, "11", "12.50", "19", "PCE")),
        "wrong price": lambda: make_invoice(number, "PO-CX-BAD",
                                            line(1, "1", "13.00", "19", "PCE")),
    }[case]()
    if case == "wrong secret":
        site = cxml_site(world, shared_secret=Secret.literal("guessed"))
    [result] = send(store, site, invoice, tmp_path=tmp_path)
    assert result.outcome == Outcome.REJECTED
    assert result.message.startswith(f"refused by the buyer: {code} ")
    assert words in result.message
    row = write(store, invoice)
    assert row["status"] == "failed" and words in row["error"]
    assert world.ariba.invoices(number) == []
    assert "guessed" not in result.traces[0].read_text()


def test_the_endpoint_checks_that_amounts_add_up(world: ReferencePortals) -> None:
    order(world, "PO-CX-SUM")
    site = cxml_site(world)
    assert site.cxml is not None
    root = invoice_request(make_invoice("CX-SUM-1", "PO-CX-SUM"), site.cxml,
                           SANDBOX_SHARED_SECRET, now=NOW)
    root.find(".//InvoiceDetailSummary/GrossAmount/Money").text = "1.00"
    post = urllib.request.Request(site.base_url or "", data=to_bytes(root), method="POST",
                                  headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(post, timeout=10) as answer:
        status = read_status(answer.read())
    assert (status.code, status.text) == (400, "Bad Request")
    assert "summary gross 1.00 is not subtotal + tax + charges" in status.message


def test_redaction_keeps_everything_but_the_secret() -> None:
    root = invoice_request(make_invoice("CX-R-1", "PO-A"), SANDBOX_CXML, "top-secret",
                           now=NOW)
    clean = redacted(root)
    assert b"top-secret" not in clean
    assert clean.replace(b"***", b"top-secret") == to_bytes(root)


# --------------------------------------------------------------------------- configuration


def test_a_cxml_site_is_configured_with_identities_and_a_secret_reference(
        tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text('[sap]\nmode = "rfc"\n[sap.connection]\nashost = "h"\nclient = "100"\n'
                    '[portals.sites.globex]\nfamily = "cxml"\n'
                    'base_url = "https://buyer.example/cxml"\nfrom_identity = "AN0100"\n'
                    'to_identity = "AN0200"\n'
                    'shared_secret = { env = "ARBOTS_TEST_CXML_SECRET" }\n')
    site = portals_config(load_config(path)).sites["globex"]
    assert site.is_cxml and site.cxml is not None
    assert (site.cxml.from_identity, site.cxml.sender_identity, site.cxml.to_domain) == (
        "AN0100", "AN0100", "NetworkID")
    assert site.shared_secret is not None and site.shared_secret.env == \
        "ARBOTS_TEST_CXML_SECRET"
    path.write_text(path.read_text().replace('shared_secret = { env = '
                                             '"ARBOTS_TEST_CXML_SECRET" }\n', ""))
    with pytest.raises(ConfigError, match=r"portals.sites.globex.shared_secret: is required"):
        portals_config(load_config(path))


# --------------------------------------------------------------------------- later decisions


def sender_for(site: PortalSite, store: Store, tmp_path: Path) -> CxmlSender:
    return CxmlSender([site], ledger=None, artifacts_dir=tmp_path, retry=QUICK)


def test_the_buyer_decides_later_and_says_so_in_status_update_requests(
        world: ReferencePortals, store: Store, tmp_path: Path) -> None:
    order(world, "PO-CX-SU")
    today = datetime.now(UTC).date()
    fresh = make_invoice("CX-SU-OK", "PO-CX-SU", line(1, "1", "12.50", "19", "PCE"),
                         invoice_date=today)
    late = make_invoice("CX-SU-LATE", "PO-CX-SU", line(1, "1", "12.50", "19", "PCE"),
                        invoice_date=today - timedelta(days=5))
    site = cxml_site(world)
    results = send(store, site, fresh, late, tmp_path=tmp_path)
    assert [r.outcome for r in results] == [Outcome.SUBMITTED] * 2  # accepted at once
    answered = {json.loads(row["result"])["answered_at"] for row in store.writes()}
    assert len(answered) == 2 and all(answered)  # the buyer's own clock, kept

    updates = {u.invoice_id: u for u in sender_for(site, store, tmp_path).status_updates(
        site, since=min(datetime.fromisoformat(a) for a in answered))}
    assert updates["CX-SU-OK"].state == "reconciled" and updates["CX-SU-OK"].approved
    assert updates["CX-SU-LATE"].rejected
    assert "more than 2 days in the past" in updates["CX-SU-LATE"].words
    last = max(datetime.fromisoformat(u.timestamp) for u in updates.values())
    later = sender_for(site, store, tmp_path).status_updates(
        site, since=last + timedelta(milliseconds=1))
    assert not {"CX-SU-OK", "CX-SU-LATE"} & {u.invoice_id for u in later}


def test_a_pending_request_with_a_wrong_secret_is_refused_with_the_buyers_words(
        world: ReferencePortals, store: Store, tmp_path: Path) -> None:
    site = cxml_site(world, shared_secret=Secret.literal("guessed"))
    with pytest.raises(CxmlError, match="401 Unauthorized: Authentication failed"):
        sender_for(site, store, tmp_path).status_updates(site, since=None)


def test_a_pending_request_is_retried_on_a_server_error(world: ReferencePortals,
                                                        store: Store, tmp_path: Path) -> None:
    site = cxml_site(world)
    world.ariba.faults.fail_request(1, "/cxml")
    assert isinstance(sender_for(site, store, tmp_path).status_updates(site, since=None), list)


def test_status_updates_are_read_from_a_buyers_get_pending_response() -> None:
    message = ('<cXML payloadID="m{n}@buyer" timestamp="2026-12-07T10:00:0{n}+01:00">'
               '<Header/><Request><StatusUpdateRequest>'
               '<DocumentReference payloadID="doc{n}@arbots.invalid"/>{body}'
               '</StatusUpdateRequest></Request></cXML>')
    body = ('<?xml version="1.0"?><cXML payloadID="r@buyer" timestamp="2026-12-07T10:00:09">'
            '<Response><Status code="200" text="OK"/><GetPendingResponse>'
            + message.format(n=1, body='<Status code="200" text="OK"/><InvoiceStatus '
                             'type="Paid"><InvoiceIDInfo invoiceID="INV-1"/></InvoiceStatus>')
            + message.format(n=2, body='<Status code="406" text="Not Acceptable">tax code '
                             'missing</Status><InvoiceStatus type=""><InvoiceIDInfo '
                             'invoiceID="INV-2"/><Comments xml:lang="en">Line 2: tax</Comments>'
                             '</InvoiceStatus>')
            + message.format(n=3, body='<Status code="200" text="OK"/>')  # names no invoice
            + '</GetPendingResponse></Response></cXML>')
    status, updates = read_pending(body.encode())
    assert status.ok
    assert [(u.invoice_id, u.state, u.document_payload_id) for u in updates] == [
        ("INV-1", "paid", "doc1@arbots.invalid"), ("INV-2", "rejected", "doc2@arbots.invalid")]
    assert updates[0].approved and updates[1].rejected
    assert updates[1].words == "406 Not Acceptable: tax code missing; Line 2: tax"
    assert updates[1].timestamp == "2026-12-07T10:00:02+01:00"


# --------------------------------------------------------------------------- the DTD

DTD_ENV = "ARBOTS_CXML_DTD"


@pytest.mark.skipif(not os.environ.get(DTD_ENV), reason=(
    f"set {DTD_ENV} to a local cXML InvoiceDetail.dtd (1.2.014 or later): the DTD is not "
    "vendored: its licence (cxml.org/license.html) allows copies of the unmodified DTDs "
    "only with the licence text attached, and neither could be fetched from here"))
def test_the_document_is_valid_against_the_invoice_detail_dtd() -> None:
    etree = pytest.importorskip("lxml.etree")
    dtd = etree.DTD(os.environ[DTD_ENV])
    document = etree.fromstring(to_bytes(invoice_request(
        make_invoice("CX-DTD-1", "PO-A"), SANDBOX_CXML, "s3cret", now=NOW)))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()


# --------------------------------------------------------------------------- the CLI


def test_cli_submits_demo_invoices_to_a_cxml_buyer_without_a_browser(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from bots.cli import main

    monkeypatch.setenv("ARBOTS_HOME", str(tmp_path))
    config = tmp_path / "site.toml"
    config.write_text('[store]\npath = "var/arbots.sqlite"\nruns_dir = "var/runs"\n'
                      '[sap]\nmode = "sandbox"\nsandbox_db = "var/sandbox/sap.sqlite"\n'
                      '[portals.sites.buyer-cxml]\nfamily = "cxml"\n'
                      f'[portals.customers]\n"{CUSTOMER}" = "buyer-cxml"\n')
    result = CliRunner().invoke(main, ["portals", "submit", "--portal", "buyer-cxml",
                                       "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if not ln.startswith(" ")]
    assert len(lines) == 3  # the three open demo POs of the customer
    assert all(": submitted " in ln and "200 OK" in ln for ln in lines), lines
    assert all(ln.startswith("DEMO-AR-100042-0") for ln in lines)

