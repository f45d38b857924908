"""``API_LOCKBOXPOST_IN`` in the S/4 simulator: lockbox batches in, payments posted later.

A client creates a **lockbox batch** by a deep insert (``POST .../LockboxBatch``
with a CSRF token): the batch header, its checks (``to_Item``) and, per check,
the invoices it pays (``to_LockboxClearing``)::

    {"Lockbox": "ARBOTS01", "LockboxBatchOrigin": "ARBOTS",
     "LockboxBatchDestination": "1000", "DepositDateTime": "/Date(1764547200000)/",
     "AmountInTransactionCurrency": "1500.00",
     "to_Item": {"results": [{
         "LockboxBatchItem": "1", "Cheque": "45AE67534B54",
         "AmountInTransactionCurrency": "1500.00", "Currency": "EUR",
         "to_LockboxClearing": {"results": [{
             "PaymentReference": "1800000042", "NetPaymentAmountInPaytCurrency": "1470.00",
             "DeductionAmountInPaytCurrency": "30.00", "PaymentDifferenceReason": "",
             "Currency": "EUR"}]}}]}}

The answer (201) is the batch with its ``LockboxBatchInternalKey`` and each
check's ``PaymentAdvice``; **nothing is posted yet**. As on a real system, where
the lockbox program posts a batch later, the simulator posts queued batches
when it is next asked for the open-item cube (:meth:`Lockbox.process_due`,
after ``delay_seconds``; tests can ``hold`` them). Batches are kept in the
sandbox file (tables ``S4_LOCKBOX_*``), so a batch accepted by one simulator
is posted by the next one, as a restarted client would find it.

**Strict on structure** at the insert (400 with an OData error, nothing kept):
an unknown property (``Property 'FiscalYear' is invalid``), a missing
mandatory one, an amount that is not a decimal in the currency's decimals,
a check whose invoices take more than the check (``unbalanced``), a batch
total that is not the sum of its checks, a clearing row in another currency
than its check, an unknown destination (company code).

**Posting a check** (one FB05-style document per check, the RFC simulator's
:func:`bots.sandbox.sap.clearing.post_clearing`): the check number becomes the
document's reference (XBLNR, as lockbox does); each clearing row names an open
invoice by its document number (lockbox knows no fiscal year or line: an
ambiguous number is an error). Net + deduction equal to the open amount
clears it: a deduction with a payment difference reason leaves a residual
item with that reason code, one without is cash discount. A net amount
below the open amount with no deduction is a part payment (the invoice stays
open). What the check pays beyond its rows goes on the account of its first
invoice's customer. A check that cannot be applied (invoice not open,
closed period, amounts that do not add up) is **not posted**: it waits for
lockbox post-processing by a person (:attr:`Lockbox.errors`), as FLB1 does.

Lockbox itself checks duplicates only by deposit date and time: a batch sent
twice is posted twice. The client must look before it sends.

**Provenance.** The service name is SAP's; the entity sets and properties are
written from public descriptions of SAP's lockbox API and of the lockbox
file (cheque, amounts, payment reference, deduction, reason), not from a
fetched EDMX (none is vendored): treat the names as inferred.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bots.sandbox.s4.odata import ODataError
from bots.sandbox.sap.clearing import post_clearing
from bots.sandbox.sap.interfaces import check_call
from bots.sandbox.sap.session import Session
from bots.sandbox.sap.store import open_db

SERVICE = "API_LOCKBOXPOST_IN"
BANK_ACCOUNT = "113100"  # the lockbox's bank G/L account (lockbox control parameters, OBAY)
USER = "S4_LOCKBOX"
POST_CLEARING = "Z_ARBOTS_POST_CLEARING"  # the RFC simulator's FB05, which lockbox posts with
Row = dict[str, Any]

# property -> (mandatory, kind, max length); kind: str, amount, datetime, or a child list
_BATCH = {"Lockbox": (True, "str", 7), "LockboxBatchOrigin": (True, "str", 10),
          "LockboxBatchDestination": (True, "str", 10), "DepositDateTime": (True, "datetime", 0),
          "AmountInTransactionCurrency": (True, "amount", 0), "to_Item": (True, "children", 0)}
_ITEM = {"LockboxBatchItem": (True, "str", 5), "Cheque": (True, "str", 13),
         "AmountInTransactionCurrency": (True, "amount", 0), "Currency": (True, "str", 5),
         "PartnerBank": (False, "str", 15), "PartnerBankAccount": (False, "str", 18),
         "PartnerBankCountry": (False, "str", 3), "to_LockboxClearing": (False, "children", 0)}
_CLEARING = {"PaymentReference": (True, "str", 30),
             "NetPaymentAmountInPaytCurrency": (True, "amount", 0),
             "DeductionAmountInPaytCurrency": (False, "amount", 0),
             "PaymentDifferenceReason": (False, "str", 3), "Currency": (True, "str", 5)}

_TABLES = """
CREATE TABLE IF NOT EXISTS "S4_LOCKBOX_BATCH" (
    "BATCHKEY" TEXT PRIMARY KEY, "LOCKBOX" TEXT, "ORIGIN" TEXT, "DESTINATION" TEXT,
    "DEPOSIT" TEXT, "AMOUNT" TEXT, "BODY" TEXT NOT NULL, "READY" REAL NOT NULL,
    "STATUS" TEXT NOT NULL, "CREATED" REAL NOT NULL);
