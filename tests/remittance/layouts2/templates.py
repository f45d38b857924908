"""The six layout templates, drawn with reportlab from a :class:`Doc`.

- ``avis``: an ERP payment advice letter (SAP F110 style): letterhead, address
  window, label/value block at the right, a sentence, an unruled table, a sum.
- ``erp``: an Oracle / Dynamics / NetSuite print: header fields in a ruled box
  (labels above values), a fully ruled table with a shaded header.
- ``stub``: a cheque voucher: the stub with the lines on top, a perforation,
  the cheque face (amount in words, MICR line) below.
- ``portal``: a Coupa / Ariba / Bill.com remittance e-mail printed to PDF:
  "Label: value" lines, a light table with PO numbers and balances.
- ``ledger``: a long list over several pages (relación de facturas):
  repeated headers, carried-forward rows, "page n of m".
- ``bank``: a bank credit advice: bank letterhead, ordering party, amount,
  value date, and the remittance information as reference/amount pairs
  (sometimes two pairs side by side).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import reportlab
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tests.remittance.layouts2 import words as W
from tests.remittance.layouts2.document import AMOUNT_ROLES, Doc, Row

_VERA = Path(reportlab.__file__).parent / "fonts"
if "Vera" not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(TTFont("Vera", str(_VERA / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("Vera-Bold", str(_VERA / "VeraBd.ttf")))
_BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold",
         "Vera": "Vera-Bold"}
MARGIN = 42.0
BOTTOM = 70.0


class Pen:
    """A canvas with the document's font, page numbering and page furniture."""

    def __init__(self, doc: Doc, pages: int) -> None:
        self.doc = doc
        self.size = letter if doc.lang == "en" else A4
        self.buf = io.BytesIO()
        self.canvas = Canvas(self.buf, pagesize=self.size, pageCompression=0, invariant=1)
        self.canvas.setTitle(str(doc.opts["title"]))
        self.page = 1
        self.pages = pages
        self.w, self.h = self.size

    def font(self, bold: bool = False) -> str:
        return _BOLD[self.doc.font] if bold else self.doc.font

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return pdfmetrics.stringWidth(text, self.font(bold), size)

    def text(self, x: float, y: float, text: str, size: float = 9, bold: bool = False,
             align: str = "l") -> None:
        self.canvas.setFont(self.font(bold), size)
        if align == "r":
            self.canvas.drawRightString(x, y, text)
        elif align == "c":
            self.canvas.drawCentredString(x, y, text)
        else:
            self.canvas.drawString(x, y, text)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.5,
             dash: tuple[int, int] | None = None) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.setDash(*(dash or (1, 0)))
        self.canvas.line(x0, y0, x1, y1)
        self.canvas.setDash(1, 0)

    def box(self, x: float, y: float, w: float, h: float, fill: float | None = None) -> None:
        self.canvas.setLineWidth(0.5)
        if fill is not None:
            self.canvas.setFillGray(fill)
            self.canvas.rect(x, y, w, h, stroke=0, fill=1)
            self.canvas.setFillGray(0)
        else:
            self.canvas.rect(x, y, w, h, stroke=1, fill=0)

    def footer(self) -> None:
        doc = self.doc
        self.text(MARGIN, 30, str(doc.opts["footer"]), size=6.5)
        if self.pages > 1:
            self.text(self.w - MARGIN, 30, W.PAGE[doc.lang].format(n=self.page, of=self.pages),
                      size=7.5, align="r")

    def new_page(self) -> float:
        """Close this page (footer), start the next with a short running head; its top y."""
        self.footer()
        self.canvas.showPage()
        self.page += 1
        doc = self.doc
        self.text(MARGIN, self.h - 40, doc.payer, size=9, bold=True)
        head = f"{doc.opts['title']} {doc.payment_ref}"
        self.text(self.w - MARGIN, self.h - 40, head, size=8.5, align="r")
        return self.h - 70

    def finish(self) -> tuple[bytes, int]:
        self.footer()
        self.canvas.showPage()
        self.canvas.save()
        return self.buf.getvalue(), self.page


# --------------------------------------------------------------------------- parts


def fields(pen: Pen, x: float, y: float, keys: list[str], style: str, size: float = 8.5,
           align_right: float | None = None) -> float:
    """The header fields as label/value pairs from (x, y) down; the y below them."""
    doc = pen.doc
    labels = [doc.labels[k] for k in keys]
    values = [doc.field_value(k) for k in keys]
    if style == "stacked":
        for label, value in zip(labels, values, strict=True):
            pen.text(x, y, label, size=size - 1.5)
            pen.text(x, y - size - 1, value, size=size, bold=True)
            y -= 2 * size + 6
        return y
    tab = max(pen.width(f"{lb}:", size) for lb in labels) + 10
    for label, value in zip(labels, values, strict=True):
        pen.text(x, y, f"{label}:" if style == "colon" else label, size=size)
        if align_right is not None:
            pen.text(align_right, y, value, size=size, align="r")
        else:
            pen.text(x + tab, y, value, size=size)
        y -= size + 4
    return y


