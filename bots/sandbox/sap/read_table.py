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
last key it returned instead (keyset paging), and stops at the last key the
read selects (found once, with the first full page), so the last page of a
key range does not scan the rest of the table. The rows are the same as
with ``OFFSET`` as long as nothing was inserted before that key in between;
a real SAP system gives no better guarantee.

The row text is built by SQLite itself (one ``printf`` per row, its format
made of every field's) and a page comes out of SQLite as one text, so
reading a million rows costs little Python time and several connections
read at once without handing the GIL over row by row.
"""

from __future__ import annotations

from typing import Any

from bots.sandbox.sap.ddic import INTEGER, PACKED, TABLES, Field, fields_of
from bots.sandbox.sap.errors import abap_error
from bots.sandbox.sap.session import Session
from bots.sandbox.sap.where import to_sql

ROW_WIDTH = 512
PRINTF_ARGS = 100  # arguments per printf call (SQLite allows 127 by default)
CLIENT = "100"  # the sandbox's one client (the demo data's MANDT)


def _text_format(f: Field) -> tuple[str, list[str]]:
    """The ``printf`` format of ``f``'s fixed-width text in a row, and its arguments (SQL)."""
    col, w = f'"{f.name}"', f.out_length
    if f.kind in INTEGER:
        return f"%{w}d", [col]
    if f.kind in PACKED:  # right-aligned, the sign trailing: '  12.50-'
        if f.decimals:
            unit, d = 10 ** f.decimals, f.decimals
            return (f"%*d.%0{d}d%s", [f"iif({col} < 0, {w - d - 2}, {w - d - 1})",
                                      f"abs({col}) / {unit}", f"abs({col}) % {unit}",
                                      f"iif({col} < 0, '-', '')"])
        return f"%{w}s", [f"iif({col} < 0, -{col} || '-', {col})"]
    return f"%!-{w}.{w}s", [col]  # left-aligned, cut at w characters ('!': not bytes)


def _row_text(fields: list[Field], delimiter: str) -> tuple[str, list[str]]:
    """SQL of one row's text and the parameters it takes (the delimiters).

    One ``printf`` per row whose format is every field's (the server's time per
    row is mostly this), split in a few when the fields need more than
    :data:`PRINTF_ARGS` arguments.
    """
    parts: list[tuple[list[str], list[str]]] = [([], [])]
    params: list[str] = []
    for i, f in enumerate(fields):
        form, values = _text_format(f)
        if delimiter and i:
            form, values = "%s" + form, ["?", *values]
            params.append(delimiter)
        if len(parts[-1][1]) + len(values) > PRINTF_ARGS:
            parts.append(([], []))
        parts[-1][0].append(form)
        parts[-1][1].extend(values)
    calls = [f"printf('{''.join(forms)}', {', '.join(args)})" for forms, args in parts]
    return f"rtrim({' || '.join(calls)})", params


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
    read_conditions, read_filters = conditions, filters  # of the whole read
    row_key, marker = f"({', '.join(_quoted(key))})", f"({', '.join('?' * len(key))})"
    if seek and mark:
        # Between the mark and the read's last key the key alone guides SQLite: the other
        # conditions become one opaque filter ('+'), else it prefers them, rescans and
        # sorts on every page.
        after, end = mark[1]
        conditions = [f"+({' AND '.join(conditions)})"] if conditions else []
        conditions += [f"{row_key} > {marker}", f"{row_key} <= {marker}"]
        filters = [*filters, *after, *end]
        skip = 0
    row_sql, separators = _row_text([ddic[name] for name in names], delimiter)
    ordered = (f'FROM "{table}"{" WHERE " + " AND ".join(conditions) if conditions else ""} '
               f"ORDER BY {', '.join(_quoted(key))}")
    # The page comes out of SQLite as one text: one step, not one GIL hand-over per row.
    text, count = session.db.execute(
        f"SELECT group_concat(wa, char(0)), count(*) FROM "
        f"(SELECT {row_sql} AS wa {ordered} LIMIT ? OFFSET ?)",
        separators + filters + [p["ROWCOUNT"] or -1, skip]).fetchone()
    if count and p["ROWCOUNT"] and count == p["ROWCOUNT"]:  # a next page may follow
        last = session.db.execute(f"SELECT {', '.join(_quoted(key))} {ordered} LIMIT 1 OFFSET ?",
                                  [*filters, skip + count - 1]).fetchone()
        end = mark[1][1] if seek and mark else _last_key(session, table, key, read_conditions,
                                                         read_filters)
        session.page_marks[signature] = (p["ROWSKIPS"] + count, (tuple(last), end))
    else:
        session.page_marks.pop(signature, None)
    result["DATA"] = [{"WA": wa} for wa in text.split("\0")] if count else []
    return result


def _last_key(session: Session, table: str, key: list[str], conditions: list[str],
              filters: list[Any]) -> tuple:
    """The key of the last row a read selects (found from the end of the key)."""
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return tuple(session.db.execute(
        f"SELECT {', '.join(_quoted(key))} FROM \"{table}\"{where} "
        f"ORDER BY {', '.join(name + ' DESC' for name in _quoted(key))} LIMIT 1",
        filters).fetchone())


def _quoted(names: list[str]) -> list[str]:
    return [f'"{name}"' for name in names]