CREATE TABLE IF NOT EXISTS "S4_LOCKBOX_ITEM" (
    "BATCHKEY" TEXT, "ITEM" TEXT, "CHEQUE" TEXT, "AMOUNT" TEXT, "CURRENCY" TEXT,
    "ADVICE" TEXT, "STATUS" TEXT NOT NULL, "MESSAGE" TEXT, "DOCUMENT" TEXT,
    PRIMARY KEY ("BATCHKEY", "ITEM"));
"""


def ensure_tables(db: sqlite3.Connection) -> None:
    """The simulator's own lockbox tables in the sandbox file (created once)."""
    db.executescript(_TABLES)


@dataclass
class Lockbox:
    """Queued batches and their processing (one per simulator)."""

    sandbox_db: Path
    clock: Callable[[], date]
    delay_seconds: float = 0.0  # a batch is posted at the first cube read this long after
    hold: bool = False  # tests: keep batches queued (the lockbox program has not run)
    errors: list[str] = field(default_factory=list)  # checks left for post-processing
    lost_answers: int = 0  # tests: the next N batches are taken, but their answer is a 504
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer_lost(self) -> bool:
        """Whether the answer to the batch just taken is lost (counts ``lost_answers`` down)."""
        with self._lock:
            if self.lost_answers:
                self.lost_answers -= 1
                return True
            return False

    # ---------------------------------------------------------------- the insert

    def create(self, body: bytes) -> Row:
        """Check and queue one batch (the deep insert); the batch as answered."""
        db = open_db(self.sandbox_db)  # its own connection: the readers see its commit
        try:
            return self._create(db, body)
        finally:
            db.close()

    def _create(self, db: sqlite3.Connection, body: bytes) -> Row:
        try:
            data = json.loads(body or b"null")
        except ValueError:
            raise ODataError(400, "/IWBEP/CM_MGW_RT/004",
                             "The request body is not valid JSON") from None
        batch = _checked(data, _BATCH, "LockboxBatch")
        items = [_checked(i, _ITEM, "LockboxBatchItem") for i in _results(batch, "to_Item")]
        if not items:
            raise ODataError(400, "/IWBEP/CM_MGW_RT/022", "A lockbox batch needs at least one "
                                                          "check (to_Item)")
        known = {code for (code,) in db.execute('SELECT "BUKRS" FROM "T001"')}
        if batch["LockboxBatchDestination"] not in known:
            raise ODataError(400, "FLB/010", f"Lockbox destination "
                             f"{batch['LockboxBatchDestination']} is not defined for lockbox "
                             f"{batch['Lockbox']}")
        total = Decimal(0)
        for item in items:
            rows = [_checked(c, _CLEARING, "LockboxClearing")
                    for c in _results(item, "to_LockboxClearing")]
            item["to_LockboxClearing"] = {"results": rows}
            for row in rows:
                if row["Currency"] != item["Currency"]:
                    raise ODataError(400, "FLB/020", f"Check {item['Cheque']}: payment reference "
                                     f"{row['PaymentReference']} is in {row['Currency']}, the "
                                     f"check in {item['Currency']}")
            applied = sum((Decimal(r["NetPaymentAmountInPaytCurrency"]) for r in rows),
                          Decimal(0))
            paid = Decimal(item["AmountInTransactionCurrency"])
            if abs(applied) > abs(paid) or (paid and applied and (applied > 0) != (paid > 0)):
                raise ODataError(400, "FLB/021", f"Check {item['Cheque']} is unbalanced: its "
                                 f"payment references take {applied}, the check is {paid}")
            total += paid
        if total != Decimal(batch["AmountInTransactionCurrency"]):
            raise ODataError(400, "FLB/022", f"Lockbox batch is unbalanced: batch total "
                             f"{batch['AmountInTransactionCurrency']} is not the sum of its "
                             f"checks {total}")
        return self._queue(db, batch, items)

    def _queue(self, db: sqlite3.Connection, batch: Row, items: list[Row]) -> Row:
        now = time.time()
        with self._lock:
            db.execute("BEGIN IMMEDIATE")
            (count,) = db.execute('SELECT count(*) FROM "S4_LOCKBOX_BATCH"').fetchone()
            key = f"{count + 1:010d}"
            db.execute('INSERT INTO "S4_LOCKBOX_BATCH" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                       (key, batch["Lockbox"], batch["LockboxBatchOrigin"],
                        batch["LockboxBatchDestination"], batch["DepositDateTime"],
                        batch["AmountInTransactionCurrency"],
                        json.dumps({**batch, "to_Item": {"results": items}}),
                        now + self.delay_seconds, "queued", now))
            for number, item in enumerate(items, start=1):
                item["PaymentAdvice"] = f"{key}{number:05d}"
                db.execute('INSERT INTO "S4_LOCKBOX_ITEM" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
                           (key, item["LockboxBatchItem"], item["Cheque"],
                            item["AmountInTransactionCurrency"], item["Currency"],
                            item["PaymentAdvice"], "queued", "", ""))
            db.execute("COMMIT")
        return {**{k: v for k, v in batch.items() if k != "to_Item"},
                "LockboxBatchInternalKey": key,
                "to_Item": {"results": [{**i, "LockboxBatchInternalKey": key} for i in items]}}

    # ---------------------------------------------------------------- the lockbox program

    def process_due(self) -> int:
        """Post every queued batch whose time has come (unless held); how many checks."""
        if self.hold:
            return 0
        with self._lock:
            session = Session(self.sandbox_db, USER, self.clock)
            try:
                due = session.db.execute(
                    'SELECT "BATCHKEY", "BODY" FROM "S4_LOCKBOX_BATCH" WHERE "STATUS" = '
                    "'queued' AND \"READY\" <= ? ORDER BY \"BATCHKEY\"",
                    (time.time(),)).fetchall()
                posted = 0
                for key, body in due:
                    batch = json.loads(body)
                    for item in batch["to_Item"]["results"]:
                        posted += self._post_check(session, key, batch, item)
                    session.db.execute('UPDATE "S4_LOCKBOX_BATCH" SET "STATUS" = \'processed\''
                                       ' WHERE "BATCHKEY" = ?', (key,))
                    session.db.commit()
                return posted
            finally:
                session.close()

    def _post_check(self, session: Session, key: str, batch: Row, item: Row) -> int:
        try:
            params = check_call(POST_CLEARING, _clearing_params(session, batch, item))
            result = post_clearing(session, params)
            error = next((m["MESSAGE"] for m in result["RETURN"] if m["TYPE"] == "E"), "")
        except _Unapplied as exc:
            error = str(exc)
            result = {"E_BELNR": ""}
        status = "error" if error else "posted"
        if error:
            self.errors.append(f"batch {key} check {item['Cheque']}: {error}")
        session.db.execute('UPDATE "S4_LOCKBOX_ITEM" SET "STATUS" = ?, "MESSAGE" = ?, '
                           '"DOCUMENT" = ? WHERE "BATCHKEY" = ? AND "ITEM" = ?',
                           (status, error, result["E_BELNR"], key, item["LockboxBatchItem"]))
        return 0 if error else 1


