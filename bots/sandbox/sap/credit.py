"""SD credit management (ECC) in the simulator: credit-blocked orders and their release.

Tables (:mod:`bots.sandbox.sap.ddic`): ``VBAK`` (sales order header: customer,
net value, currency, credit control area ``KKBER`` and credit account
``KNKLI``, release date ``CMFRE``), ``VBUK`` (``CMGST``, the overall credit
status: ``B`` blocked, ``A`` checked and OK, ``D`` released) and ``KNKK``
(credit master per customer and credit control area: limit ``KLIMK``,
receivables ``SKFOR``, special liabilities ``SSOBL``, sales value ``SAUFT``).

Credit exposure as SAP defines it: open receivables + special liabilities +
the sales value of open orders, deliveries and billing documents not yet in
FI. Simplified here: one credit control area ``1000`` in the currency of
company code 1000 (USD, no T014), credit account = customer; the sales value
is the net value of orders whose credit status is ``A`` or ``D`` (blocked
orders do not count until released); ``KNKK-SKFOR`` is the receivables of the
seed and is **not** updated by postings (SAP updates it with every FI posting),
so the re-check computes the receivables from ``BSID`` itself.

``Z_ARBOTS_CREDIT_RELEASE`` (our wrapper, ``bots/sap/abap``; ECC has no BAPI
to release a credit block, VKM1/VKM3 are transactions) re-runs the credit
check and releases: refused (RETURN type E) when the order does not exist
(060) or is not blocked (061), when the logon user may not release in the
order's credit control area (067, ``V_KNKK_FRE`` ``KKBER``), when the exposure
with the order exceeds the limit (063) or when the customer has an item past
its net due date (064, the "oldest open item" check). Released: ``CMGST``
``D``, ``CMFRE`` today, ``SAUFT`` + the order's value, the note lines as
sales-order header text (``VBBK``, the order number, ID ``0001``), message
065. Already released: ``E_EXISTING`` ``X`` and 062, nothing written (a rerun
releases nothing twice). ``I_TESTRUN`` ``X`` only re-checks (066). As the
other wrappers it writes in the caller's LUW: nothing is visible before
``BAPI_TRANSACTION_COMMIT``.

Demo data (:func:`credit_rows`, no random draws so the rest of the world is
unchanged): every customer of company code 1000 has a credit master; every
4th has one or two blocked orders, and every 3rd of those is over its limit.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bots.sandbox.sap.refused import Refused, message
from bots.sandbox.sap.session import Session

CREDIT_AREA = "1000"  # the credit control area of company code 1000
COMPANY_CODE = "1000"
ORDER_EVERY = 4  # every 4th customer of company code 1000 has blocked orders
OVER_LIMIT_EVERY = 3  # every 3rd of those is over its limit
TEXT_OBJECT, TEXT_ID = "VBBK", "0001"


def net_due(row: dict[str, Any]) -> date:
    """SAP's net due date of a BSID row: baseline + ZBD3T, else ZBD2T, else ZBD1T days."""
    baseline = date(int(row["ZFBDT"][:4]), int(row["ZFBDT"][4:6]), int(row["ZFBDT"][6:]))
    days = row["ZBD3T"] or row["ZBD2T"] or row["ZBD1T"]
    return baseline + timedelta(days=int(days))


def _receivables(items: list[dict[str, Any]]) -> dict[str, int]:
    """Open receivables per customer (local currency, minor units) of company code 1000."""
    total: dict[str, int] = defaultdict(int)
    for row in items:
        if row["BUKRS"] == COMPANY_CODE and not row.get("UMSKZ"):
            total[row["KUNNR"]] += row["DMBTR"] if row["SHKZG"] == "S" else -row["DMBTR"]
    return total