def box_fields(pen: Pen, y: float, keys: list[str]) -> float:
    """Header fields as a ruled row of cells, the label small above the value."""
    doc = pen.doc
    cell = (pen.w - 2 * MARGIN) / len(keys)
    for n, key in enumerate(keys):
        x = MARGIN + n * cell
        pen.box(x, y - 28, cell, 28)
        pen.text(x + 4, y - 10, doc.labels[key].upper(), size=6.5)
        pen.text(x + 4, y - 22, doc.field_value(key), size=9, bold=True)
    return y - 40


def _layout(pen: Pen, doc: Doc, x0: float, x1: float, size: float) -> tuple[list[float], float]:
    """Column left edges and the font size that makes the table fit between x0 and x1."""
    while True:
        widths = []
        for role, label in doc.columns:
            cells = [doc.cell(role, r) for r in doc.rows] + [doc.amount(doc.total)]
            head = max(pen.width(part, size, bold=True) for part in label.split("\n"))
            widths.append(max(head, max(pen.width(c, size) for c in cells)) + 8)
        if sum(widths) <= x1 - x0 or size <= 6:
            break
        size -= 0.5
    spare = max(0.0, (x1 - x0) - sum(widths))
    gap = spare / max(1, len(widths) - 1) if doc.opts["spread"] else 0.0
    edges, x = [], x0
    for width in widths:
        edges.append(x)
        x += width + gap
    edges.append(x - gap)
    return edges, size


def _put(pen: Pen, doc: Doc, edges: list[float], values: dict[str, str], y: float, size: float,
         bold: bool = False) -> None:
    for n, (role, _label) in enumerate(doc.columns):
        text = values.get(role)
        if text is None:
            continue
        if role in AMOUNT_ROLES:
            pen.text(edges[n + 1] - 4, y, text, size=size, bold=bold, align="r")
        else:
            pen.text(edges[n] + 2, y, text, size=size, bold=bold)


def table(pen: Pen, y: float, x0: float = MARGIN, x1: float | None = None,
          size: float | None = None) -> tuple[float, list[float], float]:
    """The lines table from ``y`` down, over pages if need be; (y below it, edges, size)."""
    doc = pen.doc
    x1 = pen.w - MARGIN if x1 is None else x1
    edges, size = _layout(pen, doc, x0, x1, float(size or doc.opts["size"]))  # type: ignore[arg-type]
    ruling = doc.opts["ruling"]
    step = size + 5

    def header(y: float) -> float:
        lines = max(label.count("\n") + 1 for _, label in doc.columns)
        height = lines * (size + 2) + 4
        if doc.opts["fill"]:
            pen.box(edges[0], y - height + size - 1, edges[-1] - edges[0], height, fill=0.85)
        for n, (role, label) in enumerate(doc.columns):
            parts = label.split("\n")
            top = y - (lines - len(parts)) * (size + 2)       # bottom-aligned headers
            for k, part in enumerate(parts):
                if role in AMOUNT_ROLES:
                    pen.text(edges[n + 1] - 4, top - k * (size + 2), part, size, True, "r")
                else:
                    pen.text(edges[n] + 2, top - k * (size + 2), part, size, True)
        bottom = y - height + size - 1
        if ruling != "none":
            pen.line(edges[0], bottom, edges[-1], bottom, width=0.8)
        if ruling == "grid":
            pen.line(edges[0], bottom + height, edges[-1], bottom + height, width=0.8)
        return bottom - size - 3

    def rule(y: float, top: float) -> None:
        if ruling in ("rows", "grid"):
            pen.line(edges[0], y - 3, edges[-1], y - 3, width=0.3)
        if ruling == "grid":
            for x in edges:
                pen.line(x, top + size + 2, x, y - 3, width=0.3)

    top = y
    y = header(y)
    running = Decimal(0)
    paid_role = "paid" if any(r == "paid" for r, _ in doc.columns) else None
    label_at = doc.columns[0][0]
    for n, row in enumerate(doc.rows):
        if y < BOTTOM + step * 2:
            if doc.opts["carry"] and paid_role:
                _put(pen, doc, edges, {label_at: str(doc.opts["carried"]),
                                       "paid": doc.amount(running)}, y, size, bold=True)
            top = pen.new_page()
            y = header(top)
            if doc.opts["carry"] and paid_role:
                _put(pen, doc, edges, {label_at: str(doc.opts["brought"]),
                                       "paid": doc.amount(running)}, y, size, bold=True)
                y -= step
        if doc.opts["zebra"] and n % 2:
            pen.box(edges[0], y - 3, edges[-1] - edges[0], step, fill=0.93)
        _put(pen, doc, edges, {role: doc.cell(role, row) for role, _ in doc.columns}, y, size)
        running += row.paid
        rule(y, y)
        y -= step
    return y, edges, size


