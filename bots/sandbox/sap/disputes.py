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
"""

from __future__ import annotations

import uuid
from typing import Any

from bots.sandbox.sap.interfaces import complete
from bots.sandbox.sap.session import Session

CASE_TYPES = ("F_DM", "ZDSP")  # F_DM: SAP's standard dispute case type
MSG_CLASS = "UDM_DISPUTE"
TABLES = (
    'CREATE TABLE IF NOT EXISTS "UDM_CASE" ("CASE_GUID" TEXT PRIMARY KEY, '
    '"CASE_TYPE" TEXT NOT NULL, "CREATED_BY" TEXT NOT NULL, "CREATED_ON" TEXT NOT NULL, '
    '"STATUS" TEXT NOT NULL DEFAULT \'10\')',
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
    if guid and session.db.execute('SELECT 1 FROM "UDM_CASE" WHERE "CASE_GUID" = ?',
                                   (guid,)).fetchone():
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
        session.db.execute('INSERT INTO "UDM_CASE" VALUES (?, ?, ?, ?, \'10\')',
                           (guid, p["CASE_TYPE"], session.user,
                            session.clock().strftime("%Y%m%d")))
        session.db.executemany('INSERT INTO "UDM_CASE_ATTR" VALUES (?, ?, ?)',
                               [(guid, a["ATTR_ID"], a["ATTR_VALUE"])
                                for a in p["ATTRIBUTES"]])
        session.db.executemany('INSERT INTO "UDM_CASE_OBJ" VALUES (?, ?, ?, ?)',
                               [(guid, o["OBJ_TYPE"], o["OBJ_KEY"], o["CLASSIFICATION"])
                                for o in p["OBJECTS"]])
        session.db.executemany('INSERT INTO "UDM_CASE_NOTE" VALUES (?, ?, ?, ?)',
                               [(guid, seq, n["TDFORMAT"], n["TDLINE"])
                                for seq, n in enumerate(p["NOTES"], start=1)])
    return {"CASE_GUID": guid, "RETURN": _udm_return("S", "000", f"Dispute case {guid} created",
                                                  guid), **tables}
