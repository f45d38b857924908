"""Resetting a clearing (FBRA) and reversing the payment: invoices open again, once."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sap_sandbox import TODAY, sql

from bots.sap import ClearItem, SapBusinessError, SapClient
from bots.sap.posting import ClearingRequest, Residual


def _pay_two(db: Path, client: SapClient, ref: str = "pay-rst") -> tuple[str, list[str]]:
    rows = sql(db, "SELECT KUNNR, BELNR, GJAHR, BUZEI, WRBTR FROM BSID WHERE BUKRS = '1000' "
                   "AND BLART = 'RV' AND WAERS = 'USD' ORDER BY BELNR LIMIT 2")
    items = [ClearItem(k, b, g, z, Decimal(w).scaleb(-2)) for k, b, g, z, w in rows]
    short = Decimal("1.00")
    items[0] = ClearItem(*rows[0][:4], items[0].applied - short)
    total = sum((i.applied for i in items), Decimal(0))
    doc = client.post_clearing(ClearingRequest(
        "1000", "USD", ref, TODAY, TODAY, total, "113100", tuple(items),
        (Residual(rows[0][1], rows[0][2], rows[0][3], short, "051"),))).document_no
    client.commit()
    return doc, [r[1] for r in rows]


def test_reset_opens_the_invoices_again_once(sandbox_db: Path, client: SapClient) -> None:
    doc, invoices = _pay_two(sandbox_db, client)
    result = client.reset_clearing("1000", doc, "2026")
    client.commit()
    assert not result.already_done and result.reversal == ""
    assert sorted(r[1] for r in result.reopened) == sorted([*invoices, doc])
    for belnr in invoices:
        assert sql(sandbox_db, "SELECT AUGBL FROM BSID WHERE BELNR = ?", belnr) == [("",)]
        assert sql(sandbox_db, "SELECT count(*) FROM BSAD WHERE BELNR = ?", belnr) == [(0,)]
    # the payment's own line is open again: the money is on the account
    assert sql(sandbox_db, "SELECT BUZEI, SHKZG FROM BSID WHERE BELNR = ? ORDER BY BUZEI",
               doc) == [("001", "H"), ("002", "S")]
    again = client.reset_clearing("1000", doc, "2026")
    client.commit()
    assert again.already_done and again.reopened == ()


def test_reset_and_reverse_leaves_nothing_of_the_payment(sandbox_db: Path,
                                                         client: SapClient) -> None:
    doc, invoices = _pay_two(sandbox_db, client)
    result = client.reset_clearing("1000", doc, "2026", reverse=True)
    client.commit()
    assert result.reversal.startswith("14") and result.reversal != doc
    assert sql(sandbox_db, "SELECT count(*) FROM BSID WHERE BELNR = ?", doc) == [(0,)]
    assert sql(sandbox_db, "SELECT BELNR, STBLG, TCODE FROM BKPF WHERE BELNR IN (?, ?) "
                           "ORDER BY BELNR", doc, result.reversal) == [
        (doc, result.reversal, "FB05"), (result.reversal, doc, "FB08")]
    open_now = {i.document_no for i in client.iter_open_items(["1000"], TODAY)}
    assert set(invoices) <= open_now and doc not in open_now
    # the reference is free again, but the caller's ledger keeps it from posting twice
    assert client.find_document_by_reference("1000", "pay-rst") is None
    again = client.reset_clearing("1000", doc, "2026", reverse=True)
    assert again.already_done and again.reversal == result.reversal


def test_reverse_is_refused_while_a_later_clearing_holds_a_residual(
        sandbox_db: Path, client: SapClient) -> None:
    doc, _ = _pay_two(sandbox_db, client)
    ((kunnr, buzei, wrbtr),) = sql(sandbox_db, "SELECT KUNNR, BUZEI, WRBTR FROM BSID WHERE "
                                               "BELNR = ?", doc)
    amount = Decimal(wrbtr).scaleb(-2)
    later = client.post_clearing(ClearingRequest(
        "1000", "USD", "pay-later", TODAY, TODAY, amount, "113100",
        (ClearItem(kunnr, doc, "2026", buzei, amount),))).document_no
    client.commit()
    with pytest.raises(SapBusinessError) as caught:
        client.reset_clearing("1000", doc, "2026", reverse=True)
    assert caught.value.msg_number == "053" and later in caught.value.message
    client.rollback()
    assert sql(sandbox_db, "SELECT STBLG FROM BKPF WHERE BELNR = ?", doc) == [("",)]


def test_reset_refusals(sandbox_db: Path, client: SapClient) -> None:
    with pytest.raises(SapBusinessError) as caught:
        client.reset_clearing("1000", "1499999999", "2026")
    assert caught.value.msg_number == "050"
    client.rollback()
    doc, _ = _pay_two(sandbox_db, client)
    with sqlite3.connect(sandbox_db) as db:
        db.execute("UPDATE T001B SET TOYE1 = '2026', TOPE1 = '010'")
    with pytest.raises(SapBusinessError, match="Posting period 011 2026 is not open"):
        client.reset_clearing("1000", doc, "2026", reverse=True)
    client.rollback()
    assert sql(sandbox_db, "SELECT count(*) FROM BSAD WHERE AUGBL = ?", doc)[0][0] == 3