def total_row(pen: Pen, y: float, edges: list[float], size: float, with_currency: bool) -> float:
    doc = pen.doc
    paid_at = [r for r, _ in doc.columns].index("paid")
    pen.line(edges[paid_at], y + size + 1, edges[paid_at + 1], y + size + 1, width=0.8)
    label = str(doc.opts["total_label"]) + (f" {doc.currency}" if with_currency else "")
    values = {doc.columns[0][0]: label, "paid": doc.amount(doc.total)}
    if paid_at == 0:
        values = {"paid": doc.amount(doc.total)}
        pen.text(edges[0] - 4, y, label, size, True, "r")
    _put(pen, doc, edges, values, y, size, bold=True)
    return y - 2 * size


def letterhead(pen: Pen, y: float) -> float:
    doc = pen.doc
    pen.text(MARGIN, y, doc.payer, size=13, bold=True)
    pen.text(MARGIN, y - 13, f"Industriestr. 12 · {doc.city}" if doc.lang == "de"
             else f"12 Main Street · {doc.city}" if doc.lang == "en" else doc.city, size=8)
    return y - 30


# --------------------------------------------------------------------------- templates


def avis(pen: Pen) -> None:
    doc = pen.doc
    y = letterhead(pen, pen.h - 50)
    pen.text(MARGIN, y - 20, str(doc.opts["us"]), size=9)
    pen.text(MARGIN, y - 31, "Postfach 10 20 30", size=9)
    pen.text(MARGIN, y - 42, "20457 Hamburg", size=9)
    fields(pen, pen.w / 2 + 30, y - 10, doc.field_keys, str(doc.opts["field_style"]))
    y -= 130
    pen.text(MARGIN, y, str(doc.opts["title"]), size=12, bold=True)
    pen.text(MARGIN, y - 18, str(doc.opts["intro"]), size=9)
    y, edges, size = table(pen, y - 42)
    total_row(pen, y - 4, edges, size, with_currency=True)


def erp(pen: Pen) -> None:
    doc = pen.doc
    y = letterhead(pen, pen.h - 50)
    pen.text(pen.w - MARGIN, pen.h - 50, str(doc.opts["title"]), size=16, bold=True, align="r")
    y = box_fields(pen, y - 10, doc.field_keys)
    y, edges, size = table(pen, y - 10)
    total_row(pen, y - 4, edges, size, with_currency=False)


