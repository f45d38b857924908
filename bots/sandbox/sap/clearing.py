"""``Z_ARBOTS_POST_CLEARING`` in the simulator: an incoming payment with clearing (FB05).

What the shipped ABAP wrapper does (``bots/sap/abap/z_arbots_post_clearing.abap``):

1. A document of the company code whose reference (``XBLNR``) is the call's
   idempotency key, and which is not reversed, already exists: return it
   with ``E_EXISTING = 'X'`` and post nothing.
2. Check every item to clear (customer, document, year, line: FB05 selects
   open items per account): it must be open in BSID (an item in BSAD is
   "already cleared by document ...", one in neither "does not exist"),
   in the header currency; per item the amount applied + discount + its
   residuals must equal the open amount (signed: credits negative), and the
   amounts applied must add up to the payment. Any failure: RETURN type E,
   nothing written.
3. Post: a BKPF header (``TCODE = 'FB05'``, the next number of range 14),
   the customer's payment line and every cleared item in BSAD with
   ``AUGBL``/``AUGDT``, and one new open item in BSID per residual, with its
   reason code (``RSTGR``), linked to the invoice (``REBZG``/``REBZJ``/
   ``REBZZ``) and keeping the invoice's reference, assignment and terms.

Amounts in the interface are external; TCURX decides the decimals. Writes
stay in the session's LUW until ``BAPI_TRANSACTION_COMMIT``. (On a real
system FB05, run by the posting interface, commits its own document; the
simulator is stricter, and the caller commits in both cases. The reference
check of step 1 is what makes reruns safe on both.) Discounts are checked
but not posted to a G/L account here (the sandbox has no G/L tables).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bots.sandbox.sap.ddic import TABLES
from bots.sandbox.sap.interfaces import complete
from bots.sandbox.sap.session import Session

_ITEM_COLUMNS = [f.name for f in TABLES["BSID"]]
# An item by company code, customer (the primary key's prefix) and document line.
_DOC = '"BUKRS" = ? AND "KUNNR" = ? AND "BELNR" = ? AND "GJAHR" = ? AND "BUZEI" = ?'


class Refused(Exception):
    """A check failed: becomes one RETURN message of type E."""

    def __init__(self, number: str, message: str, *values: str) -> None:
        super().__init__(message)
        self.number, self.message, self.values = number, message, values


def _message(kind: str, number: str, message: str, *values: str) -> dict[str, Any]:
    fields = {f"MESSAGE_V{i}": v for i, v in enumerate(values[:4], start=1)}
    return complete("BAPIRET2", {"TYPE": kind, "ID": "ZARBOTS", "NUMBER": number,
                                 "MESSAGE": message, **fields})


def post_clearing(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The Z_ARBOTS_POST_CLEARING handler.

    The write lock is taken *before* the reference check, so that the check
    and the posting are one atomic step: of two sessions posting one
    reference at once, the second waits for the first's commit and then finds
    its document (the ABAP's lock object on company code + reference). A call
    that posts nothing releases the lock again unless its LUW already held it.
    """
    header = p["I_HEADER"]
    had_luw = session.in_luw
    session.begin_write()
    existing = session.db.execute(
        'SELECT "BELNR", "GJAHR" FROM "BKPF" WHERE "BUKRS" = ? AND "XBLNR" = ? '
        "AND \"STBLG\" = '' ORDER BY \"GJAHR\", \"BELNR\"",
        (header["BUKRS"], header["XBLNR"])).fetchone()
    if existing and header["XBLNR"]:
        if not had_luw:
            session.rollback()
        return _result(existing[0], existing[1], "X", _message(
            "W", "002", f"Reference {header['XBLNR']} already posted as document "
            f"{existing[0]} {existing[1]}", header["XBLNR"], existing[0], existing[1]))
    try:
        plan = _check(session, p)
    except Refused as refused:
        if not had_luw:
            session.rollback()
        return _result("", "0000", "", _message("E", refused.number, refused.message,
                                                *refused.values))
    belnr, gjahr = _post(session, p, plan)
    return _result(belnr, gjahr, "", _message(
        "S", "001", f"Document {belnr} was posted in company code {header['BUKRS']}",
        belnr, header["BUKRS"], gjahr))