class _Unapplied(Exception):
    """A check the lockbox program cannot apply: left for post-processing."""


def _clearing_params(session: Session, batch: Row, item: Row) -> dict[str, Any]:
    """Z_ARBOTS_POST_CLEARING's parameters for one check (see the module docstring)."""
    bukrs, currency = batch["LockboxBatchDestination"], item["Currency"]
    deposit = _deposit_date(batch["DepositDateTime"]).strftime("%Y%m%d")
    clear, residuals, partials, first_customer = [], [], [], ""
    applied = Decimal(0)
    for row in item["to_LockboxClearing"]["results"]:
        found = session.db.execute(
            'SELECT "KUNNR", "GJAHR", "BUZEI", "SHKZG", "WRBTR" FROM "BSID" WHERE "BUKRS" = ? '
            'AND "BELNR" = ? AND "UMSKZ" = \'\' AND "WAERS" = ?',
            (bukrs, row["PaymentReference"], currency)).fetchall()
        if len(found) != 1:
            raise _Unapplied(f"payment reference {row['PaymentReference']}: "
                             + ("no open item in " + currency if not found else
                                f"{len(found)} open items, which one is not known"))
        kunnr, gjahr, buzei, shkzg, wrbtr = found[0]
        first_customer = first_customer or kunnr
        open_amount = Decimal(wrbtr).scaleb(-session.currency_decimals(currency))
        open_amount = -open_amount if shkzg == "H" else open_amount
        net = Decimal(row["NetPaymentAmountInPaytCurrency"])
        deduction = Decimal(row.get("DeductionAmountInPaytCurrency") or 0)
        reason = row.get("PaymentDifferenceReason", "")
        doc = {"KUNNR": kunnr, "BELNR": row["PaymentReference"], "GJAHR": gjahr, "BUZEI": buzei}
        applied += net
        if net + deduction == open_amount:
            clear.append({**doc, "WRBTR": net, "WSKTO": Decimal(0) if reason else deduction})
            if reason and deduction:
                residuals.append({"BELNR": doc["BELNR"], "GJAHR": gjahr, "BUZEI": buzei,
                                  "WRBTR": deduction, "RSTGR": reason,
                                  "SGTXT": f"Lockbox deduction {reason}"})
        elif not deduction and abs(net) < abs(open_amount):
            partials.append({**doc, "WRBTR": net, "RSTGR": reason,
                             "SGTXT": f"Part payment {doc['BELNR']}"})
        else:
            raise _Unapplied(f"payment reference {row['PaymentReference']}: net {net} and "
                             f"deduction {deduction} do not add up to the open amount "
                             f"{open_amount}")
    paid = Decimal(item["AmountInTransactionCurrency"])
    if not first_customer:
        raise _Unapplied("no payment reference names an open invoice: the customer is not known")
    on_account = [{"KUNNR": first_customer, "WRBTR": paid - applied, "RSTGR": "",
                   "ZUONR": item["Cheque"], "SGTXT": "Lockbox: unapplied"}] \
        if paid != applied else []
    return {"I_HEADER": {"BUKRS": bukrs, "BLART": "DZ", "BLDAT": deposit, "BUDAT": deposit,
                         "WAERS": currency, "XBLNR": item["Cheque"],
                         "BKTXT": f"Lockbox {batch['Lockbox']}"[:25]},
            "I_PAYMENT": {"KUNNR": first_customer, "WRBTR": paid, "HKONT": BANK_ACCOUNT,
                          "VALUT": deposit, "SGTXT": f"Check {item['Cheque']}"},
            "T_CLEAR": clear, "T_RESIDUAL": residuals, "T_PARTIAL": partials,
            "T_ONACCOUNT": on_account}


