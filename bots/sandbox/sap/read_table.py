"""``RFC_READ_TABLE`` in the simulator, with the behaviour clients depend on.

* ``QUERY_TABLE`` must be a table of the sandbox DDIC, else
  ``TABLE_NOT_AVAILABLE``; each ``FIELDS-FIELDNAME`` a field of it, else
  ``FIELD_NOT_VALID`` (no fields: all of them).
* Each row is one ``WA`` text: the fields left-aligned (packed numbers
  right-aligned, sign trailing) at fixed offsets, each as wide as
  :attr:`~bots.sandbox.sap.ddic.Field.out_length`, separated by
  ``DELIMITER`` if one is given, right-stripped as pyrfc strips CHAR. Wider
  than 512 characters: ``DATA_BUFFER_EXCEEDED``, checked before
  ``NO_DATA`` as in SAP, so even a layout request fails.
* ``FIELDS`` comes back with ``OFFSET``/``LENGTH``/``TYPE``/``FIELDTEXT``.
* ``OPTIONS`` is parsed by :mod:`bots.sandbox.sap.where`; rows come in
  primary-key order, ``ROWSKIPS`` rows skipped, at most ``ROWCOUNT``
  (0: all). As in Open SQL, a client-dependent table is read in the logon
  client only (``MANDT = '100'`` added), so a condition on the next key
  fields seeks instead of scanning.

Paging shortcut: SAP (and a plain ``OFFSET``) reads and throws away the
skipped rows on every page, which makes a million-row read quadratic. When a
call asks for the page right after the one the same session just read with
the same table, fields and WHERE text, the simulator continues after the
last key it returned instead (keyset paging). The rows are the same as with
``OFFSET`` as long as nothing was inserted before that key in between; a
real SAP system gives no better guarantee.

The row text is built by SQLite itself (``printf``) and a page comes out of
SQLite as one text, so reading a million rows costs little Python time and
several connections read at once without handing the GIL over row by row.
"""

from __future__ import annotations

from typing import Any

from bots.sandbox.sap.ddic import INTEGER, PACKED, TABLES, Field, fields_of
from bots.sandbox.sap.errors import abap_error
from bots.sandbox.sap.session import Session
from bots.sandbox.sap.where import to_sql

ROW_WIDTH = 512
CLIENT = "100"  # the sandbox's one client (the demo data's MANDT)


def _text_expr(f: Field) -> str:
    """SQL producing the fixed-width text of ``f`` in a row (one function call a field:
    the server's time per row is mostly these)."""
    col, w = f'"{f.name}"', f.out_length
    if f.kind in INTEGER:
        return f"printf('%{w}d', {col})"
    if f.kind in PACKED:  # right-aligned, the sign trailing: '  12.50-'
        if f.decimals:
            unit, d = 10 ** f.decimals, f.decimals
            return (f"CASE WHEN {col} < 0 THEN printf('%{w - d - 2}d.%0{d}d-', -{col} / {unit}, "
                    f"-{col} % {unit}) ELSE printf('%{w - d - 1}d.%0{d}d', {col} / {unit}, "
                    f"{col} % {unit}) END")
        return (f"CASE WHEN {col} < 0 THEN printf('%{w}s', -{col} || '-') "
                f"ELSE printf('%{w}s', {col}) END")
    return f"substr(ifnull({col}, '') || '{' ' * w}', 1, {w})"  # left-aligned, cut at w


def read_table(session: Session, p: dict[str, Any]) -> dict[str, Any]:
    """The RFC_READ_TABLE handler."""
    table = p["QUERY_TABLE"].upper()
    if table not in TABLES:
        raise abap_error("TABLE_NOT_AVAILABLE", f"table {table} is not available",
                         msg_v1=table)
    ddic = fields_of(table)
    names = [row["FIELDNAME"].upper() for row in p["FIELDS"]] or list(ddic)
    for name in names:
        if name not in ddic:
            raise abap_error("FIELD_NOT_VALID", f"{table}-{name} is not a valid field",
                             msg_v1=name)
    delimiter = p["DELIMITER"]
    layout, offset = [], 0
    for i, name in enumerate(names):
        f = ddic[name]
        offset += len(delimiter) if i else 0
        layout.append({"FIELDNAME": name, "OFFSET": f"{offset:06d}",
                       "LENGTH": f"{f.out_length:06d}", "TYPE": f.abap_type,
                       "FIELDTEXT": f.text})
        offset += f.out_length
        if offset > ROW_WIDTH:
            raise abap_error("DATA_BUFFER_EXCEEDED",
                             f"{table}: the fields need more than {ROW_WIDTH} characters")
    result: dict[str, Any] = {"OPTIONS": p["OPTIONS"], "FIELDS": layout, "DATA": []}
    if p["NO_DATA"]:
        return result
    where = to_sql([row["TEXT"] for row in p["OPTIONS"]], ddic)
    key = [f.name for f in TABLES[table] if f.key]
    conditions = [where.sql] if where.sql else []
    filters: list[Any] = list(where.params)
    signature = (table, tuple(names), delimiter, where.sql, tuple(where.params))
    skip = p["ROWSKIPS"]
    mark = session.page_marks.get(signature)
    seek = bool(skip and mark and mark[0] == skip)  # the next page of the same read
    if key[0] == "MANDT":  # Open SQL adds the logon client, so a key range is a seek
        conditions.insert(0, '"MANDT" = ?')
        filters.insert(0, CLIENT)
    if seek and mark:
        # Past the mark the key alone guides SQLite: the other conditions become one
        # opaque filter ('+'), else it prefers them, rescans and sorts on every page.
        conditions = [f"+({' AND '.join(conditions)})"] if conditions else []
        conditions.append(f"({', '.join(_quoted(key))}) > ({', '.join('?' * len(key))})")
        filters += list(mark[1])
        skip = 0
    separator = " || ? || " if delimiter else " || "
    row_sql = separator.join(_text_expr(ddic[name]) for name in names)
    ordered = (f'FROM "{table}"{" WHERE " + " AND ".join(conditions) if conditions else ""} '
               f"ORDER BY {', '.join(_quoted(key))}")
    # The page comes out of SQLite as one text: one step, not one GIL hand-over per row.
    text, count = session.db.execute(
        f"SELECT group_concat(wa, char(0)), count(*) FROM "
        f"(SELECT rtrim({row_sql}) AS wa {ordered} LIMIT ? OFFSET ?)",
        [delimiter] * (len(names) - 1 if delimiter else 0) + filters +
        [p["ROWCOUNT"] or -1, skip]).fetchone()
    if count and p["ROWCOUNT"] and count == p["ROWCOUNT"]:  # a next page may follow
        last = session.db.execute(f"SELECT {', '.join(_quoted(key))} {ordered} LIMIT 1 OFFSET ?",
                                  [*filters, skip + count - 1]).fetchone()
        session.page_marks[signature] = (p["ROWSKIPS"] + count, tuple(last))
    else:
        session.page_marks.pop(signature, None)
    result["DATA"] = [{"WA": wa} for wa in text.split("\0")] if count else []
    return result


def _quoted(names: list[str]) -> list[str]:
    return [f'"{name}"' for name in names]
