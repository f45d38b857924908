"""Credit holds in the sandbox and the client: blocked orders, KNKK, Z_ARBOTS_CREDIT_RELEASE."""

from __future__ import annotations

from pathlib import Path

import pytest
from sap_sandbox import TODAY, pay_overdue, simulator, sql

from bots.sap import SapClient
from bots.sap.credit import blocked_orders, credit_masters, release_order
from bots.sap.errors import SapBusinessError


def _orders(db: Path) -> dict[str, tuple[str, int, int, int]]:
    """order -> (customer, value, limit, receivables) as seeded."""
    return {v: (k, n, lim, owed) for v, k, n, lim, owed in sql(
        db, "SELECT o.VBELN, o.KUNNR, o.NETWR, m.KLIMK, m.SKFOR FROM VBAK o JOIN KNKK m "
            "ON m.KUNNR = o.KUNNR ORDER BY o.VBELN")}


def test_the_world_has_blocked_orders_some_over_their_limit(sandbox_db: Path) -> None:
    orders = _orders(sandbox_db)
    assert len(orders) >= 3
    assert sql(sandbox_db, "SELECT DISTINCT CMGST FROM VBUK") == [("B",)]
    over = [v for v, (_, value, limit, owed) in orders.items() if owed + value > limit]
    assert over and len(over) < len(orders)


def test_the_client_reads_blocked_orders_and_credit_masters(client: SapClient,
                                                            sandbox_db: Path) -> None:
    orders = blocked_orders(client.tables)
    assert [o.order for o in orders] == sorted(_orders(sandbox_db))
    first = orders[0]
    assert first.currency == "USD" and first.value_minor == _orders(sandbox_db)[first.order][1]
    masters = credit_masters(client.tables, [first.credit_account], "1000", "USD")
    _, _, limit, owed = _orders(sandbox_db)[first.order]
    assert masters[first.credit_account].limit_minor == limit
    assert masters[first.credit_account].exposure_minor == owed


def test_a_refused_recheck_is_raised_with_sap_message(client: SapClient,
                                                      sandbox_db: Path) -> None:
    order = next(iter(_orders(sandbox_db)))
    with pytest.raises(SapBusinessError, match="overdue item") as refused:
        release_order(client.rfc, order, ["arbots: paid"])
    assert (refused.value.msg_class, refused.value.msg_number) == ("ZARBOTS", "064")
    client.rollback()
    assert sql(sandbox_db, "SELECT CMGST FROM VBUK WHERE VBELN = ?", order) == [("B",)]


def test_over_the_limit_is_refused_even_when_nothing_is_overdue(client: SapClient,
                                                                sandbox_db: Path) -> None:
    order, (customer, value, limit, owed) = next(
        (v, o) for v, o in _orders(sandbox_db).items() if o[3] + o[1] > o[2])
    pay_overdue(sandbox_db, customer)
    with pytest.raises(SapBusinessError, match="credit limit exceeded") as refused:
        release_order(client.rfc, order, [])
    assert refused.value.msg_number == "063"


def test_released_once_with_a_note_and_never_twice(client: SapClient,
                                                   sandbox_db: Path) -> None:
    order, (customer, value, *_) = next(
        (v, o) for v, o in _orders(sandbox_db).items() if o[3] + o[1] <= o[2])
    pay_overdue(sandbox_db, customer)
    assert release_order(client.rfc, order, ["x"], testrun=True) is False
    assert sql(sandbox_db, "SELECT CMGST FROM VBUK WHERE VBELN = ?", order) == [("B",)]
    assert release_order(client.rfc, order, ["arbots: released after payment"]) is False
    assert sql(sandbox_db, "SELECT CMGST FROM VBUK WHERE VBELN = ?", order) == [("B",)]
    client.commit()
    assert sql(sandbox_db, "SELECT u.CMGST, k.CMFRE FROM VBUK u JOIN VBAK k USING (VBELN) "
                           "WHERE VBELN = ?", order) == [("D", TODAY.strftime("%Y%m%d"))]
    assert sql(sandbox_db, "SELECT TDLINE FROM ZARBOTS_TEXT WHERE TDOBJECT = 'VBBK' AND "
                           "TDNAME = ?", order) == [("arbots: released after payment",)]
    assert sql(sandbox_db, "SELECT SAUFT FROM KNKK WHERE KUNNR = ?", customer) == [(value,)]
    assert release_order(client.rfc, order, ["again"]) is True  # already released
    client.commit()
    assert sql(sandbox_db, "SELECT count(*) FROM ZARBOTS_TEXT WHERE TDNAME = ?", order) == \
        [(1,)]


def test_an_unknown_order_is_refused(sandbox_db: Path) -> None:
    result = simulator(sandbox_db).call("Z_ARBOTS_CREDIT_RELEASE", I_VBELN="9999999999")
    assert [(m["TYPE"], m["NUMBER"]) for m in result["RETURN"]] == [("E", "060")]
