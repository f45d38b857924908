"""Notes on customer accounts, as SAP long texts through our text wrappers.

A customer account's notes are one long text (SAPscript ``SAVE_TEXT``/
``READ_TEXT``; not remote-enabled, hence the wrappers ``Z_ARBOTS_SAVE_TEXT``
and ``Z_ARBOTS_READ_TEXT`` in ``bots/sap/abap``): text object from
``sap.note_text_object`` (``KNB1`` by default), name = customer number +
company code (SAP's convention for KNB1 texts), ID :data:`TEXT_ID`. Each
note is appended to it as a block whose first line carries the note's
idempotency key::

    * arbots NOTE-3F2A9C0D1E7B 2026-11-24 collections
    / Reminder sent to ap@acme.example.com for 3 items, 12,400.00 USD
    / past due; next follow-up 2026-12-08.

(``*`` starts a paragraph, ``/`` a new line, ``=`` continues a line longer
than the 132 characters of ``TDLINE``.) So a rerun asks SAP itself whether
the note is there (:func:`has_note`) before writing it again. The key is
written in upper case, as every arbots key written to SAP (XBLNR has no
lower case), and read back in arbots' own lower-case form, so notes written
either way are found. Lines of the
text that are not arbots notes (a clerk's own notes) are kept, and skipped
when reading notes back.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bots.domain import CollectionNote
from bots.sap.errors import raise_for_return
from bots.sap.rfc import Rfc
from bots.sap.values import alpha

TEXT_ID = "0001"
LANGUAGE = "E"
LINE_WIDTH = 132
DOCUMENT_OBJECT = "BELEG"  # SAPscript text object of accounting documents
NOTE_HEADER = re.compile(r"^arbots (note-[0-9a-f]+) (\d{4}-\d{2}-\d{2}) (\S+)$", re.IGNORECASE)


def _text_key(object_name: str, company_code: str, customer: str, document: str = "",
              fiscal_year: str = "") -> dict[str, Any]:
    """The long text of the account, or of the document (BELEG: BUKRS + BELNR + GJAHR)."""
    if document:
        return {"I_TDOBJECT": DOCUMENT_OBJECT,
                "I_TDNAME": f"{company_code:<4}{alpha(document)}{fiscal_year}",
                "I_TDID": TEXT_ID, "I_TDSPRAS": LANGUAGE}
    return {"I_TDOBJECT": object_name, "I_TDNAME": f"{alpha(customer)}{company_code}",
            "I_TDID": TEXT_ID, "I_TDSPRAS": LANGUAGE}


def note_header(note: CollectionNote) -> str:
    """A note's first line: its key (upper case), day and kind (:data:`NOTE_HEADER`)."""
    return f"arbots {note.idempotency_key.upper()} {note.on.isoformat()} {note.kind}"


def note_lines(note: CollectionNote) -> list[dict[str, str]]:
    """The TLINE rows of a note: the key line, then each line wrapped at 132."""
    lines = [{"TDFORMAT": "*", "TDLINE": note_header(note)}]
    for text in note.lines:
        chunks = _chunks(text)
        lines.append({"TDFORMAT": "/", "TDLINE": chunks[0]})
        lines.extend({"TDFORMAT": "=", "TDLINE": chunk} for chunk in chunks[1:])
    return lines


def _chunks(text: str) -> list[str]:
    """``text`` in pieces of at most 132 characters, none ending in a blank.

    (RFC strips trailing blanks of CHAR fields, which would lose them.)
    """
    pieces, start = [], 0
    while start < len(text):
        end = min(start + LINE_WIDTH, len(text))
        while end < len(text) and end - 1 > start and text[end - 1] == " ":
            end -= 1
        pieces.append(text[start:end])
        start = end
    return pieces or [""]


def save_note(rfc: Rfc, object_name: str, note: CollectionNote) -> None:
    """Append ``note`` to the account's text (in the current LUW: commit after).

    The customer number must carry SAP's leading zeros: the idempotency key is
    computed from it, and ``100042`` and ``0000100042`` would give two keys.
    """
    if note.customer != alpha(note.customer):
        raise ValueError(f"note for customer {note.customer!r}: write the SAP number with "
                         f"its leading zeros ({alpha(note.customer)!r})")
    text = _text_key(object_name, note.company_code, note.customer, note.document,
                     note.fiscal_year)
    result = rfc.call("save_text", write=True, I_APPEND="X", T_LINES=note_lines(note), **text)
    raise_for_return(rfc.name("save_text"), result["RETURN"], text)


def read_notes(rfc: Rfc, object_name: str, company_code: str, customer: str,
               document: str = "", fiscal_year: str = "") -> list[tuple[str, CollectionNote]]:
    """(idempotency key, lower case, note) for each arbots note of the account or document."""
    text = _text_key(object_name, company_code, customer, document, fiscal_year)
    result = rfc.call("read_text", **text)
    raise_for_return(rfc.name("read_text"), result["RETURN"], text)
    notes: list[tuple[str, str, str, list[str]]] = []
    current: list[str] | None = None  # lines of the note being read
    for row in result["T_LINES"]:
        fmt, text = row["TDFORMAT"], row["TDLINE"]
        header = NOTE_HEADER.match(text) if fmt == "*" else None
        if header:
            current = []
            notes.append((header[1].lower(), header[2], header[3], current))
        elif current is not None and fmt == "=" and current:
            current[-1] += text
        elif current is not None and fmt in ("/", "="):
            current.append(text)
        else:  # a clerk's own paragraph ends our note
            current = None
    return [(key, CollectionNote(company_code=company_code, customer=alpha(customer),
                                 on=date.fromisoformat(on), lines=tuple(lines), kind=kind,
                                 document=document, fiscal_year=fiscal_year))
            for key, on, kind, lines in notes]