def _result(belnr: str, gjahr: str, existing: str, message: dict[str, Any]) -> dict[str, Any]:
    return {"E_BELNR": belnr, "E_GJAHR": gjahr, "E_EXISTING": existing, "RETURN": [message],
            "T_CLEAR": [], "T_RESIDUAL": []}


def _minor(session: Session, amount: Decimal, currency: str, what: str) -> int:
    """External ``amount`` in minor units (= the stored integer of a CURR field)."""
    scaled = amount.scaleb(session.currency_decimals(currency))
    if scaled != scaled.to_integral_value():
        raise Refused("013", f"{what}: {amount} has more decimals than {currency} allows",
                      str(amount), currency)
    return int(scaled)


def _signed(row: dict[str, Any]) -> int:
    return -row["WRBTR"] if row["SHKZG"] == "H" else row["WRBTR"]


def _check(session: Session, p: dict[str, Any]) -> list[tuple[dict[str, Any], int]]:
    """The rows to clear with their residuals' total, or Refused."""
    header, db = p["I_HEADER"], session.db
    bukrs, currency = header["BUKRS"], header["WAERS"]
    if not header["XBLNR"]:
        raise Refused("010", "The reference (XBLNR, the idempotency key) is required")
    if not p["T_CLEAR"]:
        raise Refused("011", "No items to clear")
    columns = ", ".join(f'"{c}"' for c in _ITEM_COLUMNS)
    residuals: dict[tuple[str, str, str], int] = {}
    for r in p["T_RESIDUAL"]:
        key = (r["BELNR"], r["GJAHR"], r["BUZEI"])
        residuals[key] = residuals.get(key, 0) + _minor(session, r["WRBTR"], currency,
                                                        f"residual of {r['BELNR']}")
    plan, applied_total, seen = [], 0, set()
    for item in p["T_CLEAR"]:
        key = (item["BELNR"], item["GJAHR"], item["BUZEI"])
        label = f"{item['BELNR']}/{item['GJAHR']}/{item['BUZEI']}"
        if key in seen:
            raise Refused("012", f"Item {label} is listed twice", label)
        seen.add(key)
        where = (bukrs, item["KUNNR"], *key)
        found = db.execute(f'SELECT {columns} FROM "BSID" WHERE {_DOC}', where)
        row = found.fetchone()
        if row is None:
            cleared = db.execute(f'SELECT "AUGBL" FROM "BSAD" WHERE {_DOC}',
                                 where).fetchone()
            if cleared:
                raise Refused("014", f"Item {label} is already cleared by document "
                                     f"{cleared[0]}", label, cleared[0])
            raise Refused("015", f"Item {label} does not exist in company code {bukrs}",
                          label, bukrs)
        open_item = dict(zip(_ITEM_COLUMNS, row, strict=True))
        if open_item["UMSKZ"]:
            raise Refused("016", f"Item {label} is a special G/L item", label)
        if open_item["WAERS"] != currency:
            raise Refused("017", f"Item {label} is in {open_item['WAERS']}, the payment in "
                                 f"{currency}", label, open_item["WAERS"], currency)
        applied = _minor(session, item["WRBTR"], currency, f"amount applied to {label}")
        discount = _minor(session, item["WSKTO"], currency, f"discount on {label}")
        residual = residuals.pop(key, 0)
        if applied + discount + residual != _signed(open_item):
            raise Refused("018", f"Item {label}: applied + discount + residual do not equal "
                                 "the open amount", label)
        applied_total += applied
        plan.append((open_item, residual))
    if residuals:
        label = "/".join(next(iter(residuals)))
        raise Refused("019", f"Residual for {label}, which is not among the items cleared",
                      label)
    payment = _minor(session, p["I_PAYMENT"]["WRBTR"], currency, "payment")
    if applied_total != payment:
        raise Refused("020", f"Payment {p['I_PAYMENT']['WRBTR']} does not balance the "
                             "amounts applied", str(p["I_PAYMENT"]["WRBTR"]))
    return plan


