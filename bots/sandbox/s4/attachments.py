"""Attachments in the S/4 simulator: API_CV_ATTACHMENT_SRV, where the s4 road keeps its notes.

SAP's attachment service links files to business objects (Generic Object
Services / ArchiveLink). The simulator serves the part arbots uses, with
the service's names (from SAP's published EDMX of API_CV_ATTACHMENT_SRV):

* **Upload**: ``POST AttachmentContentSet`` with the file as the body, its
  ``Content-Type`` as the MIME type, and the headers ``Slug`` (the file
  name), ``BusinessObjectTypeName`` and ``LinkedSAPObjectKey`` (a CSRF token
  is required, as for every write). Answers 201 and the ``AttachmentContent``
  entity.
* **List**: the function import ``GetAllOriginals`` (``GET``, parameters
  ``LinkedSAPObjectKey`` and ``BusinessObjectTypeName`` as OData string
  literals): the object's attachments, oldest first.
* **Download**: ``GET AttachmentContentSet(<the eight key properties>)/$value``:
  the file's bytes with its MIME type.

Strict where the service is: only the business object types arbots links to
(``BKPF``, an accounting document keyed by company code, document number and
fiscal year, 18 characters; ``KNA1``, a customer keyed by its 10-digit
number) and only objects that exist; a file name and a permitted MIME type
(``text/plain``, ``application/pdf``) are required; files above
:data:`MAX_BYTES` are refused. Errors are OData errors with a 400 and the
message (404 for an unknown attachment).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from bots.sandbox.s4.odata import ODataError

SERVICE = "API_CV_ATTACHMENT_SRV"
ENTITY_SET = "AttachmentContentSet"
LIST_FUNCTION = "GetAllOriginals"
MIME_TYPES = ("text/plain", "application/pdf")
MAX_BYTES = 5 * 1024 * 1024
KEY_PROPERTIES = ("DocumentInfoRecordDocType", "DocumentInfoRecordDocNumber",
                  "DocumentInfoRecordDocVersion", "DocumentInfoRecordDocPart",
                  "LogicalDocument", "ArchiveDocumentID", "LinkedSAPObjectKey",
                  "BusinessObjectTypeName")
Row = dict[str, Any]


def ensure_table(db: sqlite3.Connection) -> None:
    """The simulator's own table of attachments, in the sandbox file."""
    db.execute('CREATE TABLE IF NOT EXISTS "S4_ATTACHMENTS" ('
               "ID INTEGER PRIMARY KEY, OBJECT_TYPE TEXT NOT NULL, OBJECT_KEY TEXT NOT NULL, "
               "FILE_NAME TEXT NOT NULL, MIME_TYPE TEXT NOT NULL, CONTENT BLOB NOT NULL, "
               "CREATED TEXT NOT NULL)")
    db.commit()


def _exists(db: sqlite3.Connection, object_type: str, key: str) -> bool:
    if object_type == "BKPF":
        if len(key) != 18:
            return False
        return db.execute('SELECT 1 FROM "BKPF" WHERE BUKRS = ? AND BELNR = ? AND GJAHR = ?',
                          (key[:4].rstrip(), key[4:14], key[14:])).fetchone() is not None
    if object_type == "KNA1":
        return db.execute('SELECT 1 FROM "KNA1" WHERE KUNNR = ?', (key,)).fetchone() \
            is not None
    raise ODataError(400, "CV_ATTACHMENT/010",
                     f"Business object type '{object_type}' is not enabled for attachments")