# ------------------------------------------------------------------ structure checks


def _checked(data: Any, schema: dict[str, tuple[bool, str, int]], entity: str) -> Row:
    """``data`` as a row of ``entity`` after the gateway's checks (OData error otherwise)."""
    if not isinstance(data, dict):
        raise ODataError(400, "/IWBEP/CM_MGW_RT/004", f"{entity}: an object was expected")
    row = {k: v for k, v in data.items() if k != "__metadata"}
    for name in row:
        if name not in schema:
            raise ODataError(400, "/IWBEP/CM_MGW_RT/020", f"Property '{name}' is invalid")
    for name, (mandatory, kind, length) in schema.items():
        value = row.get(name)
        if value in (None, "") or (kind == "children" and not _results(row, name)):
            if mandatory:
                raise ODataError(400, "/IWBEP/CM_MGW_RT/021",
                                 f"Property '{name}' of {entity} is mandatory")
            continue
        if kind == "str" and (not isinstance(value, str) or len(value) > length):
            raise ODataError(400, "/IWBEP/CM_MGW_RT/022",
                             f"Property '{name}' of {entity}: value '{value}' is not a "
                             f"string of at most {length} characters")
        if kind == "amount":
            _amount(name, entity, value)
        if kind == "datetime":
            _deposit_date(value)
    return row