def _next_number(session: Session, bukrs: str, gjahr: str) -> str:
    (last,) = session.db.execute(
        "SELECT max(\"BELNR\") FROM \"BKPF\" WHERE \"BUKRS\" = ? AND \"GJAHR\" = ? "
        "AND \"BELNR\" GLOB '14[0-9]*'", (bukrs, gjahr)).fetchone()
    return str(int(last) + 1) if last else "1400000001"


def _insert(session: Session, table: str, row: dict[str, Any]) -> None:
    names = ", ".join(f'"{k}"' for k in row)
    marks = ", ".join("?" for _ in row)
    session.db.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(row.values()))


def _post(session: Session, p: dict[str, Any],
          plan: list[tuple[dict[str, Any], int]]) -> tuple[str, str]:
    header, payment = p["I_HEADER"], p["I_PAYMENT"]
    bukrs, budat = header["BUKRS"], header["BUDAT"]
    gjahr, today = budat[:4], session.clock().strftime("%Y%m%d")
    belnr = _next_number(session, bukrs, gjahr)
    common = {"MANDT": "100", "BUKRS": bukrs, "BELNR": belnr, "GJAHR": gjahr,
              "BLART": header["BLART"] or "DZ", "BLDAT": header["BLDAT"], "BUDAT": budat,
              "MONAT": budat[4:6], "CPUDT": today, "WAERS": header["WAERS"]}
    _insert(session, "BKPF", {**common, "USNAM": session.user, "TCODE": "FB05",
                              "XBLNR": header["XBLNR"], "BKTXT": header["BKTXT"]})
    amount = _minor(session, payment["WRBTR"], header["WAERS"], "payment")
    payer = payment["KUNNR"] or plan[0][0]["KUNNR"]
    _insert(session, "BSAD", {**common, "KUNNR": payer, "BUZEI": "001", "AUGDT": budat,
                              "AUGBL": belnr, "BSCHL": "15", "SHKZG": "H" if amount >= 0
                              else "S", "WRBTR": abs(amount), "DMBTR": abs(amount),
                              "XBLNR": header["XBLNR"], "SGTXT": payment["SGTXT"],
                              "ZFBDT": budat, "HKONT": payment["HKONT"]})
    line = 1
    for item, residual in plan:
        key = (bukrs, item["KUNNR"], item["BELNR"], item["GJAHR"], item["BUZEI"])
        session.db.execute(f'DELETE FROM "BSID" WHERE {_DOC}', key)
        _insert(session, "BSAD", {**item, "AUGDT": budat, "AUGBL": belnr})
        if residual:
            line += 1
            terms = {k: item[k] for k in ("ZFBDT", "ZTERM", "ZBD1T", "ZBD2T", "ZBD3T",
                                          "ZBD1P", "ZBD2P", "XBLNR", "ZUONR", "KUNNR")}
            reason: dict[str, Any] = next((r for r in p["T_RESIDUAL"] if
                           (r["BELNR"], r["GJAHR"], r["BUZEI"]) == key[2:]), {})
            _insert(session, "BSID", {
                **common, **terms, "BUZEI": f"{line:03d}", "BSCHL": "06" if residual > 0
                else "16", "SHKZG": "S" if residual > 0 else "H", "WRBTR": abs(residual),
                "DMBTR": abs(residual), "REBZG": item["BELNR"], "REBZJ": item["GJAHR"],
                "REBZZ": item["BUZEI"], "RSTGR": reason.get("RSTGR", ""),
                "SGTXT": reason.get("SGTXT", "")})
    return belnr, gjahr
