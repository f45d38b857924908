"""``Z_ARBOTS_SAVE_TEXT`` / ``Z_ARBOTS_READ_TEXT`` in the simulator: long texts.

A long text is identified as in SAPscript by object, name, ID and language
(``KNB1`` / customer + company code / ``0001`` / ``E``) and is a list of
``TLINE`` rows (``TDFORMAT``, ``TDLINE``). ``I_APPEND = 'X'`` adds the lines
after the existing ones (the wrapper reads, appends and saves); blank
replaces the text. Reading a text that does not exist returns no lines (the
wrapper turns READ_TEXT's ``NOT_FOUND`` into an empty table).
"""

from __future__ import annotations

from typing import Any

from bots.sandbox.sap.interfaces import complete
from bots.sandbox.sap.session import Session
from bots.sandbox.sap.store import TEXT_TABLE

_KEY = '"TDOBJECT" = ? AND "TDNAME" = ? AND "TDID" = ? AND "TDSPRAS" = ?'


def _key(p: dict[str, Any]) -> tuple[str, str, str, str]:
    return p["I_TDOBJECT"], p["I_TDNAME"], p["I_TDID"], p["I_TDSPRAS"] or "E"


def _error(message: str) -> dict[str, Any]:
    return complete("BAPIRET2", {"TYPE": "E", "ID": "ZARBOTS", "NUMBER": "020",
                                 "MESSAGE": message})


def save_text(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The Z_ARBOTS_SAVE_TEXT handler."""
    key = _key(p)
    if not all(key[:3]):
        return {"T_LINES": p["T_LINES"], "RETURN": [_error("text object, name and ID are "
                                                           "required")]}
    session.begin_write()
    db = session.db
    if p["I_APPEND"] == "X":
        (last,) = db.execute(f'SELECT coalesce(max("SEQ"), 0) FROM "{TEXT_TABLE}" '
                             f"WHERE {_KEY}", key).fetchone()
    else:
        db.execute(f'DELETE FROM "{TEXT_TABLE}" WHERE {_KEY}', key)
        last = 0
    db.executemany(f'INSERT INTO "{TEXT_TABLE}" VALUES (?, ?, ?, ?, ?, ?, ?)',
                   [(*key, last + i, line["TDFORMAT"], line["TDLINE"])
                    for i, line in enumerate(p["T_LINES"], start=1)])
    done = complete("BAPIRET2", {"TYPE": "S", "ID": "ZARBOTS", "NUMBER": "021",
                                 "MESSAGE": f"Text {key[1]} saved"})
    return {"T_LINES": p["T_LINES"], "RETURN": [done]}


def read_text(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The Z_ARBOTS_READ_TEXT handler."""
    rows = session.db.execute(f'SELECT "TDFORMAT", "TDLINE" FROM "{TEXT_TABLE}" '
                              f'WHERE {_KEY} ORDER BY "SEQ"', _key(p))
    return {"T_LINES": [{"TDFORMAT": f, "TDLINE": line} for f, line in rows], "RETURN": []}
