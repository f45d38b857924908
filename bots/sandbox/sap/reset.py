"""``Z_ARBOTS_RESET_CLEARING`` in the simulator: reset a clearing (FBRA), optionally reverse.

What the shipped ABAP wrapper does
(``bots/sap/abap/src/zarbots.fugr.z_arbots_reset_clearing.abap``,
over ``CALL TRANSACTION 'FBRA'`` and ``CALL_FI_DOCUMENT_REVERSE``/FB08):

1. The document ``I_AUGBL``/``I_GJAHR`` must exist in the company code (else
   050). Already reversed (``BKPF-STBLG`` set): nothing to do, the reversal's
   number in ``E_STBLG`` and ``E_EXISTING = 'X'``. Otherwise the logon user
   needs ``F_BKPF_BUK`` for the company code, ``ACTVT`` 02 (else 024).
2. **Reset**: every item cleared by the document (BSAD with ``AUGBL`` = the
   document and ``AUGDT`` = its posting date) goes back to BSID with
   ``AUGBL``/``AUGDT`` initial: the invoices are open again, and so is the
   payment's own customer line (the money is now on the account). They come
   back in ``T_REOPENED``. Nothing cleared by it (reset before) and no
   reversal asked: ``E_EXISTING = 'X'``, so a rerun is harmless.
3. **Reverse** (``I_REVERSE = 'X'``, FBRA's "Resetting and reversing"): the
   reversal posting date ``I_BUDAT`` (initial: today) must be in an open
   period (041); every customer item of the document must be open after the
   reset (053 when another document cleared one: reset that one first). A
   reversal document (``TCODE = 'FB08'``, same reference) mirrors each open
   item of the document and clears it; both headers point at each other in
   ``STBLG``/``STJAH``, with the reversal reason ``STGRD``.

As FBRA and FB08 run by the posting interface commit their own work, a
reset (and reversal) is committed when the call returns, like a posting
(:mod:`bots.sandbox.sap.clearing`); ``BAPI_TRANSACTION_ROLLBACK`` cannot
undo it.
"""

from __future__ import annotations

from typing import Any

from bots.sandbox.sap.clearing import insert, next_number
from bots.sandbox.sap.ddic import TABLES
from bots.sandbox.sap.periods import check_period, require_periods
from bots.sandbox.sap.read_table import CLIENT
from bots.sandbox.sap.refused import Refused, message
from bots.sandbox.sap.session import Session

_COLUMNS = [f.name for f in TABLES["BSAD"]]
_SELECT = ", ".join(f'"{c}"' for c in _COLUMNS)
_MIRROR = {"01": "11", "11": "01", "05": "15", "15": "05", "06": "16", "16": "06"}


