"""A tiny HTML/SVG builder that escapes by default.

Every piece of text that reaches the page goes through :func:`el` or
:func:`esc`, which escape it (``<``, ``>``, ``&``, both quotes) unless it is
already :class:`Safe` (markup this package built). Remittance and customer
text therefore cannot open a tag or break out of an attribute::

    >>> el("td", '<script>alert(1)</script>', class_="num")
    '<td class="num">&lt;script&gt;alert(1)&lt;/script&gt;</td>'

Attribute names come from code (``class_`` -> ``class``, ``data_x`` ->
``data-x``), values are escaped. :func:`relative_href` turns a path into a
link target only when it is relative and has no scheme, so a report never
points outside its own folder.

Limits: no templates, no pretty-printing; enough for a report page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit


class Safe(str):
    """Text that is already markup (built here); inserted as is."""



def esc(value: object) -> Safe:
    """``value`` as text, escaped unless it is already :class:`Safe`."""
    if isinstance(value, Safe):
        return value
    return Safe(html.escape(str(value), quote=True))


def join(parts: Iterable[object]) -> Safe:
    """The parts escaped and concatenated (None parts skipped)."""
    return Safe("".join(esc(part) for part in parts if part is not None))


def _attrs(attrs: dict[str, object]) -> str:
    out = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        key = name.rstrip("_").replace("_", "-")
        out.append(f" {key}" if value is True else f' {key}="{esc(value)}"')
    return "".join(out)


def el(tag: str, *children: object, **attrs: object) -> Safe:
    """``<tag attrs>children</tag>``: children and attribute values escaped.

    A child may be text, :class:`Safe` markup, None (skipped) or a list of those.
    """
    body = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, list | tuple):
            body.append(join(c for c in child if c is not None))
        else:
            body.append(esc(child))
    return Safe(f"<{tag}{_attrs(attrs)}>{''.join(body)}</{tag}>")


def void(tag: str, **attrs: object) -> Safe:
    """An element without content (``<meta ...>``, ``<rect .../>``)."""
    return Safe(f"<{tag}{_attrs(attrs)}/>")


def relative_href(path: str) -> str | None:
    """A link target for ``path`` inside the run folder, or None if it points elsewhere.

    Absolute paths, ``..`` escapes and anything with a scheme (``http:``,
    ``javascript:``, ``file:``) give None: the caller shows them as text.
    """
    if not path or urlsplit(path).scheme or urlsplit(path).netloc or "\\" in path:
        return None
    posix = PurePosixPath(path)
    if posix.is_absolute() or ".." in posix.parts:
        return None
    return quote(path, safe="/")
