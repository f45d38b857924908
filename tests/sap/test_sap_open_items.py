"""Open items and customers: shifting, signs, due dates, what is left out, both roads agree."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sap_sandbox import TODAY, sql

from bots.sap import SapBusinessError, SapClient

COLS = ("MANDT", "BUKRS", "KUNNR", "GJAHR", "BELNR", "BUZEI", "BUDAT", "BLDAT", "WAERS",
        "XBLNR", "BLART", "SHKZG", "WRBTR", "ZFBDT", "ZBD1T", "ZBD1P", "ZBD2T", "ZBD3T",
        "REBZG", "UMSKZ", "BSTAT", "ZUONR", "AUGDT", "AUGBL")


def _insert(db: Path, table: str, **values: object) -> None:
    row = {"MANDT": "100", "BUKRS": "1000", "KUNNR": "0000100001", "GJAHR": "2026",
           "BUZEI": "001", "BUDAT": "20261001", "BLDAT": "20261001", "WAERS": "USD",
           "BLART": "RV", "SHKZG": "S", "ZFBDT": "20261001", **values}
    names = ", ".join(row)
    with sqlite3.connect(db) as conn:
        conn.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})",
                     list(row.values()))


def _item(sap: SapClient, belnr: str, key_date: date = TODAY):
    found = [i for i in sap.iter_open_items(["1000"], key_date) if i.document_no == belnr]
    return found[0] if found else None


def test_jpy_amounts_are_shifted_by_tcurx(sandbox_db: Path, client: SapClient) -> None:
    _insert(sandbox_db, "BSID", BELNR="1899999001", WAERS="JPY", WRBTR=1500)  # 15.00 stored
    item = _item(client, "1899999001")
    assert item.amount == Decimal("1500") and item.currency == "JPY"
    (bapi,) = [i for i in client.open_items_of("1000", "100001", TODAY)
               if i.document_no == "1899999001"]
    assert bapi.amount == Decimal("1500")


def test_credit_is_negative_and_due_dates_follow_terms(sandbox_db: Path,
                                                       client: SapClient) -> None:
    _insert(sandbox_db, "BSID", BELNR="1899999002", WRBTR=123456, ZBD1T=10, ZBD1P=2000,
            ZBD2T=30, ZUONR="PO-4711", XBLNR="INV-77")
    _insert(sandbox_db, "BSID", BELNR="1699999003", BLART="DG", SHKZG="H", WRBTR=5000,
            ZBD1T=30)
    _insert(sandbox_db, "BSID", BELNR="1699999004", BLART="DG", SHKZG="H", WRBTR=5000,
            ZBD1T=30, REBZG="1899999002")
    invoice = _item(client, "1899999002")
    assert invoice.amount == Decimal("1234.56")
    assert (invoice.invoice_ref, invoice.po_number) == ("INV-77", "PO-4711")
    assert invoice.due_date == date(2026, 10, 31)
    assert invoice.discount_date == date(2026, 10, 11)
    assert invoice.discount_pct == Decimal("2")
    unlinked, linked = _item(client, "1699999003"), _item(client, "1699999004")
    assert unlinked.amount == Decimal("-50.00")
    assert unlinked.due_date == date(2026, 10, 1)  # credit memo without invoice: baseline
    assert linked.due_date == date(2026, 10, 31)


def test_special_gl_noted_and_future_items_are_left_out(sandbox_db: Path,
                                                        client: SapClient) -> None:
    _insert(sandbox_db, "BSID", BELNR="1899999005", UMSKZ="A", WRBTR=100)
    _insert(sandbox_db, "BSID", BELNR="1899999006", UMSKZ="F", BSTAT="S", WRBTR=100)
    _insert(sandbox_db, "BSID", BELNR="1899999007", BUDAT="20261201", WRBTR=100)
    for belnr in ("1899999005", "1899999006", "1899999007"):
        assert _item(client, belnr) is None
    assert not [i for i in client.open_items_of("1000", "100001", TODAY)
                if i.document_no in ("1899999005", "1899999006", "1899999007")]
    assert _item(client, "1899999007", date(2026, 12, 1)) is not None


def test_item_cleared_after_the_key_date_was_open_then(sandbox_db: Path,
                                                       client: SapClient) -> None:
    _insert(sandbox_db, "BSAD", BELNR="1899999008", WRBTR=700, AUGDT="20261110",
            AUGBL="1400099999")
    assert _item(client, "1899999008", date(2026, 11, 9)).amount == Decimal("7.00")
    assert _item(client, "1899999008", date(2026, 11, 10)) is None


def test_bulk_and_bapi_agree_for_every_customer(sandbox_db: Path, client: SapClient) -> None:
    bulk = sorted(client.iter_open_items(["1000", "2000"], TODAY), key=lambda i: i.key)
    via_bapi = sorted((i for cc, kunnr in sql(sandbox_db, "SELECT BUKRS, KUNNR FROM KNB1")
                       for i in client.open_items_of(cc, kunnr, TODAY)), key=lambda i: i.key)
    assert len(bulk) > 350
    assert bulk == via_bapi
    ages = [i.days_past_due(TODAY) for i in bulk]
    assert min(ages) <= 0 and max(ages) > 90  # the aging spread is there
    assert any(i.currency == "JPY" for i in bulk) and any(i.amount < 0 for i in bulk)


def test_unknown_customer_is_a_business_error(client: SapClient) -> None:
    with pytest.raises(SapBusinessError) as caught:
        client.open_items_of("1000", "999999", TODAY)
    assert caught.value.msg_type == "E" and "999999" in caught.value.message


def test_customers_carry_parent_terms_clerk_and_email(client: SapClient) -> None:
    customers = client.customers(["1000"])
    assert len(customers) == 12 and all(c.company_code == "1000" for c in customers)
    first, second = customers[0], customers[1]
    assert first.number == "0000100001" and first.parent == ""
    assert second.parent == "0000100001"
    assert first.payment_terms in ("Z210", "N30", "N45", "N60", "Z115")
    assert first.email.endswith((".example.com", ".example.net")) and first.clerk
    both = client.customers(["1000", "2000"])
    assert len(both) == 12 + 10


def test_items_set_slot_by_slot_equal_items_made_by_openitem() -> None:
    """The bulk read builds OpenItems without calling __init__ per item: only right
    while OpenItem is a slotted dataclass whose __init__ does nothing but set fields."""
    from dataclasses import fields

    from bots.domain import OpenItem
    from bots.sap.open_items import _items

    assert "__slots__" in vars(OpenItem) and not hasattr(OpenItem, "__post_init__"), \
        "OpenItem changed: make bots.sap.open_items._items call OpenItem(...) again"
    rows = [("1000", "0000100001", "1800000001", "2026", "001", "USD", Decimal("12.50"),
             date(2026, 1, 1), date(2026, 1, 31), "INV-1", "PO-1", date(2026, 1, 2),
             date(2026, 1, 1), Decimal("2"), date(2026, 1, 11), "RV", 2, "PO-1", "R", "text"),
            ("2000", "0000100002", "1600000002", "2025", "002", "JPY", Decimal("-1500"),
             date(2025, 5, 1), date(2025, 5, 1), "", "", None, None, None, None, "DG", 0, "",
             "", "")]
    assert len(rows[0]) == len(fields(OpenItem))
    built = _items(*zip(*rows, strict=True))
    assert built == [OpenItem(*row) for row in rows]
    assert [hash(item) for item in built] == [hash(OpenItem(*row)) for row in rows]


def test_an_item_without_a_document_date_is_named(sandbox_db: Path, client: SapClient) -> None:
    _insert(sandbox_db, "BSID", BELNR="1899999009", BLDAT="00000000", WRBTR=100)
    with pytest.raises(SapBusinessError, match="1000 1899999009/2026: item without a document "
                       "date"):
        list(client.iter_open_items(["1000"], TODAY))


def test_the_conversions_remembered_per_read_stay_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bots.sap import open_items

    monkeypatch.setattr(open_items, "MEMO_LIMIT", 2)
    dates = open_items._Memo(open_items.parse_dats)
    assert [dates[t] for t in ("20260101", "20260102", "20260103", "20260101")] == [
        date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3), date(2026, 1, 1)]
    assert len(dates) <= 2
