"""Clearing postings (FB05 semantics): clear, leave residuals, never twice, refuse bad ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sap_sandbox import TODAY, sql

from bots.sap import ClearingRequest, ClearItem, Residual, SapBusinessError, SapClient


def _invoices(db: Path, count: int, customer: str | None = None) -> list[tuple]:
    where = f"AND KUNNR = '{customer}'" if customer else ""
    return sql(db, "SELECT KUNNR, BELNR, GJAHR, BUZEI, WRBTR FROM BSID WHERE BUKRS = '1000' "
               f"AND BLART = 'RV' AND WAERS = 'USD' {where} ORDER BY BELNR LIMIT ?", count)


def _amount(minor: int) -> Decimal:
    return Decimal(minor).scaleb(-2)


def _request(ref: str, items: list[ClearItem], residuals: tuple[Residual, ...] = ()):
    total = sum((i.applied for i in items), Decimal(0))
    return ClearingRequest("1000", "USD", ref, TODAY, TODAY, total, "113100", tuple(items),
                           residuals, header_text="Lockbox 2026-11-24")


def test_full_clearing_moves_items_to_bsad(sandbox_db: Path, client: SapClient) -> None:
    invoices = _invoices(sandbox_db, 2)
    items = [ClearItem(k, b, g, z, _amount(w)) for k, b, g, z, w in invoices]
    result = client.post_clearing(_request("pay-000000000001", items))
    client.commit()
    assert not result.already_posted and result.document_no.startswith("14")
    assert result.messages[0].type == "S"
    for _, belnr, *_ in invoices:
        assert sql(sandbox_db, "SELECT count(*) FROM BSID WHERE BELNR = ?", belnr) == [(0,)]
        assert sql(sandbox_db, "SELECT AUGBL, AUGDT FROM BSAD WHERE BELNR = ?", belnr) == \
            [(result.document_no, "20261124")]
    (header,) = sql(sandbox_db, "SELECT TCODE, BKTXT, WAERS FROM BKPF WHERE BELNR = ? AND "
                    "XBLNR = 'PAY-000000000001'", result.document_no)
    assert header == ("FB05", "Lockbox 2026-11-24", "USD")
    assert client.find_document_by_reference("1000", "pay-000000000001") == result.document_no
    # the header text is no key: BKPF is read by its XBLNR index only, never by BKTXT
    assert client.find_document_by_reference("1000", "Lockbox 2026-11-24") is None
    assert client.find_document_by_reference("2000", "pay-000000000001") is None


def test_discount_and_short_pay_residual(sandbox_db: Path, client: SapClient) -> None:
    ((kunnr, belnr, gjahr, buzei, wrbtr),) = _invoices(sandbox_db, 1)
    open_amount = _amount(wrbtr)
    discount, short = Decimal("10.00"), Decimal("25.50")
    applied = open_amount - discount - short
    result = client.post_clearing(_request(
        "pay-short", [ClearItem(kunnr, belnr, gjahr, buzei, applied, discount)],
        (Residual(belnr, gjahr, buzei, short, "051", "pricing dispute"),)))
    client.commit()
    ((residual_belnr, amount, rstgr, rebzg, shkzg, xblnr),) = sql(
        sandbox_db, "SELECT BELNR, WRBTR, RSTGR, REBZG, SHKZG, XBLNR FROM BSID WHERE "
        "REBZG = ? AND RSTGR = '051' AND BELNR = ?", belnr, result.document_no)
    assert (amount, rstgr, rebzg, shkzg) == (2550, "051", belnr, "S")
    invoice_ref = sql(sandbox_db, "SELECT XBLNR FROM BSAD WHERE BELNR = ?", belnr)[0][0]
    assert xblnr == invoice_ref
    residual_item = [i for i in client.iter_open_items(["1000"], TODAY)
                     if i.document_no == residual_belnr]
    assert [i.amount for i in residual_item] == [short]


def test_the_same_reference_never_posts_twice(sandbox_db: Path, client: SapClient) -> None:
    invoices = _invoices(sandbox_db, 1)
    items = [ClearItem(k, b, g, z, _amount(w)) for k, b, g, z, w in invoices]
    first = client.post_clearing(_request("pay-twice", items))
    client.commit()
    again = client.post_clearing(_request("pay-twice", items))
    client.commit()
    assert again.already_posted and again.document_no == first.document_no
    assert sql(sandbox_db, "SELECT count(*) FROM BKPF WHERE XBLNR = 'PAY-TWICE'") == [(1,)]


def test_an_item_already_cleared_is_refused(sandbox_db: Path, client: SapClient) -> None:
    invoices = _invoices(sandbox_db, 1)
    items = [ClearItem(k, b, g, z, _amount(w)) for k, b, g, z, w in invoices]
    first = client.post_clearing(_request("pay-first", items))
    client.commit()
    with pytest.raises(SapBusinessError) as caught:
        client.post_clearing(_request("pay-second", items))
    assert caught.value.msg_number == "014" and first.document_no in caught.value.message
    client.rollback()
    assert sql(sandbox_db, "SELECT count(*) FROM BKPF WHERE XBLNR = 'PAY-SECOND'") == [(0,)]


@pytest.mark.parametrize(("change", "number"), [
    ({"document_no": "1899999999"}, "015"),  # does not exist
    ({"applied": Decimal("1.00")}, "018"),  # does not balance the open amount
])
def test_bad_clearings_are_refused_and_write_nothing(sandbox_db: Path, client: SapClient,
                                                     change: dict, number: str) -> None:
    ((kunnr, belnr, gjahr, buzei, wrbtr),) = _invoices(sandbox_db, 1)
    values = {"customer": kunnr, "document_no": belnr, "fiscal_year": gjahr,
              "line_item": buzei, "applied": _amount(wrbtr), **change}
    with pytest.raises(SapBusinessError) as caught:
        client.post_clearing(_request("pay-bad", [ClearItem(**values)]))
    assert caught.value.msg_number == number and caught.value.msg_class == "ZARBOTS"
    client.commit()
    assert sql(sandbox_db, "SELECT count(*) FROM BKPF WHERE XBLNR = 'PAY-BAD'") == [(0,)]


def test_request_is_checked_before_it_is_sent() -> None:
    item = ClearItem("0000100001", "1800000001", "2026", "001", Decimal("10.00"))
    with pytest.raises(ValueError, match="1 to 16"):
        _request("x" * 17, [item])
    with pytest.raises(ValueError, match="longer than 25"):
        ClearingRequest("1000", "USD", "pay-x", TODAY, TODAY, Decimal("10.00"), "113100",
                        (item,), header_text="x" * 26)
    with pytest.raises(ValueError, match="more decimals than USD"):
        _request("pay-x", [ClearItem("0000100001", "1800000001", "2026", "001",
                                     Decimal("10.005"))])
    with pytest.raises(ValueError, match="do not add up"):
        ClearingRequest("1000", "USD", "pay-x", TODAY, TODAY, Decimal("9.99"), "113100",
                        (item,))
