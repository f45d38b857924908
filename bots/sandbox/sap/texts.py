"""``Z_ARBOTS_SAVE_TEXT`` / ``Z_ARBOTS_READ_TEXT`` in the simulator: long texts.

A long text is identified as in SAPscript by object, name, ID and language
(``KNB1`` / customer + company code / ``0001`` / ``E``) and is a list of
``TLINE`` rows (``TDFORMAT``, ``TDLINE``). ``I_APPEND = 'X'`` adds the lines
after the existing ones (the wrapper reads, appends and saves); blank
replaces the text. As SAVE_TEXT with ``SAVEMODE_DIRECT`` blank, a saved text
waits in the session's text memory (read back by the same session) and is
written by :func:`commit_text` at ``BAPI_TRANSACTION_COMMIT``; a rollback
drops it, and a posting's own commit leaves it waiting. Reading a text that
does not exist returns no lines (the wrapper turns READ_TEXT's ``NOT_FOUND``
into an empty table).

As the wrappers (``bots/sap/abap/src``), both refuse a call without object,
name or ID (026), a text object arbots does not use (027: only ``KNB1``,
customer + company code, and ``BELEG``, company code + document + fiscal
year) and a name not in its object's layout (028). Then, as the wrappers'
form CHECK_TEXT_AUTHORITY, the logon user needs the company code of the name
in ``F_KNA1_BUK`` (KNB1) or ``F_BKPF_BUK`` (BELEG), ``ACTVT`` 02 to save
(else 022) and 03 to read (else 023), the company code as MESSAGE_V1.
"""

from __future__ import annotations

from typing import Any

from bots.sandbox.sap.interfaces import complete
from bots.sandbox.sap.refused import Refused
from bots.sandbox.sap.session import Session
from bots.sandbox.sap.store import TEXT_TABLE

_KEY = '"TDOBJECT" = ? AND "TDNAME" = ? AND "TDID" = ? AND "TDSPRAS" = ?'


def _key(p: dict[str, Any]) -> tuple[str, str, str, str]:
    return p["I_TDOBJECT"], p["I_TDNAME"], p["I_TDID"], p["I_TDSPRAS"] or "E"


NAME_LENGTH = {"KNB1": 14, "BELEG": 18}  # the text objects arbots uses, their name's length
CHANGE, DISPLAY = "02", "03"  # ACTVT of saving and of reading a text


def _refusal(session: Session, key: tuple[str, str, str, str], actvt: str) -> Refused | None:
    """Why the wrappers refuse to save (``actvt`` 02) or read (03) text ``key``, or None."""
    tdobject, tdname, tdid, _ = key
    if not (tdobject and tdname and tdid):
        return Refused("026", "Text object, name and ID are required")
    if tdobject not in NAME_LENGTH:
        return Refused("027", f"Text object {tdobject} is not one arbots uses (KNB1, BELEG)",
                       tdobject)
    if len(tdname) != NAME_LENGTH[tdobject] or (tdobject == "BELEG"
                                                and not tdname[14:].isdigit()):
        return Refused("028", f"Text name {tdname} does not have the layout of text object "
                              f"{tdobject}", tdname, tdobject)
    bukrs, obj = (tdname[10:14], "F_KNA1_BUK") if tdobject == "KNB1" else \
        (tdname[:4], "F_BKPF_BUK")
    if not session.authority.check(obj, BUKRS=bukrs, ACTVT=actvt):
        what = "change" if actvt == CHANGE else "display"
        return Refused("022" if actvt == CHANGE else "023",
                       f"No authorisation to {what} texts in company code {bukrs}", bukrs)
    return None


def _text(session: Session, key: tuple[str, str, str, str]) -> list[tuple[str, str]]:
    """The lines of text ``key``: as saved in this LUW (text memory), else as stored."""
    if key in session.text_memory:
        return session.text_memory[key]
    return list(session.db.execute(f'SELECT "TDFORMAT", "TDLINE" FROM "{TEXT_TABLE}" '
                                   f'WHERE {_KEY} ORDER BY "SEQ"', key))


def save_text(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The Z_ARBOTS_SAVE_TEXT handler."""
    key = _key(p)
    refused = _refusal(session, key, CHANGE)
    if refused:
        return {"T_LINES": p["T_LINES"], "RETURN": [refused.as_return()]}
    kept = _text(session, key) if p["I_APPEND"] == "X" else []
    session.text_memory[key] = kept + [(line["TDFORMAT"], line["TDLINE"])
                                       for line in p["T_LINES"]]
    done = complete("BAPIRET2", {"TYPE": "S", "ID": "ZARBOTS", "NUMBER": "021",
                                 "MESSAGE": f"Text {key[1]} saved"})
    return {"T_LINES": p["T_LINES"], "RETURN": [done]}


def read_text(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The Z_ARBOTS_READ_TEXT handler."""
    key = _key(p)
    refused = _refusal(session, key, DISPLAY)
    if refused:
        return {"T_LINES": [], "RETURN": [refused.as_return()]}
    return {"T_LINES": [{"TDFORMAT": f, "TDLINE": line} for f, line in _text(session, key)],
            "RETURN": []}


def commit_text(session: Session) -> None:
    """COMMIT_TEXT at COMMIT WORK: the texts of the text memory onto the database."""
    if not session.text_memory:
        return
    session.begin_write()
    for key, lines in session.text_memory.items():
        session.db.execute(f'DELETE FROM "{TEXT_TABLE}" WHERE {_KEY}', key)
        session.db.executemany(f'INSERT INTO "{TEXT_TABLE}" VALUES (?, ?, ?, ?, ?, ?, ?)',
                               [(*key, seq, fmt, line)
                                for seq, (fmt, line) in enumerate(lines, start=1)])
    session.text_memory.clear()
