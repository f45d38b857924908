"""``Z_ARBOTS_POST_CLEARING`` in the simulator: an incoming payment with clearing (FB05).

What the shipped ABAP wrapper does
(``bots/sap/abap/src/zarbots.fugr.z_arbots_post_clearing.abap``):

1. The reference (``XBLNR``) is converted to upper case, as SAP does with
   every XBLNR it stores. A document of the company code whose reference is
   the call's idempotency key, and which is not reversed, already exists:
   return it with ``E_EXISTING = 'X'`` and post nothing.
2. Check the posting period (:mod:`bots.sandbox.sap.periods`, OB52) and the
   procedure: ``AUGLV`` ``EINGZAHL`` (incoming payment, the default: a bank
   line of ``I_PAYMENT-WRBTR``) or ``UMBUCHNG`` (transfer posting with
   clearing: no bank line, the payment amount must be 0, as when a person
   applies cash on account to invoices). Then the logon user's authority to
   post in the company code (``F_BKPF_BUK``, ``ACTVT`` 01, else 024).
3. Check every item to clear (customer, document, year, line: FB05 selects
   open items per account): it must be open in BSID (an item in BSAD is
   "already cleared by document ...", one in neither "does not exist"),
   not a special G/L item, in the header currency; per item applied +
   discount + write-off (which needs a reason code) + its residuals must
   equal the open amount (signed: credits negative). Residuals must belong to
   an item cleared here. Part payments (``T_PARTIAL``) name an open item that
   is *not* cleared, in the same direction and less than its open amount.
   Payments on account (``T_ONACCOUNT``) name a customer of the company code.
   Applied + part payments + on account must add up to the payment. Any
   failure: RETURN type E, nothing written.
4. Post: a BKPF header (``TCODE = 'FB05'``, the next number of range 14);
   the customer's payment line for the amount cleared (in BSAD, cleared by
   the document itself; none in a transfer posting, which nets to 0); every
   cleared item moved to BSAD with ``AUGBL``/``AUGDT``; new open items in
   BSID: one per residual (reason code ``RSTGR``, linked to the cleared
   invoice by ``REBZG``/``REBZJ``/``REBZZ``, keeping the invoice's
   reference, assignment and terms), one credit per
   part payment (``REBZG`` = the invoice, which stays open: SAP's "Part
   payment" tab) and one credit per payment on account (no ``REBZG``).

Amounts in the interface are external; TCURX decides the decimals. As on a
real system, where FB05 run by the posting interface (``CALL TRANSACTION``
with synchronous update) commits its own document, a posting is committed
when the call returns: ``BAPI_TRANSACTION_ROLLBACK`` cannot undo it. A
note saved before in the same LUW stays in the text memory until the
caller's commit, as in SAP (:mod:`bots.sandbox.sap.texts`). The reference
check of step 1 is what makes reruns safe. Discounts and write-offs are checked but
not posted to a G/L account here (the sandbox has no G/L tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bots.sandbox.sap.ddic import TABLES
from bots.sandbox.sap.disputes import item_cleared
from bots.sandbox.sap.periods import check_period, require_periods
from bots.sandbox.sap.read_table import CLIENT
from bots.sandbox.sap.refused import Refused, message
from bots.sandbox.sap.session import Session

_ITEM_COLUMNS = [f.name for f in TABLES["BSID"]]
# An item by company code, customer (the primary key's prefix) and document line.
# The logon client first, as Open SQL adds it: with it the key is a seek, without it a scan.
_DOC = ('"MANDT" = ? AND "BUKRS" = ? AND "KUNNR" = ? AND "BELNR" = ? AND "GJAHR" = ? '
        'AND "BUZEI" = ?')
INCOMING, TRANSFER = "EINGZAHL", "UMBUCHNG"  # POSTING_INTERFACE_CLEARING's I_AUGLV


@dataclass
class Plan:
    """What a checked call posts: items cleared (with their residual), items part-paid."""

    cleared: list[tuple[dict[str, Any], int]]
    partial: list[tuple[dict[str, Any], dict[str, Any], int]]  # open item, T_PARTIAL row, amount
    on_account: list[tuple[dict[str, Any], int]]  # T_ONACCOUNT row, amount
    applied: int  # minor units cleared by the payment line


def post_clearing(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The Z_ARBOTS_POST_CLEARING handler.

    The write lock is taken *before* the reference check, so that the check
    and the posting are one atomic step: of two sessions posting one
    reference at once, the second waits for the first's commit and then finds
    its document (the ABAP's lock object EZARBOTS_REF on company code +
    reference). A call that posts nothing releases the lock again unless its
    LUW already held it; a posting commits, which releases it.
    """
    require_periods(session)
    header = p["I_HEADER"]
    header["XBLNR"] = header["XBLNR"].upper()
    had_luw = session.in_luw
    session.begin_write()
    existing = session.db.execute(
        'SELECT "BELNR", "GJAHR" FROM "BKPF" WHERE "BUKRS" = ? AND "XBLNR" = ? '
        "AND \"STBLG\" = '' ORDER BY \"GJAHR\", \"BELNR\"",
        (header["BUKRS"], header["XBLNR"])).fetchone()
    if existing and header["XBLNR"]:
        if not had_luw:
            session.rollback()
        return _result(existing[0], existing[1], "X", message(
            "W", "002", f"Reference {header['XBLNR']} already posted as document "
            f"{existing[0]} {existing[1]}", header["XBLNR"], existing[0], existing[1]))
    try:
        plan = _check(session, p)
    except Refused as refused:
        if not had_luw:
            session.rollback()
        return _result("", "0000", "", refused.as_return())
    belnr, gjahr = _post(session, p, plan)
    session.commit()  # FB05 through the posting interface commits its own document
    return _result(belnr, gjahr, "", message(
        "S", "001", f"Document {belnr} was posted in company code {header['BUKRS']}",
        belnr, header["BUKRS"], gjahr))


