"""Cash posting on S/4 by lockbox (API_LOCKBOXPOST_IN), over HTTP on loopback.

The simulator takes a batch at once and posts it later (at the next read of the
open-item cube, unless ``lockbox.hold``); the adapter finds the payment by its
reference once posted, and the batch before that.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from s4_world import NO_WAIT, TODAY, s4_config

from bots.domain import OpenItem
from bots.sandbox.s4 import S4Server, start_s4
from bots.sandbox.sap import SapSimulator
from bots.sap import SapBusinessError, SapClient, SapTechnicalError
from bots.sap.posting import ClearingRequest, ClearItem, OnAccount, PartialPayment, Residual
from bots.sap.s4 import S4Client, connect_s4
from bots.sap.s4.posting import SERVICE, cheque_number

pytestmark = pytest.mark.usefixtures("secrets_env")


@pytest.fixture
def lockbox_s4(own_world: Path) -> Iterator[S4Server]:
    with start_s4(own_world, page_size=100, clock=lambda: TODAY) as server:
        yield server


@pytest.fixture
def adapter(tmp_path: Path, own_world: Path, lockbox_s4: S4Server) -> Iterator[S4Client]:
    cfg = s4_config(tmp_path, own_world, base_url=lockbox_s4.url, auth="oauth")
    with connect_s4(cfg.sap, retry=NO_WAIT) as client:
        yield client


def _open_invoices(db: Path, count: int) -> list[OpenItem]:
    """``count`` open debit items of one customer in company code 1000."""
    with SapClient(SapSimulator(db, clock=lambda: TODAY)) as rfc:
        items = [i for i in rfc.iter_open_items(["1000"], TODAY)
                 if i.amount > 100 and i.currency in ("EUR", "USD")]
    by_customer: dict[str, list[OpenItem]] = {}
    for item in items:
        by_customer.setdefault(item.customer, []).append(item)
    return next(v for v in by_customer.values() if len(v) >= count)[:count]


def _request(reference: str, invoices: list[OpenItem], **extra: object) -> ClearingRequest:
    first = invoices[0]
    kwargs: dict[str, object] = dict(
        company_code="1000", currency=first.currency, reference=reference, doc_date=TODAY,
        posting_date=TODAY, amount=sum((i.amount for i in invoices), Decimal(0)),
        bank_account="113100", payer=first.customer,
        items=tuple(ClearItem(i.customer, i.document_no, i.fiscal_year, i.line_item, i.amount)
                    for i in invoices))
    kwargs.update(extra)
    return ClearingRequest(**kwargs)  # type: ignore[arg-type]


def _fb05_documents(db: Path, reference: str) -> list[str]:
    with sqlite3.connect(db) as con:
        return [row[0] for row in con.execute(
            'SELECT "BELNR" FROM "BKPF" WHERE "XBLNR" = ?', (cheque_number(reference),))]


def test_a_batch_is_posted_later_and_found_by_its_reference(
        adapter: S4Client, lockbox_s4: S4Server, own_world: Path) -> None:
    invoices = _open_invoices(own_world, 2)
    request = _request("pay-0000000a11ce", invoices)
    lockbox_s4.lockbox.hold = True  # the lockbox program has not run yet
    batch = adapter.submit_clearing(request)
    assert batch and adapter.find_submission("1000", request.reference) == batch
    assert adapter.find_document_by_reference("1000", request.reference) is None
    assert all(adapter.is_open("1000", i.document_no, i.fiscal_year) for i in invoices)

    lockbox_s4.lockbox.hold = False  # it runs before the next read of the cube
    document = adapter.find_document_by_reference("1000", request.reference)
    assert document is not None and _fb05_documents(own_world, request.reference) == [document]
    assert not any(adapter.is_open("1000", i.document_no, i.fiscal_year) for i in invoices)
    assert adapter.find_document_by_reference("2000", request.reference) is None


def test_a_batch_sent_twice_posts_twice_so_the_client_looks_first(
        adapter: S4Client, lockbox_s4: S4Server, own_world: Path) -> None:
    """Lockbox checks duplicates by deposit date and time only: the reason for
    check-before-write. The second check of the same invoices cannot be applied
    and waits for post-processing; a different payment would post again."""
    (invoice,) = _open_invoices(own_world, 1)
    request = _request("pay-00000000d0b1", [invoice])
    adapter.submit_clearing(request)
    adapter.submit_clearing(request)  # SAP takes it again
    assert adapter.find_document_by_reference("1000", request.reference) is not None
    assert len(lockbox_s4.lockbox.errors) == 1
    assert f"payment reference {invoice.document_no}: no open item" in \
        lockbox_s4.lockbox.errors[0]


def test_residual_part_payment_and_money_on_account(
        adapter: S4Client, lockbox_s4: S4Server, own_world: Path) -> None:
    first, second = _open_invoices(own_world, 2)
    cut, part = Decimal("10.00"), Decimal("5.00")
    request = _request(
        "pay-00000000beef", [first], amount=first.amount - cut + part + Decimal("7.00"),
        items=(ClearItem(first.customer, first.document_no, first.fiscal_year, first.line_item,
                         first.amount - cut),),
        residuals=(Residual(first.document_no, first.fiscal_year, first.line_item, cut, "051",
                            "Short pay DAMAGED"),),
        partials=(PartialPayment(second.customer, second.document_no, second.fiscal_year,
                                 second.line_item, part),),
        on_account=(OnAccount(first.customer, Decimal("7.00")),))
    adapter.submit_clearing(request)
    assert adapter.find_document_by_reference("1000", request.reference)
    open_now = adapter.open_items_of("1000", first.customer, TODAY)
    assert not adapter.is_open("1000", first.document_no, first.fiscal_year)
    residual = [i for i in open_now if i.amount == cut and i.invoice_ref == first.invoice_ref]
    assert len(residual) == 1  # the residual keeps the invoice's reference
    assert any(i.document_no == second.document_no and i.amount == second.amount
               for i in open_now)  # the part-paid invoice stays open
    credits = sorted(i.amount for i in open_now if i.amount < 0 and
                     i.invoice_ref == cheque_number(request.reference))
    assert credits == [Decimal("-7.00"), -part]


def test_what_a_lockbox_check_cannot_say_is_refused_before_sending(
        adapter: S4Client, lockbox_s4: S4Server, own_world: Path) -> None:
    (invoice,) = _open_invoices(own_world, 1)
    request = _request("pay-00000000f00d", [invoice], amount=invoice.amount - 1, items=(ClearItem(
        invoice.customer, invoice.document_no, invoice.fiscal_year, invoice.line_item,
        invoice.amount - 1, write_off=Decimal(1), reason_code="010"),))
    with pytest.raises(SapBusinessError, match="has a write-off"):
        adapter.submit_clearing(request)
    assert "LockboxBatch" not in lockbox_s4.stats.reads


def _batch(**item: object) -> dict[str, object]:
    check = {"LockboxBatchItem": "1", "Cheque": "C1", "AmountInTransactionCurrency": "10.00",
             "Currency": "EUR", "to_LockboxClearing": {"results": [{
                 "PaymentReference": "1800000001", "NetPaymentAmountInPaytCurrency": "10.00",
                 "Currency": "EUR"}]}}
    check.update(item)
    return {"Lockbox": "ARBOTS", "LockboxBatchOrigin": "ARBOTS",
            "LockboxBatchDestination": "1000", "DepositDateTime": "/Date(1764547200000)/",
            "AmountInTransactionCurrency": "10.00", "to_Item": {"results": [check]}}


@pytest.mark.parametrize(("batch", "message"), [
    (_batch(FiscalYear="2026"), "Property 'FiscalYear' is invalid"),
    (_batch(Cheque=""), "Property 'Cheque' of LockboxBatchItem is mandatory"),
    (_batch(AmountInTransactionCurrency="ten"), "is not an Edm.Decimal"),
    (_batch(AmountInTransactionCurrency="5.00"), "Check C1 is unbalanced"),
    ({**_batch(), "AmountInTransactionCurrency": "11.00"}, "Lockbox batch is unbalanced"),
    ({**_batch(), "LockboxBatchDestination": "9999"}, "destination 9999 is not defined"),
])
def test_the_simulator_is_strict_on_the_batch(adapter: S4Client, lockbox_s4: S4Server,
                                              batch: dict[str, object], message: str) -> None:
    with pytest.raises(SapBusinessError, match=message) as refused:
        adapter.odata.create(SERVICE, "LockboxBatch", batch, what="test batch")
    assert "HTTP 400" in str(refused.value)
    assert lockbox_s4.stats.reads["LockboxBatch"] == 1  # a 4xx is not retried
    assert adapter.find_submission("1000", "C1") is None  # nothing kept


def test_a_5xx_on_the_insert_is_retried_after_a_look(
        adapter: S4Client, lockbox_s4: S4Server, own_world: Path) -> None:
    """A 503 before SAP took the batch: the retry looks, finds nothing, sends it."""
    (invoice,) = _open_invoices(own_world, 1)
    request = _request("pay-000000000503", [invoice])
    # the session's CSRF token first, so that the fault meets the insert itself
    adapter.odata._csrf[SERVICE] = adapter.odata.csrf_token(SERVICE)  # noqa: SLF001
    lockbox_s4.faults.fail(1, status=503)
    batch = adapter.submit_clearing(request)
    assert adapter.find_submission("1000", request.reference) == batch
    assert lockbox_s4.stats.reads["LockboxBatch"] == 1  # the 503 came before the insert


def test_a_lost_answer_is_retried_without_sending_the_batch_again(
        adapter: S4Client, lockbox_s4: S4Server, own_world: Path) -> None:
    """SAP took the batch, the answer was a 504: the retry finds the batch and stops."""
    (invoice,) = _open_invoices(own_world, 1)
    request = _request("pay-000000000504", [invoice])
    lockbox_s4.lockbox.lost_answers = 1
    batch = adapter.submit_clearing(request)
    assert lockbox_s4.stats.reads["LockboxBatch"] == 1
    assert adapter.find_submission("1000", request.reference) == batch
    assert len(_fb05_documents(own_world, request.reference)) == 0  # looked up, not posted
    adapter.find_document_by_reference("1000", request.reference)  # the lockbox program runs
    assert len(_fb05_documents(own_world, request.reference)) == 1


def test_a_service_down_past_the_retry_policy_is_a_technical_error(
        adapter: S4Client, lockbox_s4: S4Server, own_world: Path) -> None:
    (invoice,) = _open_invoices(own_world, 1)
    request = _request("pay-000000000599", [invoice])
    lockbox_s4.faults.fail(50, status=503)
    with pytest.raises(SapTechnicalError, match="HTTP 503"):
        adapter.submit_clearing(request)
    lockbox_s4.faults.fail(0)
    assert "LockboxBatch" not in lockbox_s4.stats.reads
    assert adapter.find_submission("1000", request.reference) is None


def test_cheque_numbers() -> None:
    assert cheque_number("pay-45ae67534b54") == "45AE67534B54"
    assert cheque_number("Lockbox-1") == "LOCKBOX-1"
    with pytest.raises(SapBusinessError, match="longer than a lockbox check number"):
        cheque_number("x" * 20)


def test_a_refused_batch_is_a_business_error_with_sap_s_message_not_retried(
        adapter: S4Client, lockbox_s4: S4Server, own_world: Path) -> None:
    (invoice,) = _open_invoices(own_world, 1)
    request = _request("pay-000000000400", [invoice], company_code="9999")
    with pytest.raises(SapBusinessError, match="HTTP 400: Lockbox destination 9999 is not "
                                               r"defined .*\(FLB/010\)"):
        adapter.submit_clearing(request)
    assert lockbox_s4.stats.reads["LockboxBatch"] == 1
