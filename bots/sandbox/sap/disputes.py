"""FSCM Dispute Management: ``BAPI_DISPUTE_CREATE`` as far as arbots uses it.

The interface follows SAP's (SE37): import ``CASE_TYPE`` (mandatory),
``CASE_GUID_CREATE`` (the caller's own GUID for the case, optional),
``TESTRUN`` and ``UPDATE_TASK`` (default ``X``); export ``CASE_GUID`` and
``RETURN`` (one BAPIRET2 structure); tables ``ATTRIBUTES`` (ATTR_ID,
ATTR_VALUE, XDELTA), ``OBJECTS`` and ``NOTES`` (TDFORMAT, TDLINE). The
layout of BAPI_DISPUTE_OBJECT (OBJ_TYPE, OBJ_KEY, CLASSIFICATION) is inferred
from its length, not read from a system. Not modelled: AMOUNTS_DELTA,
NOTE_PROPERTIES, attachments.

As in SAP the case is written in the update task: it exists for other
sessions only after ``BAPI_TRANSACTION_COMMIT`` (here: the session's LUW).
The sandbox knows the case types :data:`CASE_TYPES`; an object must be an
open customer item (``BSEG`` key: company code, document, year, line).
Refusals are RETURN messages of class ``UDM_DISPUTE``: unknown case type,
no attributes, an object that is not an open item, or a ``CASE_GUID_CREATE``
already used (so a caller passing its own GUID can never create a case twice).

The case header is ``SCMG_T_CASE_ATTR`` (readable with ``RFC_READ_TABLE``);
its ``STAT_ORDERNO`` follows the sandbox's status profile :data:`STATUSES`.
``BAPI_DISPUTE_ATTRIBUTES_CHANGE`` changes attributes, the status among them
(attribute ``STAT_ORDERNO``), and adds notes; an unknown case or status is
refused. With FI-FSCM process integration on (the sandbox's default,
``SANDBOX_INFO`` key :data:`INTEGRATION_KEY`), clearing a disputed item
closes its case, as SAP does through ``BAPI_DISPUTE_PROCESS`` when the
remaining disputed amount reaches zero (:func:`item_cleared`).
"""

from __future__ import annotations

import uuid
from typing import Any

from bots.sandbox.sap.interfaces import complete
from bots.sandbox.sap.read_table import CLIENT
from bots.sandbox.sap.session import Session

CASE_TYPES = ("F_DM", "ZDSP")  # F_DM: SAP's standard dispute case type
MSG_CLASS = "UDM_DISPUTE"
#: The sandbox's status profile: STAT_ORDERNO and meaning (30-50 end a case).
STATUSES = {"10": "New", "20": "Being Processed", "30": "Closed", "40": "Confirmed",
            "50": "Voided"}
CLOSED = "30"
INTEGRATION_KEY = "FSCM_PROCESS_INTEGRATION"  # 'X' (default) or '' in SANDBOX_INFO
TABLES = (
    'CREATE TABLE IF NOT EXISTS "UDM_CASE_ATTR" ("CASE_GUID" TEXT NOT NULL, '
    '"ATTR_ID" TEXT NOT NULL, "ATTR_VALUE" TEXT NOT NULL, PRIMARY KEY ("CASE_GUID", "ATTR_ID"))',
    'CREATE TABLE IF NOT EXISTS "UDM_CASE_OBJ" ("CASE_GUID" TEXT NOT NULL, '
    '"OBJ_TYPE" TEXT NOT NULL, "OBJ_KEY" TEXT NOT NULL, "CLASSIFICATION" TEXT NOT NULL)',
    'CREATE TABLE IF NOT EXISTS "UDM_CASE_NOTE" ("CASE_GUID" TEXT NOT NULL, '
    '"SEQ" INTEGER NOT NULL, "TDFORMAT" TEXT NOT NULL, "TDLINE" TEXT NOT NULL)',
)


def _udm_return(kind: str, number: str, text: str, *values: str) -> dict[str, Any]:
    fields = {f"MESSAGE_V{i}": v for i, v in enumerate(values[:4], start=1)}
    return complete("BAPIRET2", {"TYPE": kind, "ID": MSG_CLASS, "NUMBER": number,
                                 "MESSAGE": text, **fields})


def _refusal(session: Session, p: dict[str, Any]) -> dict[str, Any] | None:
    if p["CASE_TYPE"] not in CASE_TYPES:
        return _udm_return("E", "001", f"Case type {p['CASE_TYPE']} does not exist",
                        p["CASE_TYPE"])
    if not p["ATTRIBUTES"]:
        return _udm_return("E", "003", "No attributes given for the dispute case")
    guid = p["CASE_GUID_CREATE"]
    if guid and _case(session, guid):
        return _udm_return("E", "002", f"Dispute case {guid} already exists", guid)
    for obj in p["OBJECTS"]:
        key = obj["OBJ_KEY"]
        if obj["OBJ_TYPE"] != "BSEG" or not session.db.execute(
                'SELECT 1 FROM "BSID" WHERE "BUKRS" = ? AND "BELNR" = ? AND "GJAHR" = ? '
                'AND "BUZEI" = ?', (key[:4], key[4:14], key[14:18], key[18:21])).fetchone():
            return _udm_return("E", "004", f"Object {obj['OBJ_TYPE']} {key} is not an open "
                                        "customer item", obj["OBJ_TYPE"], key)
    return None


