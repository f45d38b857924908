"""HTML (e-mail bodies, saved pages): tables and text, read but never run.

:func:`parse_html` walks the markup with the standard library's
:class:`html.parser.HTMLParser`: nothing is fetched or executed, and the
content of ``<script>``, ``<style>``, ``<head>`` and ``<template>`` is dropped.
It returns the tables (rows of cell texts; ``colspan`` repeats nothing) and the
visible text with line breaks at block elements, so that
:mod:`bots.remittance.tables` reads the tables and
:mod:`bots.remittance.plaintext` the prose.

Limits: nested tables are flattened into their outer cell's text plus a table
of their own; CSS-hidden text is still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from bots.domain import Remittance
from bots.remittance import sniff as _sniff
from bots.remittance.plaintext import labels_in, read_decoded, remittances_from_text
from bots.remittance.tables import remittances_from_rows

NAME = "html"

_SKIP = {"script", "style", "head", "template", "noscript", "title"}
_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
          "section", "article", "header", "footer", "blockquote", "pre", "hr"}


@dataclass
class HtmlContent:
    """What a page shows: its tables and its text."""

    tables: list[list[list[str]]] = field(default_factory=list)
    text: str = ""
    scripts_removed: int = 0


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.content = HtmlContent()
        self._skip = 0
        self._text: list[str] = []
        self._tables: list[list[list[str]]] = []  # stack of open tables
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            self.content.scripts_removed += tag == "script"
            return
        if tag in _BLOCK:
            self._text.append("\n")
        if tag == "table":
            self._tables.append([])
        elif tag == "tr" and self._tables:
            self._tables[-1].append([])
        elif tag in ("td", "th") and self._tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag in ("td", "th") and self._tables and self._cell is not None:
            if not self._tables[-1]:  # a cell before any <tr>, or after a nested table
                self._tables[-1].append([])
            self._tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
            self._text.append("  ")
        elif tag == "table" and self._tables:
            self.content.tables.append(self._tables.pop())
        if tag in _BLOCK:
            self._text.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def close(self) -> None:
        super().close()
        while self._tables:
            self.content.tables.append(self._tables.pop())
        lines = (" ".join(line.split()) for line in "".join(self._text).splitlines())
        self.content.text = "\n".join(line for line in lines if line)


def parse_html(markup: str) -> HtmlContent:
    """Tables and visible text of ``markup`` (scripts and styles dropped)."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return parser.content


def remittances_from_html(markup: str, *, source: str, fmt: str,
                          hints: dict[str, str] | None = None) -> list[Remittance]:
    """Remittances in the page's tables, else in its text."""
    content = parse_html(markup)
    labels = {**(hints or {}), **labels_in(content.text.splitlines())}
    found: list[Remittance] = []
    for table in content.tables:
        found.extend(remittances_from_rows(table, source=source, fmt=fmt, hints=labels))
    if not found:
        found = remittances_from_text(content.text, source=source, fmt=fmt, hints=hints)
    if content.scripts_removed:
        for r in found:
            r.warnings.append(f"{content.scripts_removed} <script> element(s) ignored")
    return found


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    if not _sniff.is_html(head):
        return False
    root = _sniff.xml_root(head)  # XML documents with HTML in them are not pages
    return root is None or root[1] in ("", "http://www.w3.org/1999/xhtml")


def read(data: bytes, source: str) -> list[Remittance]:
    """An HTML file as remittances: its tables, else its text."""
    return read_decoded(data, source, remittances_from_html)