def reset_clearing(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The Z_ARBOTS_RESET_CLEARING handler (takes the write lock first, as the ABAP's
    lock on the document)."""
    require_periods(session)
    had_luw = session.in_luw
    session.begin_write()
    try:
        stblg, existing, reopened = _reset(session, p)
    except Refused as refused:
        if not had_luw:
            session.rollback()
        return {"E_STBLG": "", "E_EXISTING": "", "T_REOPENED": [],
                "RETURN": [refused.as_return()]}
    doc = f"{p['I_AUGBL']} {p['I_GJAHR']}"
    if existing:
        if not had_luw:
            session.rollback()
        msg = message("W", "052", f"Clearing {doc} is already reset"
                      + (f" and reversed by {stblg}" if stblg else ""), p["I_AUGBL"],
                      p["I_GJAHR"], stblg)
    else:
        session.commit()  # the posting interface commits the reset and the reversal
        msg = message("S", "051", f"Clearing {doc} reset, {len(reopened)} item(s) open again"
                      + (f"; reversed by {stblg}" if stblg else ""), p["I_AUGBL"],
                      p["I_GJAHR"], str(len(reopened)), stblg)
    return {"E_STBLG": stblg, "E_EXISTING": "X" if existing else "", "T_REOPENED": reopened,
            "RETURN": [msg]}


def _reset(session: Session, p: dict[str, Any]) -> tuple[str, bool, list[dict[str, Any]]]:
    """(reversal document, nothing was left to do, the items opened again)."""
    db, bukrs, augbl, gjahr = session.db, p["I_BUKRS"], p["I_AUGBL"], p["I_GJAHR"]
    head = db.execute('SELECT "BUDAT", "STBLG", "XBLNR", "BKTXT", "BLART" FROM "BKPF" '
                      'WHERE "MANDT" = ? AND "BUKRS" = ? AND "BELNR" = ? AND "GJAHR" = ?',
                      (CLIENT, bukrs, augbl, gjahr)).fetchone()
    if head is None:
        raise Refused("050", f"Document {augbl} {gjahr} does not exist in company code "
                             f"{bukrs}", augbl, gjahr, bukrs)
    budat, stblg, xblnr, bktxt, blart = head
    if stblg:
        return stblg, True, []
    if not session.authority.check("F_BKPF_BUK", BUKRS=bukrs, ACTVT="02"):
        raise Refused("024", f"No authorisation to post in company code {bukrs}", bukrs)
    reverse = p["I_REVERSE"] == "X"
    if reverse:
        reversal_date = p["I_BUDAT"] if p["I_BUDAT"] != "00000000" else \
            session.clock().strftime("%Y%m%d")
        check_period(session, bukrs, reversal_date)
    cleared = [dict(zip(_COLUMNS, row, strict=True)) for row in db.execute(
        f'SELECT {_SELECT} FROM "BSAD" WHERE "BUKRS" = ? AND "AUGBL" = ? AND "AUGDT" = ?',
        (bukrs, augbl, budat))]
    if not cleared and not reverse:
        return "", True, []
    for item in cleared:
        _move(session, "BSAD", "BSID", item, {"AUGBL": "", "AUGDT": "00000000"})
    reopened = [{k: item[k] for k in ("KUNNR", "BELNR", "GJAHR", "BUZEI")} for item in cleared]
    if not reverse:
        return "", False, reopened
    elsewhere = db.execute('SELECT "BUZEI", "AUGBL" FROM "BSAD" WHERE "BUKRS" = ? AND '
                           '"BELNR" = ? AND "GJAHR" = ?', (bukrs, augbl, gjahr)).fetchone()
    if elsewhere:
        raise Refused("053", f"Item {augbl}/{gjahr}/{elsewhere[0]} is cleared by document "
                             f"{elsewhere[1]}: reset that clearing first", augbl,
                      elsewhere[0], elsewhere[1])
    return _reverse(session, p, reversal_date, (xblnr, bktxt, blart)), False, reopened


def _move(session: Session, source: str, target: str, item: dict[str, Any],
          changes: dict[str, Any]) -> None:
    key = [f.name for f in TABLES[source] if f.key]
    session.db.execute(f'DELETE FROM "{source}" WHERE '
                       + " AND ".join(f'"{k}" = ?' for k in key), [item[k] for k in key])
    insert(session, target, {**item, **changes})


def _reverse(session: Session, p: dict[str, Any], budat: str,
             header: tuple[str, str, str]) -> str:
    """Post the reversal document; its number."""
    bukrs, augbl, gjahr = p["I_BUKRS"], p["I_AUGBL"], p["I_GJAHR"]
    xblnr, bktxt, blart = header
    year = budat[:4]
    stblg = next_number(session, bukrs, year)
    common = {"MANDT": CLIENT, "BUKRS": bukrs, "BELNR": stblg, "GJAHR": year,
              "BLART": blart, "BLDAT": budat, "BUDAT": budat, "MONAT": budat[4:6],
              "CPUDT": session.clock().strftime("%Y%m%d")}
    items = [dict(zip(_COLUMNS, row, strict=True)) for row in session.db.execute(
        f'SELECT {_SELECT} FROM "BSID" WHERE "BUKRS" = ? AND "BELNR" = ? AND "GJAHR" = ? '
        'ORDER BY "BUZEI"', (bukrs, augbl, gjahr))]
    currency = items[0]["WAERS"] if items else ""
    insert(session, "BKPF", {**common, "WAERS": currency, "USNAM": session.user,
                             "TCODE": "FB08", "XBLNR": xblnr, "BKTXT": bktxt,
                             "STBLG": augbl, "STJAH": gjahr, "STGRD": p["I_STGRD"]})
    session.db.execute('UPDATE "BKPF" SET "STBLG" = ?, "STJAH" = ?, "STGRD" = ? WHERE '
                       '"MANDT" = ? AND "BUKRS" = ? AND "BELNR" = ? AND "GJAHR" = ?',
                       (stblg, year, p["I_STGRD"], CLIENT, bukrs, augbl, gjahr))
    cleared = {"AUGBL": stblg, "AUGDT": budat}
    for line, item in enumerate(items, start=1):
        _move(session, "BSID", "BSAD", item, cleared)
        insert(session, "BSAD", {**item, **common, **cleared, "BUZEI": f"{line:03d}",
                                 "SHKZG": "S" if item["SHKZG"] == "H" else "H",
                                 "BSCHL": _MIRROR.get(item["BSCHL"], item["BSCHL"]),
                                 "XBLNR": xblnr, "REBZG": "", "REBZJ": "0000",
                                 "REBZZ": "000", "SGTXT": f"Reversal of {augbl}"})
    return stblg
