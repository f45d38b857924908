"""The four postings kept apart as SAP keeps them, transfer postings and closed periods.

Each against the simulator, which is as strict as the ABAP wrapper: residual
(item cleared, new item tied to it), part payment (item stays open, a credit
tied to it), write-off (to a reason code), on account (a credit tied to no
invoice); the refusals; the posting period of OB52.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sap_sandbox import TODAY, sql

from bots.sap import ClearItem, SapBusinessError, SapClient
from bots.sap.posting import TRANSFER, ClearingRequest, OnAccount, PartialPayment, Residual


def _invoice(db: Path, offset: int = 0) -> tuple[str, str, str, str, Decimal]:
    kunnr, belnr, gjahr, buzei, wrbtr = sql(
        db, "SELECT KUNNR, BELNR, GJAHR, BUZEI, WRBTR FROM BSID WHERE BUKRS = '1000' AND "
        "BLART = 'RV' AND WAERS = 'USD' ORDER BY BELNR LIMIT 1 OFFSET ?", offset)[0]
    return kunnr, belnr, gjahr, buzei, Decimal(wrbtr).scaleb(-2)


def _request(ref: str, amount: Decimal, items: tuple = (), **kw: object) -> ClearingRequest:
    return ClearingRequest("1000", "USD", ref, TODAY, TODAY, amount, "113100", items,
                           **kw)  # type: ignore[arg-type]


def _open(db: Path, where: str, *params: object) -> list[tuple]:
    return sql(db, f"SELECT BELNR, BUZEI, SHKZG, WRBTR, REBZG, RSTGR, SGTXT FROM BSID "
                   f"WHERE {where}", *params)


def test_a_part_payment_leaves_the_invoice_open(sandbox_db: Path, client: SapClient) -> None:
    kunnr, belnr, gjahr, buzei, open_amount = _invoice(sandbox_db)
    part = Decimal("40.00")
    result = client.post_clearing(_request("pay-part", part, partials=(
        PartialPayment(kunnr, belnr, gjahr, buzei, part, text="Part payment 4711"),)))
    client.commit()
    assert _open(sandbox_db, "BELNR = ?", belnr)[0][3] == int(open_amount * 100)  # still open
    assert _open(sandbox_db, "BELNR = ?", result.document_no) == [
        (result.document_no, "001", "H", 4000, belnr, "", "Part payment 4711")]
    items = {i.document_no: i.amount for i in client.open_items_of("1000", kunnr, TODAY)}
    assert items[belnr] == open_amount and items[result.document_no] == -part


def test_on_account_is_a_credit_tied_to_no_invoice(sandbox_db: Path, client: SapClient) -> None:
    kunnr, belnr, gjahr, buzei, open_amount = _invoice(sandbox_db)
    extra = Decimal("99.95")
    result = client.post_clearing(_request(
        "pay-over", open_amount + extra, (ClearItem(kunnr, belnr, gjahr, buzei, open_amount),),
        on_account=(OnAccount(kunnr, extra, "Z10", "Overpayment", "ACH 123"),)))
    client.commit()
    assert sql(sandbox_db, "SELECT AUGBL FROM BSAD WHERE BELNR = ?", belnr) == \
        [(result.document_no,)]
    assert _open(sandbox_db, "BELNR = ?", result.document_no) == [
        (result.document_no, "002", "H", 9995, "", "Z10", "Overpayment")]
    assert sql(sandbox_db, "SELECT ZUONR FROM BSID WHERE BELNR = ?", result.document_no) == \
        [("ACH 123",)]


def test_a_whole_payment_on_account(sandbox_db: Path, client: SapClient) -> None:
    kunnr = _invoice(sandbox_db)[0]
    result = client.post_clearing(_request("pay-unapplied", Decimal("10.00"), on_account=(
        OnAccount(kunnr, Decimal("10.00")),)))
    client.commit()
    assert _open(sandbox_db, "BELNR = ?", result.document_no) == [
        (result.document_no, "001", "H", 1000, "", "", "Payment on account")]
    assert sql(sandbox_db, "SELECT count(*) FROM BSAD WHERE BELNR = ?", result.document_no) \
        == [(0,)]  # nothing cleared: no self-cleared payment line


def test_a_write_off_clears_with_its_reason_code(sandbox_db: Path, client: SapClient) -> None:
    kunnr, belnr, gjahr, buzei, open_amount = _invoice(sandbox_db)
    off = Decimal("0.75")
    client.post_clearing(_request("pay-woff", open_amount - off, (
        ClearItem(kunnr, belnr, gjahr, buzei, open_amount - off, write_off=off,
                  reason_code="Z02"),)))
    client.commit()
    assert sql(sandbox_db, "SELECT count(*) FROM BSAD WHERE BELNR = ?", belnr) == [(1,)]
    other = _invoice(sandbox_db)
    with pytest.raises(SapBusinessError) as caught:  # a write-off without a reason code
        client.post_clearing(_request("pay-woff2", other[4] - off, (ClearItem(
            *other[:4], other[4] - off, write_off=off),)))
    assert caught.value.msg_number == "043"
    client.rollback()


def test_residual_part_payment_and_on_account_in_one_payment(sandbox_db: Path,
                                                            client: SapClient) -> None:
    a, b = _invoice(sandbox_db, 0), _invoice(sandbox_db, 1)
    short, part, extra = Decimal("5.00"), Decimal("1.00"), Decimal("2.00")
    request = _request(
        "pay-mixed", a[4] - short + part + extra, (ClearItem(*a[:4], a[4] - short),),
        residuals=(Residual(*a[1:4], short, "051", "Short pay"),),
        partials=(PartialPayment(*b[:4], part),), on_account=(OnAccount(a[0], extra),))
    doc = client.post_clearing(request).document_no
    client.commit()
    rows = _open(sandbox_db, "BELNR = ? ORDER BY BUZEI", doc)
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("002", "S", 500, a[1]), ("003", "H", 100, b[1]), ("004", "H", 200, "")]


@pytest.mark.parametrize(("kind", "number"), [
    ("part_too_big", "047"),  # a part payment reaching the open amount is a clearing
    ("part_and_clear", "046"),  # one item both cleared and part-paid
    ("residual_of_part", "019"),  # residuals belong to cleared items only
    ("unknown_customer", "048"),
    ("unbalanced", "020"),
    ("part_cleared_item", "014"),
])
def test_bad_postings_are_refused_and_write_nothing(sandbox_db: Path, client: SapClient,
                                                    kind: str, number: str) -> None:
    kunnr, belnr, gjahr, buzei, amount = _invoice(sandbox_db)
    part = PartialPayment(kunnr, belnr, gjahr, buzei, Decimal("1.00"))
    clear = ClearItem(kunnr, belnr, gjahr, buzei, amount)
    if kind == "part_cleared_item":
        client.post_clearing(_request("pay-before", amount, (clear,)))
        client.commit()
    request = {
        "part_too_big": lambda: _request("pay-bad", amount, partials=(
            PartialPayment(kunnr, belnr, gjahr, buzei, amount),)),
        "part_and_clear": lambda: _request("pay-bad", amount + 1, (clear,), partials=(part,)),
        "residual_of_part": lambda: _request("pay-bad", Decimal("1.00"), partials=(part,),
                                             residuals=(Residual(belnr, gjahr, buzei,
                                                                 Decimal(1), "051"),)),
        "unknown_customer": lambda: _request("pay-bad", Decimal("1.00"), on_account=(
            OnAccount("0009999999", Decimal("1.00")),)),
        "unbalanced": lambda: _request("pay-bad", Decimal("1.00"), partials=(part,)),
        "part_cleared_item": lambda: _request("pay-bad", Decimal("1.00"), partials=(part,)),
    }
    if kind == "unbalanced":  # the client refuses it before sending; the wrapper too
        with pytest.raises(ValueError, match="do not add up"):
            _request("pay-bad", Decimal("2.00"), partials=(part,))
        result = client.rfc.call("post_clearing", write=True, I_HEADER={
            "BUKRS": "1000", "BUDAT": TODAY, "BLDAT": TODAY, "WAERS": "USD",
            "XBLNR": "pay-bad"}, I_PAYMENT={"WRBTR": Decimal("2.00"), "HKONT": "113100"},
            T_PARTIAL=[{"KUNNR": kunnr, "BELNR": belnr, "GJAHR": gjahr, "BUZEI": buzei,
                        "WRBTR": Decimal("1.00")}])
        assert result["RETURN"][0]["NUMBER"] == number
    else:
        with pytest.raises(SapBusinessError) as caught:
            client.post_clearing(request[kind]())
        assert caught.value.msg_number == number, caught.value.message
    client.rollback()
    assert sql(sandbox_db, "SELECT count(*) FROM BKPF WHERE XBLNR = 'PAY-BAD'") == [(0,)]


def test_a_transfer_posting_applies_cash_on_account_without_a_bank_line(
        sandbox_db: Path, client: SapClient) -> None:
    kunnr, belnr, gjahr, buzei, amount = _invoice(sandbox_db)
    on_account = client.post_clearing(_request("pay-oa", amount + 3, on_account=(
        OnAccount(kunnr, amount + 3),))).document_no
    client.commit()
    applied = client.post_clearing(ClearingRequest(
        "1000", "USD", "apl-1", TODAY, TODAY, Decimal(0), "", (
            ClearItem(kunnr, on_account, "2026", "001", -amount),
            ClearItem(kunnr, belnr, gjahr, buzei, amount)),
        residuals=(Residual(on_account, "2026", "001", Decimal(-3), "Z10", "Left on account"),),
        procedure=TRANSFER)).document_no
    client.commit()
    assert sql(sandbox_db, "SELECT BELNR FROM BSAD WHERE AUGBL = ? ORDER BY BELNR", applied) \
        == sorted([(belnr,), (on_account,)])
    assert _open(sandbox_db, "BELNR = ?", applied) == [
        (applied, "001", "H", 300, on_account, "Z10", "Left on account")]
    with pytest.raises(ValueError, match="no bank line"):
        ClearingRequest("1000", "USD", "apl-2", TODAY, TODAY, Decimal(1), "113100", (
            ClearItem(kunnr, belnr, gjahr, buzei, Decimal(1)),), procedure=TRANSFER)


def test_a_closed_posting_period_is_refused_naming_the_period(sandbox_db: Path,
                                                             client: SapClient) -> None:
    with sqlite3.connect(sandbox_db) as db:  # OB52: only up to October 2026 open
        db.execute("UPDATE T001B SET TOYE1 = '2026', TOPE1 = '010' WHERE BUKRS = '1000'")
    kunnr, belnr, gjahr, buzei, amount = _invoice(sandbox_db)
    with pytest.raises(SapBusinessError) as caught:
        client.post_clearing(_request("pay-closed", amount, (
            ClearItem(kunnr, belnr, gjahr, buzei, amount),)))
    assert caught.value.msg_number == "041"
    assert "Posting period 011 2026 is not open in company code 1000" in str(caught.value)
    client.rollback()
    assert sql(sandbox_db, "SELECT count(*) FROM BSID WHERE BELNR = ?", belnr) == [(1,)]


def test_a_sandbox_from_before_posting_periods_says_how_to_fix_it(sandbox_db: Path,
                                                                   client: SapClient) -> None:
    with sqlite3.connect(sandbox_db) as db:
        db.execute("DROP TABLE T001B")
    kunnr, belnr, gjahr, buzei, amount = _invoice(sandbox_db)
    with pytest.raises(SapBusinessError, match="run `arbots sandbox reset`"):
        client.post_clearing(_request("pay-old", amount, (
            ClearItem(kunnr, belnr, gjahr, buzei, amount),)))
    with pytest.raises(SapBusinessError, match="older arbots"):
        client.reset_clearing("1000", "1400000001", "2026")
