"""Telling formats apart by their content, not by their file name.

Each reader's ``sniff(head, name)`` is built from these predicates; ``head`` is
the first :data:`HEAD_BYTES` of the file, ``name`` its file name (a hint only:
an ``.txt`` holding an X12 820 is read as X12, a ``.csv`` holding a PDF as PDF).

What each looks at:

==========  ===========================================================
pdf         ``%PDF-`` in the first KiB
zip/xlsx    ``PK\\x03\\x04``; an ``xl/`` member name in the head -> xlsx
xml         the root element's local name and namespace (camt.05x; CII/UBL e-invoices)
x12         ``ISA`` first (the reader then looks for ``ST*820``)
bai2        a first record ``NN,`` ending with ``/``
mt940       ``:20:`` and ``:61:`` or ``:60F:`` tags; a fragment's ``:61:``/``:86:``/balance line
e-mail      RFC 5322 headers (From/Subject/MIME-Version/Received) first
html        a ``<html``, ``<body`` or ``<table`` tag early on
csv         a delimiter (``, ; TAB |``) giving >= 2 steady columns
image       PNG/JPEG/GIF/TIFF magic numbers
==========  ===========================================================

Text in UTF-16 (Excel's "Unicode text" export: tab-separated, UTF-16LE with a
byte-order mark) is first re-encoded as UTF-8 by :func:`as_utf8`, so that every
text reader sees one encoding.

Limits: a text file that is none of the above is "text" (plain-text lists).
UTF-16 without a byte-order mark is recognised only when it is mostly ASCII.
"""

from __future__ import annotations

import csv
import re

HEAD_BYTES = 65536

_BOM = b"\xef\xbb\xbf"
_PROLOG = re.compile(rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*",
                     re.DOTALL)
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)([^>]*)>")
_XMLNS = re.compile(rb"""xmlns(:[\w.\-]+)?\s*=\s*["']([^"']+)["']""")
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9_-]*:")  # RFC 5322: name, colon; the value may fold
_XML_DECL_UTF16 = re.compile(r"""\A(<\?xml[^>]*encoding\s*=\s*["'])utf-16(?:[lb]e)?(["'])""",
                             re.I)
#: An amount with thousands commas and decimals (``1,234.56``): its commas separate no columns.
_GROUPED_AMOUNT = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+\.\d{2}(?![\d,.])")
_MAIL_HEADERS = (b"from:", b"subject:", b"mime-version:", b"received:", b"message-id:",
                 b"return-path:", b"content-type:", b"to:", b"date:")


def as_utf8(data: bytes) -> bytes:
    """UTF-16 text re-encoded as UTF-8 (its XML declaration too); other bytes unchanged."""
    encoding = _utf16(data[:4096])
    if encoding is None:
        return data
    try:
        text = data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        return data
    return _XML_DECL_UTF16.sub(r"\1UTF-8\2", text, count=1).encode("utf-8")


def _utf16(head: bytes) -> str | None:
    """The UTF-16 codec ``head`` is written in: by its BOM, else by NULs beside ASCII."""
    if head.startswith(b"\xff\xfe\x00\x00"):  # UTF-32 LE: not ours to guess
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    even, odd = head[0::2], head[1::2]
    if len(head) < 16 or len(head) % 2:
        return None
    if odd.count(0) * 10 >= len(odd) * 9 and 0 not in even:
        return "utf-16-le"
    if even.count(0) * 10 >= len(even) * 9 and 0 not in odd:
        return "utf-16-be"
    return None


def strip_bom(head: bytes) -> bytes:
    """``head`` without a UTF-8 byte-order mark and leading white space."""
    return head.removeprefix(_BOM).lstrip()


def is_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:1024]


def is_zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def is_xlsx(head: bytes, name: str) -> bool:
    """A zip holding a workbook (the ``xl/`` parts, or an .xlsx/.xlsm name)."""
    return is_zip(head) and (b"xl/" in head or name.lower().endswith((".xlsx", ".xlsm")))


def xml_root(head: bytes) -> tuple[str, str] | None:
    """(local name, namespace) of the root element, or None when not XML."""
    text = _PROLOG.sub(b"", strip_bom(head))
    m = _XML_ROOT.match(text)
    if not m:
        return None
    prefix = (m.group(1) or b":")[:-1]
    namespaces = {p.lstrip(b":"): uri for p, uri in _XMLNS.findall(m.group(3))}
    return (m.group(2).decode("ascii", "replace"),
            namespaces.get(prefix, b"").decode("utf-8", "replace"))


def is_x12(head: bytes) -> bool:
    return strip_bom(head).startswith(b"ISA")


def is_bai2(head: bytes) -> bool:
    """First record looks like a BAI record (``01,`` ... ``/``), even a broken one."""
    first = strip_bom(head).split(b"\n", 1)[0].strip()
    return re.match(rb"\d\d,", first) is not None and b"/" in first


def is_mt940(head: bytes) -> bool:
    """A statement (``:20:`` with ``:61:``/``:60F:``), or a fragment: a ``:61:``/``:86:`` line
    or a balance line ``:60F:``/``:62F:`` at the start of a line."""
    return (b":20:" in head and (b":61:" in head or b":60F:" in head)) or \
        re.search(rb"(?m)^:(?:61:\d{6}|6[02][FM]:[CD]\d{6}|86:)", head) is not None


def is_email(head: bytes) -> bool:
    """RFC 5322 headers at the top (an mbox ``From `` line is allowed)."""
    lines = strip_bom(head).splitlines()[:60]
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    seen = 0
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE.match(line):
            return False
        seen += line.lower().startswith(_MAIL_HEADERS)
    return seen >= 2


def is_html(head: bytes) -> bool:
    low = head[:4096].lower()
    return any(tag in low for tag in (b"<html", b"<body", b"<table"))


def is_image(head: bytes) -> bool:
    return head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*"))


def is_text(head: bytes) -> bool:
    """No NUL bytes and mostly printable: something a person could read."""
    sample = head[:8192]
    if not sample or b"\x00" in sample:
        return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control <= len(sample) // 100


def csv_delimiter(text: str) -> str | None:
    """The delimiter (``, ; TAB |``) giving the most rows of one width >= 2, or None.

    Metadata rows above a table ("Payer;ACME") may be narrower: the modal
    width needs only two rows and two fifths of the non-blank rows. The commas
    of an unquoted amount (``Invoice 4711    1,234.56``) do not count as
    delimiters, so a plain-text advice is not taken for comma-separated values.
    """
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_rows = None, 0
    for delimiter in (",", ";", "\t", "|"):
        cells = [_GROUPED_AMOUNT.sub("0", line) for line in lines] if delimiter == "," else lines
        try:
            widths = [len(row) for row in csv.reader(cells, delimiter=delimiter)]
        except csv.Error:  # a field beyond csv's size limit: not a sheet we can read
            continue
        wide = [w for w in widths if w >= 2]
        if not wide:
            continue
        modal = max(set(wide), key=wide.count)
        rows = wide.count(modal)
        if rows >= 2 and rows * 5 >= len(lines) * 2 and rows > best_rows:
            best, best_rows = delimiter, rows
    return best


def is_csv(head: bytes) -> bool:
    return is_text(head) and csv_delimiter(head.decode("utf-8", "replace")) is not None
