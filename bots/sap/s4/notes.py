"""Collection notes on S/4HANA: text files attached through API_CV_ATTACHMENT_SRV.

S/4HANA Cloud has no released API for the SAPscript long texts the RFC road
writes (:mod:`bots.sap.notes`). Its released attachment service links files
to business objects, and AR staff see them in the attachment list of the
document or the customer. So each note is one ``text/plain`` file:

* on an accounting document (``BusinessObjectTypeName`` ``BKPF``,
  ``LinkedSAPObjectKey`` company code + document number + fiscal year, as
  SAP keys BKPF), or on the customer (``KNA1``, the customer number);
* named ``arbots-<company code>-<KEY>.txt`` with the note's idempotency key
  in upper case, as every arbots key written to SAP;
* its text: the key line the RFC road writes (:func:`bots.sap.notes.note_header`,
  ``arbots NOTE-… <date> <kind>``), then the note's lines, unwrapped.

A rerun asks SAP whether the note is there (``GetAllOriginals`` and the file
name) before it uploads again; reading notes back downloads the object's
arbots files (``$value``), oldest first. Files that are not arbots notes (a
clerk's own attachments) are left alone.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote as url_quote

from bots.domain import CollectionNote
from bots.sap.errors import SapBusinessError
from bots.sap.notes import NOTE_HEADER, note_header
from bots.sap.s4.odata import ODataClient, odata_body, quote
from bots.sap.values import alpha

SERVICE = "API_CV_ATTACHMENT_SRV"
ENTITY_SET = "AttachmentContentSet"
KEY_PROPERTIES = ("DocumentInfoRecordDocType", "DocumentInfoRecordDocNumber",
                  "DocumentInfoRecordDocVersion", "DocumentInfoRecordDocPart",
                  "LogicalDocument", "ArchiveDocumentID", "LinkedSAPObjectKey",
                  "BusinessObjectTypeName")
_FILE = re.compile(r"^arbots-(\w{1,4})-(NOTE-[0-9A-F]+)\.txt$", re.IGNORECASE)


def linked_object(company_code: str, customer: str, document: str = "",
                  fiscal_year: str = "") -> tuple[str, str]:
    """(business object type, linked object key) of an account's or a document's notes."""
    if document:
        return "BKPF", f"{company_code:<4}{alpha(document)}{fiscal_year}"
    return "KNA1", alpha(customer)


def file_name(note: CollectionNote) -> str:
    """The attachment's file name: company code and the note's key."""
    return f"arbots-{note.company_code}-{note.idempotency_key.upper()}.txt"


def save_note(odata: ODataClient, note: CollectionNote) -> None:
    """Upload ``note`` as a text file on its document or customer (no commit needed:
    the upload is its own unit of work)."""
    object_type, key = linked_object(note.company_code, note.customer, note.document,
                                     note.fiscal_year)
    text = "\n".join((note_header(note), *note.lines)) + "\n"
    odata.upload(SERVICE, ENTITY_SET, text.encode("utf-8"), {
        "Content-Type": "text/plain; charset=utf-8", "Slug": url_quote(file_name(note)),
        "BusinessObjectTypeName": object_type, "LinkedSAPObjectKey": key},
        what=f"{SERVICE}: note {note.idempotency_key} on {object_type} {key}")


def _originals(odata: ODataClient, company_code: str, customer: str, document: str,
               fiscal_year: str) -> list[tuple[str, dict[str, str]]]:
    """(note key, attachment entity) of the object's arbots notes of that company code."""
    object_type, key = linked_object(company_code, customer, document, fiscal_year)
    what = f"{SERVICE}: attachments of {object_type} {key}"
    response = odata.get(SERVICE, odata.service_url(SERVICE) + "GetAllOriginals",
                         {"LinkedSAPObjectKey": quote(key),
                          "BusinessObjectTypeName": quote(object_type), "$format": "json"},
                         what=what)
    found = []
    for entity in odata_body(response, what).get("results", []):
        match = _FILE.match(entity.get("FileName", ""))
        if match and match.group(1) == company_code:
            found.append((match.group(2).lower(), entity))
    return found


def has_note(odata: ODataClient, company_code: str, customer: str, idempotency_key: str,
             document: str = "", fiscal_year: str = "") -> bool:
    """Whether the note with this key is attached already."""
    return any(key == idempotency_key.lower() for key, _ in
               _originals(odata, company_code, customer, document, fiscal_year))


def read_notes(odata: ODataClient, company_code: str, customer: str, document: str = "",
               fiscal_year: str = "") -> list[CollectionNote]:
    """The arbots notes on the account (or on one of its documents), oldest first."""
    notes = []
    for _, entity in _originals(odata, company_code, customer, document, fiscal_year):
        predicate = ",".join(f"{name}={quote(entity.get(name, ''))}" for name in KEY_PROPERTIES)
        what = f"{SERVICE}: attachment {entity.get('FileName')}"
        body = odata.get(SERVICE, odata.service_url(SERVICE) + f"{ENTITY_SET}({predicate})"
                         "/$value", None, what=what).content
        first, *lines = body.decode("utf-8").splitlines() or [""]
        header = NOTE_HEADER.match(first)
        if header is None:
            raise SapBusinessError(f"{what}: not an arbots note (its first line names no key)")
        notes.append(CollectionNote(company_code=company_code, customer=alpha(customer),
                                    on=date.fromisoformat(header[2]), lines=tuple(lines),
                                    kind=header[3], document=document,
                                    fiscal_year=fiscal_year))
    return notes