def _words(amount: Decimal) -> str:
    """English amount in words, as on a cheque face."""
    ones = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen")
    tens = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

    def under_thousand(n: int) -> str:
        parts = []
        if n >= 100:
            parts.append(f"{ones[n // 100]} hundred")
            n %= 100
        if n >= 20:
            parts.append(tens[n // 10] + (f"-{ones[n % 10]}" if n % 10 else ""))
        elif n:
            parts.append(ones[n])
        return " ".join(parts)

    units, cents = divmod(int(amount * 100), 100)
    groups = []
    for scale, name in ((1_000_000, "million"), (1000, "thousand"), (1, "")):
        if units >= scale:
            groups.append(f"{under_thousand(units // scale)} {name}".strip())
            units %= scale
    return f"{' '.join(groups) or 'zero'} and {cents:02d}/100".capitalize()


def stub(pen: Pen) -> None:
    doc = pen.doc
    words = W.CHEQUE[doc.lang]
    y = pen.h - 45
    pen.text(MARGIN, y, doc.payer, size=10, bold=True)
    pen.text(pen.w - MARGIN, y, str(doc.opts["title"]), size=9, align="r")
    keys = doc.field_keys
    cell = 95.0
    for n, key in enumerate(keys):
        x = pen.w - MARGIN - (len(keys) - n) * cell
        pen.text(x, y - 20, doc.labels[key].upper(), size=7)
        pen.text(x, y - 31, doc.field_value(key), size=9)
    y, edges, size = table(pen, y - 55)
    total_row(pen, y - 4, edges, size, with_currency=False)
    cut = pen.h * 0.36
    pen.line(20, cut, pen.w - 20, cut, dash=(3, 3))
    pen.text(pen.w / 2, cut + 4, words["detach"], size=6.5, align="c")
    y = cut - 30
    pen.text(MARGIN, y, doc.payer, size=10, bold=True)
    pen.text(MARGIN, y - 11, doc.city, size=8)
    pen.text(pen.w - MARGIN, y, doc.payment_ref, size=11, bold=True, align="r")
    pen.text(pen.w - MARGIN - 150, y - 30, doc.day(doc.paid_on), size=10)
    amount = doc.money(doc.total)
    spelled = f"{_words(doc.total)} {words['words']}" if doc.lang == "en" else \
        f"{amount} {doc.currency} ({words['words']})"
    pen.text(MARGIN, y - 55, f"**** {spelled} ****", size=9)
    pen.box(pen.w - MARGIN - 120, y - 62, 120, 20)
    pen.text(pen.w - MARGIN - 6, y - 55, f"{doc.currency} ***{amount}", size=10, bold=True,
             align="r")
    pen.text(MARGIN, y - 80, words["pay"], size=7)
    pen.text(MARGIN + 10, y - 93, str(doc.opts["us"]), size=10)
    pen.text(pen.w - MARGIN, y - 110, words["void"], size=6.5, align="r")
    pen.line(pen.w - MARGIN - 170, y - 125, pen.w - MARGIN, y - 125)
    pen.canvas.setFont("Courier", 11)
    pen.canvas.drawString(MARGIN + 40, 60, f"C{doc.payment_ref}C A021000089A 4471093385C")


def portal(pen: Pen) -> None:
    doc = pen.doc
    y = pen.h - 45
    pen.text(MARGIN, y, f"{doc.opts['title']} - {doc.payer}", size=12, bold=True)
    pen.text(MARGIN, y - 16, f"To: {doc.opts['us']}  <receivables@arbots.example>", size=8)
    pen.text(MARGIN, y - 27, str(doc.opts["intro"]), size=9)
    y = fields(pen, MARGIN, y - 50, doc.field_keys, "colon", size=9)
    y, edges, size = table(pen, y - 14)
    if doc.opts["repeat_fields"]:
        total_row(pen, y - 4, edges, size, with_currency=False)


def ledger(pen: Pen) -> None:
    doc = pen.doc
    y = letterhead(pen, pen.h - 50)
    pen.text(pen.w - MARGIN, pen.h - 50, str(doc.opts["title"]), size=13, bold=True, align="r")
    style = str(doc.opts["field_style"])
    y = fields(pen, MARGIN, y - 5, doc.field_keys, "colon" if style == "stacked" else style)
    y, edges, size = table(pen, y - 16)
    if y < BOTTOM + 30:
        y = pen.new_page()
    total_row(pen, y - 4, edges, size, with_currency=bool(doc.opts["repeat_fields"]))


def bank(pen: Pen) -> None:
    doc = pen.doc
    names = {"en": "First Harbor Bank", "de": "Hanseatische Sparkasse",
             "fr": "Banque Régionale du Rhône", "nl": "Noordelijke Spaarbank",
             "es": "Banco del Mediterráneo", "it": "Banca Padana di Credito"}
    words = W.BANK[doc.lang]
    y = pen.h - 50
    pen.text(MARGIN, y, names[doc.lang], size=14, bold=True)
    pen.text(pen.w - MARGIN, y, str(doc.opts["title"]), size=11, bold=True, align="r")
    pen.text(MARGIN, y - 40, f"{words['beneficiary']}: {doc.opts['us']}", size=9)
    pen.text(MARGIN, y - 52, f"{words['account']}: DE44 5001 0517 5407 3249 31", size=9)
    y = fields(pen, MARGIN, y - 80, doc.field_keys, str(doc.opts["field_style"]), size=9)
    pen.text(MARGIN, y - 12, words["info"], size=9, bold=True)
    y -= 30
    size = float(doc.opts["size"])  # type: ignore[arg-type]
    pairs = 2 if doc.opts["two_pairs"] and len(doc.rows) >= 4 else 1
    head = [label for _, label in doc.columns]
    span = (pen.w - 2 * MARGIN) / 2
    for p in range(pairs):
        x = MARGIN + p * span
        pen.text(x, y, head[0].replace("\n", " "), size, True)
        pen.text(x + span - 30, y, head[1].replace("\n", " "), size, True, "r")
    y -= size + 6
    per = -(-len(doc.rows) // pairs)
    for n, row in enumerate(doc.rows):
        p, k = divmod(n, per)
        x = MARGIN + p * span
        pen.text(x, y - k * (size + 4), row.ref, size)
        pen.text(x + span - 30, y - k * (size + 4), doc.amount(row.paid), size, align="r")


TEMPLATES: dict[str, Callable[[Pen], None]] = {
    "avis": avis, "erp": erp, "stub": stub, "portal": portal, "ledger": ledger, "bank": bank}


def draw(doc: Doc) -> tuple[bytes, int]:
    """The PDF of ``doc`` and its page count (drawn twice: the second time knows the count)."""
    first = Pen(doc, pages=1)
    TEMPLATES[doc.template](first)
    _, pages = first.finish()
    pen = Pen(doc, pages=pages)
    TEMPLATES[doc.template](pen)
    return pen.finish()


__all__ = ["TEMPLATES", "Row", "draw"]