def dispute_create(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The BAPI_DISPUTE_CREATE handler."""
    tables = {name: p[name] for name in ("ATTRIBUTES", "OBJECTS", "NOTES")}
    for statement in TABLES:
        session.db.execute(statement)
    refused = _refusal(session, p)
    if refused:
        return {"CASE_GUID": "", "RETURN": refused, **tables}
    guid = p["CASE_GUID_CREATE"] or uuid.uuid4().hex.upper()
    if p["TESTRUN"] != "X":
        session.begin_write()
        number = session.db.execute('SELECT count(*) FROM "SCMG_T_CASE_ATTR"').fetchone()[0]
        session.db.execute(
            'INSERT INTO "SCMG_T_CASE_ATTR" ("MANDT", "CASE_GUID", "EXT_KEY", "CASE_TYPE", '
            '"STAT_ORDERNO", "CREATED_BY") VALUES (?, ?, ?, ?, ?, ?)',
            (CLIENT, guid, f"{number + 1:012d}", p["CASE_TYPE"], "10", session.user))
        session.db.executemany('INSERT INTO "UDM_CASE_ATTR" VALUES (?, ?, ?)',
                               [(guid, a["ATTR_ID"], a["ATTR_VALUE"])
                                for a in p["ATTRIBUTES"]])
        session.db.executemany('INSERT INTO "UDM_CASE_OBJ" VALUES (?, ?, ?, ?)',
                               [(guid, o["OBJ_TYPE"], o["OBJ_KEY"], o["CLASSIFICATION"])
                                for o in p["OBJECTS"]])
        _add_notes(session, guid, p["NOTES"])
    return {"CASE_GUID": guid, "RETURN": _udm_return("S", "000", f"Dispute case {guid} created",
                                                  guid), **tables}


def _case(session: Session, guid: str) -> tuple[str, ...] | None:
    row = session.db.execute('SELECT "STAT_ORDERNO" FROM "SCMG_T_CASE_ATTR" '
                             'WHERE "MANDT" = ? AND "CASE_GUID" = ?', (CLIENT, guid)).fetchone()
    return tuple(row) if row else None


def _add_notes(session: Session, guid: str, notes: list[dict[str, Any]]) -> None:
    first = session.db.execute('SELECT count(*) FROM "UDM_CASE_NOTE" WHERE "CASE_GUID" = ?',
                               (guid,)).fetchone()[0]
    session.db.executemany('INSERT INTO "UDM_CASE_NOTE" VALUES (?, ?, ?, ?)',
                           [(guid, seq, n["TDFORMAT"], n["TDLINE"])
                            for seq, n in enumerate(notes, start=first + 1)])


def dispute_attributes_change(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The BAPI_DISPUTE_ATTRIBUTES_CHANGE handler: attributes (the status as
    ``STAT_ORDERNO`` among them) and notes of an existing case."""
    for statement in TABLES:
        session.db.execute(statement)
    guid, attributes = p["CASE_GUID"], p["ATTRIBUTES"]
    tables = {"ATTRIBUTES": attributes, "NOTES": p["NOTES"]}
    if not _case(session, guid):
        return {"RETURN": _udm_return("E", "005", f"Dispute case {guid} does not exist", guid),
                **tables}
    if not attributes:
        return {"RETURN": _udm_return("E", "003", "No attributes given for the dispute case"),
                **tables}
    status = next((a["ATTR_VALUE"] for a in attributes if a["ATTR_ID"] == "STAT_ORDERNO"), None)
    if status is not None and status not in STATUSES:
        return {"RETURN": _udm_return("E", "006", f"Status {status} is not in the status "
                                      "profile of the case type", status), **tables}
    if p["TESTRUN"] != "X":
        session.begin_write()
        if status is not None:
            session.db.execute(
                'UPDATE "SCMG_T_CASE_ATTR" SET "STAT_ORDERNO" = ?, "CLOSED_BY" = ? '
                'WHERE "MANDT" = ? AND "CASE_GUID" = ?',
                (status, session.user if status == CLOSED else "", CLIENT, guid))
        session.db.executemany(
            'INSERT INTO "UDM_CASE_ATTR" VALUES (?, ?, ?) ON CONFLICT ("CASE_GUID", "ATTR_ID") '
            'DO UPDATE SET "ATTR_VALUE" = excluded."ATTR_VALUE"',
            [(guid, a["ATTR_ID"], a["ATTR_VALUE"]) for a in attributes
             if a["ATTR_ID"] != "STAT_ORDERNO"])
        _add_notes(session, guid, p["NOTES"])
    return {"RETURN": _udm_return("S", "000", f"Dispute case {guid} changed", guid), **tables}


def item_cleared(session: Session, bukrs: str, belnr: str, gjahr: str, buzei: str) -> None:
    """Process integration: an open case whose disputed item was just cleared is closed
    (by the clearing's user, in the clearing's LUW), unless integration is off."""
    setting = session.db.execute('SELECT "VALUE" FROM "SANDBOX_INFO" WHERE "KEY" = ?',
                                 (INTEGRATION_KEY,)).fetchone()
    if setting is not None and setting[0] != "X":
        return
    exists = session.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'UDM_CASE_OBJ'")
    if not exists.fetchone():
        return
    key = f"{bukrs:<4}{belnr:>010}{gjahr}{buzei:>03}"
    session.db.execute(
        'UPDATE "SCMG_T_CASE_ATTR" SET "STAT_ORDERNO" = ?, "CLOSED_BY" = ? '
        'WHERE "MANDT" = ? AND "STAT_ORDERNO" IN (\'10\', \'20\') AND "CASE_GUID" IN '
        '(SELECT "CASE_GUID" FROM "UDM_CASE_OBJ" WHERE "OBJ_TYPE" = \'BSEG\' AND "OBJ_KEY" = ?)',
        (CLOSED, session.user, CLIENT, key))