def _result(belnr: str, gjahr: str, existing: str, msg: dict[str, Any]) -> dict[str, Any]:
    return {"E_BELNR": belnr, "E_GJAHR": gjahr, "E_EXISTING": existing, "RETURN": [msg],
            "T_CLEAR": [], "T_RESIDUAL": [], "T_PARTIAL": [], "T_ONACCOUNT": []}


def minor(session: Session, amount: Decimal, currency: str, what: str) -> int:
    """External ``amount`` in minor units (= the stored integer of a CURR field)."""
    scaled = amount.scaleb(session.currency_decimals(currency))
    if scaled != scaled.to_integral_value():
        raise Refused("013", f"{what}: {amount} has more decimals than {currency} allows",
                      str(amount), currency)
    return int(scaled)


def signed(row: dict[str, Any]) -> int:
    """The stored amount of an item, signed (credits negative)."""
    return -row["WRBTR"] if row["SHKZG"] == "H" else row["WRBTR"]


def _open_item(session: Session, bukrs: str, currency: str, item: dict[str, Any]
               ) -> dict[str, Any]:
    """The open BSID row of ``item`` (KUNNR, BELNR, GJAHR, BUZEI), or Refused."""
    label = f"{item['BELNR']}/{item['GJAHR']}/{item['BUZEI']}"
    where = (CLIENT, bukrs, item["KUNNR"], item["BELNR"], item["GJAHR"], item["BUZEI"])
    columns = ", ".join(f'"{c}"' for c in _ITEM_COLUMNS)
    row = session.db.execute(f'SELECT {columns} FROM "BSID" WHERE {_DOC}', where).fetchone()
    if row is None:
        cleared = session.db.execute(f'SELECT "AUGBL" FROM "BSAD" WHERE {_DOC}',
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
    return open_item


def _check(session: Session, p: dict[str, Any]) -> Plan:
    """What the call posts, or Refused."""
    header, payment = p["I_HEADER"], p["I_PAYMENT"]
    bukrs, currency = header["BUKRS"], header["WAERS"]
    if not header["XBLNR"]:
        raise Refused("010", "The reference (XBLNR, the idempotency key) is required")
    if not (p["T_CLEAR"] or p["T_PARTIAL"] or p["T_ONACCOUNT"]):
        raise Refused("011", "No items to clear")
    procedure = header["AUGLV"] or INCOMING
    if procedure not in (INCOMING, TRANSFER):
        raise Refused("042", f"Clearing procedure {procedure} is not supported "
                             f"({INCOMING} or {TRANSFER})", procedure)
    if procedure == TRANSFER and (payment["WRBTR"] or payment["HKONT"]):
        raise Refused("042", f"A transfer posting ({TRANSFER}) has no bank line: payment "
                             "amount 0 and no bank account", procedure)
    check_period(session, bukrs, header["BUDAT"])
    if not session.authority.check("F_BKPF_BUK", BUKRS=bukrs, ACTVT="01"):
        raise Refused("024", f"No authorisation to post in company code {bukrs}", bukrs)
    residuals: dict[tuple[str, str, str], int] = {}
    for r in p["T_RESIDUAL"]:
        key = (r["BELNR"], r["GJAHR"], r["BUZEI"])
        residuals[key] = residuals.get(key, 0) + minor(session, r["WRBTR"], currency,
                                                       f"residual of {r['BELNR']}")
    plan, seen = Plan([], [], [], 0), set()
    for item in p["T_CLEAR"]:
        key = (item["BELNR"], item["GJAHR"], item["BUZEI"])
        label = "/".join(key)
        if key in seen:
            raise Refused("012", f"Item {label} is listed twice", label)
        seen.add(key)
        open_item = _open_item(session, bukrs, currency, item)
        applied = minor(session, item["WRBTR"], currency, f"amount applied to {label}")
        discount = minor(session, item["WSKTO"], currency, f"discount on {label}")
        write_off = minor(session, item["WOFF"], currency, f"write-off on {label}")
        if write_off and not item["RSTGR"]:
            raise Refused("043", f"Item {label}: a write-off needs a reason code (RSTGR)",
                          label)
        residual = residuals.pop(key, 0)
        if applied + discount + write_off + residual != signed(open_item):
            raise Refused("018", f"Item {label}: applied + discount + write-off + residual "
                                 "do not equal the open amount", label)
        plan.applied += applied
        plan.cleared.append((open_item, residual))
    if residuals:
        label = "/".join(next(iter(residuals)))
        raise Refused("019", f"Residual for {label}, which is not among the items cleared",
                      label)
    for part in p["T_PARTIAL"]:
        key = (part["BELNR"], part["GJAHR"], part["BUZEI"])
        label = "/".join(key)
        if key in seen:
            raise Refused("046", f"Item {label} is listed twice (cleared or part-paid)",
                          label)
        seen.add(key)
        open_item = _open_item(session, bukrs, currency, part)
        amount = minor(session, part["WRBTR"], currency, f"part payment of {label}")
        owed = signed(open_item)
        if amount == 0 or (amount > 0) != (owed > 0) or abs(amount) >= abs(owed):
            raise Refused("047", f"Part payment {part['WRBTR']} of item {label} must be less "
                                 "than its open amount, in the same direction",
                          str(part["WRBTR"]), label)
        plan.partial.append((open_item, part, amount))
    for row in p["T_ONACCOUNT"]:
        known = session.db.execute('SELECT 1 FROM "KNB1" WHERE "KUNNR" = ? AND "BUKRS" = ?',
                                   (row["KUNNR"], bukrs)).fetchone()
        if not known:
            raise Refused("048", f"Customer {row['KUNNR']} is not in company code {bukrs}",
                          row["KUNNR"], bukrs)
        amount = minor(session, row["WRBTR"], currency, f"payment on account of {row['KUNNR']}")
        if amount == 0:
            raise Refused("049", f"Payment on account of {row['KUNNR']} has no amount",
                          row["KUNNR"])
        plan.on_account.append((row, amount))
    total = plan.applied + sum(a for *_, a in plan.partial) + sum(a for _, a in plan.on_account)
    if total != minor(session, payment["WRBTR"], currency, "payment"):
        raise Refused("020", f"Payment {payment['WRBTR']} does not balance the amounts "
                             "applied, part-paid and put on account", str(payment["WRBTR"]))
    return plan


def next_number(session: Session, bukrs: str, gjahr: str) -> str:
    """The next document number of range 14 (payments, clearings, reversals)."""
    (last,) = session.db.execute(
        "SELECT max(\"BELNR\") FROM \"BKPF\" WHERE \"MANDT\" = ? AND \"BUKRS\" = ? "
        "AND \"BELNR\" >= '14' AND \"BELNR\" < '15' AND \"GJAHR\" = ?",
        (CLIENT, bukrs, gjahr)).fetchone()
    return str(int(last) + 1) if last else "1400000001"


def insert(session: Session, table: str, row: dict[str, Any]) -> None:
    """One row into ``table`` (unnamed columns keep their initial value)."""
    names = ", ".join(f'"{k}"' for k in row)
    marks = ", ".join("?" for _ in row)
    session.db.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(row.values()))