def credit_rows(customers: list[str], items: list[dict[str, Any]],
                today: date) -> dict[str, list[dict[str, Any]]]:
    """KNKK, VBAK and VBUK rows for the customers of company code 1000 (stored values)."""
    receivables = _receivables(items)
    knkk, vbak, vbuk = [], [], []
    currency = "USD"
    for n, kunnr in enumerate(customers, start=1):
        owed = max(receivables.get(kunnr, 0), 0)
        orders = []
        if n % ORDER_EVERY == 0:
            orders = [250_000 + 1_000 * n, 900_000 + 5_000 * n][: 1 + (n // ORDER_EVERY) % 2]
        limit = owed + sum(orders) + 500_000  # room for the orders once the money is in
        if orders and (n // ORDER_EVERY) % OVER_LIMIT_EVERY == 0:
            limit = owed // 2  # over the limit even before the orders
        knkk.append({"MANDT": "100", "KUNNR": kunnr, "KKBER": CREDIT_AREA, "KLIMK": limit,
                     "SKFOR": owed, "SSOBL": 0, "SAUFT": 0, "CTLPC": "001"})
        for i, value in enumerate(orders, start=1):
            vbeln = f"{n:08d}{i:02d}"
            vbak.append({"MANDT": "100", "VBELN": vbeln, "ERDAT": f"{today:%Y%m%d}",
                         "AUART": "OR", "VKORG": "1000", "KUNNR": kunnr, "NETWR": value,
                         "WAERK": currency, "KKBER": CREDIT_AREA, "KNKLI": kunnr})
            vbuk.append({"MANDT": "100", "VBELN": vbeln, "CMGST": "B", "GBSTK": "A"})
    return {"KNKK": knkk, "VBAK": vbak, "VBUK": vbuk}


def _order(session: Session, vbeln: str) -> dict[str, Any] | None:
    row = session.db.execute(
        'SELECT k."KUNNR", k."NETWR", k."KKBER", k."KNKLI", u."CMGST" FROM "VBAK" k '
        'JOIN "VBUK" u ON u."VBELN" = k."VBELN" WHERE k."VBELN" = ?', (vbeln,)).fetchone()
    if row is None:
        return None
    return dict(zip(("KUNNR", "NETWR", "KKBER", "KNKLI", "CMGST"), row, strict=True))


def _exposure(session: Session, kunnr: str, area: str) -> tuple[int, int]:
    """(exposure, limit) of credit account ``kunnr``: receivables from BSID, KNKK's rest."""
    master = session.db.execute('SELECT "KLIMK", "SSOBL", "SAUFT" FROM "KNKK" WHERE '
                                '"KUNNR" = ? AND "KKBER" = ?', (kunnr, area)).fetchone()
    limit, special, sales = master or (0, 0, 0)
    (owed,) = session.db.execute(
        'SELECT COALESCE(SUM(CASE "SHKZG" WHEN \'S\' THEN "DMBTR" ELSE -"DMBTR" END), 0) '
        'FROM "BSID" WHERE "BUKRS" = ? AND "KUNNR" = ? AND "UMSKZ" = \'\'',
        (COMPANY_CODE, kunnr)).fetchone()
    return owed + special + sales, limit


def _overdue(session: Session, kunnr: str) -> int:
    """How many debit items of ``kunnr`` are past their net due date."""
    today = session.clock()
    rows = session.db.execute(
        'SELECT "ZFBDT", "ZBD1T", "ZBD2T", "ZBD3T" FROM "BSID" WHERE "BUKRS" = ? AND '
        '"KUNNR" = ? AND "SHKZG" = \'S\' AND "UMSKZ" = \'\'', (COMPANY_CODE, kunnr))
    keys = ("ZFBDT", "ZBD1T", "ZBD2T", "ZBD3T")
    return sum(net_due(dict(zip(keys, r, strict=True))) < today for r in rows)


def _recheck(session: Session, vbeln: str, order: dict[str, Any]) -> None:
    """SAP's credit re-check of a blocked order; raises Refused when it fails."""
    exposure, limit = _exposure(session, order["KNKLI"] or order["KUNNR"], order["KKBER"])
    if exposure + order["NETWR"] > limit:
        amounts = (f"(exposure {Decimal(exposure + order['NETWR']).scaleb(-2)}, "
                   f"limit {Decimal(limit).scaleb(-2)})")
        raise Refused("063", f"Credit re-check of sales order {vbeln} failed: credit limit "
                             f"exceeded {amounts}", vbeln, amounts)
    overdue = _overdue(session, order["KUNNR"])
    if overdue:
        raise Refused("064", f"Credit re-check of sales order {vbeln} failed: customer "
                             f"{order['KUNNR']} has {overdue} overdue item(s)",
                      vbeln, order["KUNNR"], str(overdue))


def _release(session: Session, vbeln: str, order: dict[str, Any],
             lines: list[dict[str, Any]]) -> None:
    session.begin_write()
    session.db.execute('UPDATE "VBUK" SET "CMGST" = \'D\' WHERE "VBELN" = ?', (vbeln,))
    session.db.execute('UPDATE "VBAK" SET "CMFRE" = ? WHERE "VBELN" = ?',
                       (f"{session.clock():%Y%m%d}", vbeln))
    session.db.execute('UPDATE "KNKK" SET "SAUFT" = "SAUFT" + ? WHERE "KUNNR" = ? AND '
                       '"KKBER" = ?', (order["NETWR"], order["KNKLI"] or order["KUNNR"],
                                       order["KKBER"]))
    if lines:
        key = (TEXT_OBJECT, vbeln, TEXT_ID, "E")
        session.text_memory[key] = session.text_memory.get(key, []) + [
            (line["TDFORMAT"], line["TDLINE"]) for line in lines]


def credit_release(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The Z_ARBOTS_CREDIT_RELEASE handler."""
    vbeln = p["I_VBELN"]
    base: dict[str, Any] = {"E_CMGST": "", "E_EXISTING": "", "T_LINES": p["T_LINES"]}
    order = _order(session, vbeln)
    try:
        if order is None:
            raise Refused("060", f"Sales order {vbeln} does not exist", vbeln)
        base["E_CMGST"] = order["CMGST"]
        if order["CMGST"] == "D":
            return {**base, "E_EXISTING": "X", "RETURN": [
                message("S", "062", f"Sales order {vbeln} is already released", vbeln)]}
        if order["CMGST"] != "B":
            raise Refused("061", f"Sales order {vbeln} is not blocked for credit (status "
                                 f"{order['CMGST'] or 'blank'})", vbeln, order["CMGST"])
        if not session.authority.check("V_KNKK_FRE", KKBER=order["KKBER"]):
            raise Refused("067", f"No authorisation to release order {vbeln} in credit "
                                 f"control area {order['KKBER']}", vbeln, order["KKBER"])
        _recheck(session, vbeln, order)
    except Refused as refused:
        return {**base, "RETURN": [refused.as_return()]}
    if p["I_TESTRUN"] == "X":
        return {**base, "RETURN": [message("S", "066", f"Sales order {vbeln} passes the "
                                                       "credit re-check", vbeln)]}
    _release(session, vbeln, order, p["T_LINES"])
    return {**base, "E_CMGST": "D", "RETURN": [
        message("S", "065", f"Sales order {vbeln} released from the credit block", vbeln)]}