def _results(row: Row, name: str) -> list[Any]:
    value = row.get(name)
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        return list(value["results"])
    if value in (None, ""):
        return []
    raise ODataError(400, "/IWBEP/CM_MGW_RT/004",
                     f"Navigation property '{name}' must be {{\"results\": [...]}}")


def _amount(name: str, entity: str, value: Any) -> Decimal:
    try:
        amount = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or -amount.as_tuple().exponent > 3:  # type: ignore[operator]
        raise ODataError(400, "/IWBEP/CM_MGW_RT/022",
                         f"Property '{name}' of {entity}: '{value}' is not an Edm.Decimal "
                         "(a string with at most 3 decimals)")
    return amount


def _deposit_date(value: Any) -> date:
    """An Edm.DateTime as V2 JSON writes it (``/Date(ms)/``) or as ISO text."""
    text = str(value)
    try:
        if text.startswith("/Date(") and text.endswith(")/"):
            millis = int(text[len("/Date("):-2].split("+")[0])
            return datetime.fromtimestamp(millis / 1000, UTC).date()
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ODataError(400, "/IWBEP/CM_MGW_RT/022",
                         f"'{value}' is not an Edm.DateTime") from None


# ------------------------------------------------------------------ reads


def item_rows(db: sqlite3.Connection) -> list[Row]:
    """``LockboxBatchItem``: every check received, in key order."""
    return [{"LockboxBatchInternalKey": key, "LockboxBatchItem": item, "Cheque": cheque,
             "AmountInTransactionCurrency": Decimal(amount), "Currency": currency,
             "PaymentAdvice": advice}
            for key, item, cheque, amount, currency, advice in db.execute(
                'SELECT "BATCHKEY", "ITEM", "CHEQUE", "AMOUNT", "CURRENCY", "ADVICE" FROM '
                '"S4_LOCKBOX_ITEM" ORDER BY "BATCHKEY", "ITEM"')]


ITEM_TYPES: dict[str, type] = {
    "LockboxBatchInternalKey": str, "LockboxBatchItem": str, "Cheque": str,
    "AmountInTransactionCurrency": Decimal, "Currency": str, "PaymentAdvice": str}