def _credit(amount: int) -> dict[str, Any]:
    """Posting key, debit/credit and amount of a new customer item of ``amount``."""
    return {"BSCHL": "15" if amount > 0 else "05", "SHKZG": "H" if amount > 0 else "S",
            "WRBTR": abs(amount), "DMBTR": abs(amount)}


def _post(session: Session, p: dict[str, Any], plan: Plan) -> tuple[str, str]:
    header, payment = p["I_HEADER"], p["I_PAYMENT"]
    bukrs, budat = header["BUKRS"], header["BUDAT"]
    gjahr, today = budat[:4], session.clock().strftime("%Y%m%d")
    belnr = next_number(session, bukrs, gjahr)
    common = {"MANDT": CLIENT, "BUKRS": bukrs, "BELNR": belnr, "GJAHR": gjahr,
              "BLART": header["BLART"] or "DZ", "BLDAT": header["BLDAT"], "BUDAT": budat,
              "MONAT": budat[4:6], "CPUDT": today, "WAERS": header["WAERS"]}
    insert(session, "BKPF", {**common, "USNAM": session.user, "TCODE": "FB05",
                             "XBLNR": header["XBLNR"], "BKTXT": header["BKTXT"]})
    line = 0
    if plan.applied:  # a transfer posting nets to nothing: no payment line
        line += 1
        payer = payment["KUNNR"] or plan.cleared[0][0]["KUNNR"]
        insert(session, "BSAD", {**common, **_credit(plan.applied), "KUNNR": payer,
                                 "BUZEI": f"{line:03d}", "AUGDT": budat, "AUGBL": belnr,
                                 "XBLNR": header["XBLNR"], "SGTXT": payment["SGTXT"],
                                 "ZFBDT": budat, "HKONT": payment["HKONT"]})
    for item, residual in plan.cleared:
        key = (CLIENT, bukrs, item["KUNNR"], item["BELNR"], item["GJAHR"], item["BUZEI"])
        session.db.execute(f'DELETE FROM "BSID" WHERE {_DOC}', key)
        insert(session, "BSAD", {**item, "AUGDT": budat, "AUGBL": belnr})
        item_cleared(session, bukrs, item["BELNR"], item["GJAHR"], item["BUZEI"])
        if residual:
            line += 1
            terms = {k: item[k] for k in ("ZFBDT", "ZTERM", "ZBD1T", "ZBD2T", "ZBD3T",
                                          "ZBD1P", "ZBD2P", "XBLNR", "ZUONR", "KUNNR")}
            reason: dict[str, Any] = next((r for r in p["T_RESIDUAL"] if
                           (r["BELNR"], r["GJAHR"], r["BUZEI"]) ==
                           (item["BELNR"], item["GJAHR"], item["BUZEI"])), {})
            insert(session, "BSID", {
                **common, **terms, "BUZEI": f"{line:03d}", "BSCHL": "06" if residual > 0
                else "16", "SHKZG": "S" if residual > 0 else "H", "WRBTR": abs(residual),
                "DMBTR": abs(residual), "REBZG": item["BELNR"], "REBZJ": item["GJAHR"],
                "REBZZ": item["BUZEI"], "RSTGR": reason.get("RSTGR", ""),
                "SGTXT": reason.get("SGTXT", "")})
    for item, part, amount in plan.partial:
        line += 1
        insert(session, "BSID", {
            **common, **_credit(amount), "KUNNR": item["KUNNR"], "BUZEI": f"{line:03d}",
            "XBLNR": header["XBLNR"], "ZUONR": item["ZUONR"], "ZFBDT": budat,
            "REBZG": item["BELNR"], "REBZJ": item["GJAHR"], "REBZZ": item["BUZEI"],
            "RSTGR": part["RSTGR"], "SGTXT": part["SGTXT"] or f"Part payment {item['BELNR']}"})
    for row, amount in plan.on_account:
        line += 1
        insert(session, "BSID", {
            **common, **_credit(amount), "KUNNR": row["KUNNR"], "BUZEI": f"{line:03d}",
            "XBLNR": header["XBLNR"], "ZUONR": row["ZUONR"], "ZFBDT": budat,
            "RSTGR": row["RSTGR"], "SGTXT": row["SGTXT"] or "Payment on account"})
    return belnr, gjahr