def create(db: sqlite3.Connection, headers: Mapping[str, str], body: bytes,
           now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Row:
    """Store an uploaded file (see the module docstring; ``headers`` with lower-case
    names); the created entity."""
    object_type = headers.get("businessobjecttypename", "")
    key = headers.get("linkedsapobjectkey", "")
    name = unquote(headers.get("slug", "")).strip()
    mime = headers.get("content-type", "").split(";")[0].strip().lower()
    if not object_type or not key:
        raise ODataError(400, "CV_ATTACHMENT/001", "Headers BusinessObjectTypeName and "
                                                   "LinkedSAPObjectKey are required")
    if not name:
        raise ODataError(400, "CV_ATTACHMENT/002", "File name (header Slug) is required")
    if mime not in MIME_TYPES:
        raise ODataError(400, "CV_ATTACHMENT/003", f"MIME type '{mime}' is not permitted")
    if len(body) > MAX_BYTES:
        raise ODataError(400, "CV_ATTACHMENT/004",
                         f"File exceeds the maximum size of {MAX_BYTES} bytes")
    if not _exists(db, object_type, key):
        raise ODataError(400, "CV_ATTACHMENT/005",
                         f"Object {object_type} '{key}' does not exist")
    stamp = now().isoformat(timespec="microseconds")
    number = db.execute('INSERT INTO "S4_ATTACHMENTS" (OBJECT_TYPE, OBJECT_KEY, FILE_NAME, '
                        "MIME_TYPE, CONTENT, CREATED) VALUES (?, ?, ?, ?, ?, ?)",
                        (object_type, key, name, mime, body, stamp)).lastrowid
    db.commit()
    return _entity(number or 0, object_type, key, name, mime, len(body), stamp)


def all_rows(db: sqlite3.Connection) -> list[Row]:
    """Every attachment's entity (no content), in key order."""
    return [_entity(number, object_type, key, name, mime, size, created)
            for number, object_type, key, name, mime, size, created in db.execute(
                'SELECT ID, OBJECT_TYPE, OBJECT_KEY, FILE_NAME, MIME_TYPE, length(CONTENT), '
                'CREATED FROM "S4_ATTACHMENTS" ORDER BY ID')]


def originals(db: sqlite3.Connection, params: Mapping[str, str]) -> list[Row]:
    """``GetAllOriginals``: the attachments of one object, oldest first."""
    object_type = _literal(params, "BusinessObjectTypeName")
    key = _literal(params, "LinkedSAPObjectKey")
    return [_entity(number, object_type, key, name, mime, size, created)
            for number, name, mime, size, created in db.execute(
                'SELECT ID, FILE_NAME, MIME_TYPE, length(CONTENT), CREATED FROM '
                '"S4_ATTACHMENTS" WHERE OBJECT_TYPE = ? AND OBJECT_KEY = ? ORDER BY ID',
                (object_type, key))]


def content(db: sqlite3.Connection, predicate: str) -> tuple[bytes, str]:
    """The bytes and MIME type of the attachment named by a key predicate
    (``DocumentInfoRecordDocType='',…,BusinessObjectTypeName='BKPF'``)."""
    keys = dict(re.findall(r"(\w+)='((?:[^']|'')*)'", predicate))
    if set(keys) != set(KEY_PROPERTIES):
        raise ODataError(400, "/IWBEP/CM_MGW_RT/020",
                         "The key predicate needs the eight key properties of "
                         "AttachmentContent")
    row = db.execute('SELECT CONTENT, MIME_TYPE FROM "S4_ATTACHMENTS" WHERE ID = ? AND '
                     "OBJECT_TYPE = ? AND OBJECT_KEY = ?",
                     (int(keys["ArchiveDocumentID"] or "0", 16),
                      keys["BusinessObjectTypeName"],
                      keys["LinkedSAPObjectKey"].replace("''", "'"))).fetchone()
    if row is None:
        raise ODataError(404, "CV_ATTACHMENT/006", "Attachment not found")
    return bytes(row[0]), row[1]


def _literal(params: Mapping[str, str], name: str) -> str:
    value = params.get(name, "")
    if len(value) < 2 or value[0] != "'" or value[-1] != "'":
        raise ODataError(400, "/IWBEP/CM_MGW_RT/022",
                         f"Parameter {name} is missing or not a string literal")
    return value[1:-1].replace("''", "'")


def _entity(number: int, object_type: str, key: str, name: str, mime: str, size: int,
            created: str) -> Row:
    document = f"{number:040X}"
    return {"DocumentInfoRecordDocType": "", "DocumentInfoRecordDocNumber": "",
            "DocumentInfoRecordDocVersion": "", "DocumentInfoRecordDocPart": "",
            "LogicalDocument": document[-32:], "ArchiveDocumentID": document,
            "LinkedSAPObjectKey": key, "BusinessObjectTypeName": object_type,
            "FileName": name, "FileSize": str(size), "MimeType": mime,
            "CreationDateTime": datetime.fromisoformat(created)}


ENTITY_TYPES: dict[str, type] = {**dict.fromkeys(
    (*KEY_PROPERTIES, "FileName", "FileSize", "MimeType"), str),
    "CreationDateTime": datetime}
