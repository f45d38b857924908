"""The six templates of the third corpus, drawn with reportlab from a :class:`Doc`.

- ``printer``: a line-printer ERP print in Courier (SAPscript F110 avis, JD
  Edwards, AS/400): upper-case labels, dashed rulers, fixed-width columns one
  or two spaces apart, each line one string.
- ``statement``: a statement of account with Debit / Credit / Balance and a
  running balance: an opening balance, the invoices and credit notes, and the
  payment itself as a row; only invoice and credit-note rows are lines.
- ``portal``: a supplier-portal remittance (Coupa / Ariba / Tungsten /
  Basware): a title bar, "Label: value" header, then one key-value block per
  invoice instead of a grid.
- ``credit``: a bank credit advice: bank letterhead, IBANs, the ordering
  party, and a free-text remittance block naming several invoices and amounts.
- ``multipage``: a long advice: page subtotals, carried / brought forward
  rows, "continued", repeated headers, "page n of m".
- ``cheque``: a cheque voucher: the stub table, a perforation, and the cheque
  face with the amount in figures and in words (never a line).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from tests.remittance.layouts3.document import AMOUNTS, Doc, Row
from tests.remittance.layouts3.words import SHARED

_BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}
LEFT = 40.0
FLOOR = 72.0
BANK_IBANS = ("DE89 3704 0044 0532 0130 00", "FR76 3000 6000 0112 3456 7890 189",
              "NL91 ABNA 0417 1643 00", "ES91 2100 0418 4502 0005 1332",
              "IT60 X054 2811 1010 0000 0123 456", "GB29 NWBK 6016 1331 9268 19")


class Pen:
    """A reportlab canvas with the document's font, footer and page count."""

    def __init__(self, doc: Doc, pages: int) -> None:
        self.doc = doc
        self.w, self.h = letter if doc.lang == "en" else A4
        self.buf = io.BytesIO()
        self.canvas = Canvas(self.buf, pagesize=(self.w, self.h), pageCompression=0,
                             invariant=1)
        self.page, self.pages = 1, pages

    def font(self, bold: bool = False) -> str:
        return _BOLD[self.doc.font] if bold else self.doc.font

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return stringWidth(text, self.font(bold), size)

    def text(self, x: float, y: float, text: str, size: float = 9, bold: bool = False,
             align: str = "l", font: str | None = None) -> None:
        self.canvas.setFont(font or self.font(bold), size)
        draw = {"l": self.canvas.drawString, "r": self.canvas.drawRightString,
                "c": self.canvas.drawCentredString}[align]
        draw(x, y, text)

    def rule(self, x0: float, y: float, x1: float, width: float = 0.5,
             dashed: bool = False) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.setDash(*((2, 2) if dashed else (1, 0)))
        self.canvas.line(x0, y, x1, y)
        self.canvas.setDash(1, 0)

    def rect(self, x: float, y: float, w: float, h: float, grey: float | None = None) -> None:
        self.canvas.setLineWidth(0.5)
        if grey is None:
            self.canvas.rect(x, y, w, h, stroke=1, fill=0)
        else:
            self.canvas.setFillGray(grey)
            self.canvas.rect(x, y, w, h, stroke=0, fill=1)
            self.canvas.setFillGray(0)

    def footer(self) -> None:
        doc = self.doc
        self.text(LEFT, 34, doc.pick["footer"].format(dom=doc.opts["dom"]), size=6.5)
        self.text(LEFT, 25, f"IBAN {BANK_IBANS[len(doc.payer) % 6]}  BIC COBADEFFXXX", size=6)
        if self.pages > 1:
            self.text(self.w - LEFT, 25, doc.pick["page"].format(n=self.page, of=self.pages),
                      size=7.5, align="r")

    def next_page(self) -> float:
        """Footer, new page, a running head; the y to go on from."""
        self.footer()
        self.canvas.showPage()
        self.page += 1
        doc = self.doc
        self.text(LEFT, self.h - 40, doc.payer, size=9, bold=True)
        self.text(self.w - LEFT, self.h - 40, f"{doc.pick['title']}  {doc.payment_ref}",
                  size=8.5, align="r")
        return self.h - 66

    def finish(self) -> tuple[bytes, int]:
        self.footer()
        self.canvas.showPage()
        self.canvas.save()
        return self.buf.getvalue(), self.page


# --------------------------------------------------------------------------- parts


def letterhead(pen: Pen, y: float, title_key: str = "title") -> float:
    doc = pen.doc
    pen.text(LEFT, y, doc.payer, size=12, bold=True)
    pen.text(LEFT, y - 12, doc.address, size=8)
    pen.text(pen.w - LEFT, y, doc.pick[title_key], size=13, bold=True, align="r")
    return y - 34


def addressee(pen: Pen, y: float) -> float:
    doc = pen.doc
    pen.text(LEFT, y, doc.pick["us"], size=9)
    pen.text(LEFT, y - 11, "Unit 4, 17 Foundry Lane", size=9)
    pen.text(LEFT, y - 22, "Leeds LS12 6BD", size=9)
    return y - 40


def field_block(pen: Pen, x: float, y: float, keys: list[str], size: float = 8.5,
                colon: bool = True) -> float:
    """Label / value pairs from (x, y) down; the y under them."""
    doc = pen.doc
    tab = max(pen.width(doc.labels[k] + ":", size) for k in keys) + 8
    for key in keys:
        pen.text(x, y, doc.labels[key] + (":" if colon else ""), size=size)
        pen.text(x + tab, y, doc.field_value(key), size=size, bold=True)
        y -= size + 4
    return y


class Grid:
    """A proportional table over ``doc.columns``: widths fitted to the page."""

    def __init__(self, pen: Pen, x0: float, x1: float, extra: dict[str, list[str]]) -> None:
        doc = pen.doc
        self.pen, self.doc = pen, doc
        size = float(doc.opts["size"])  # type: ignore[arg-type]
        while True:
            widths = []
            for role, label in doc.columns:
                cells = [self.value(role, r) for r in doc.rows] + extra.get(role, [])
                head = max(pen.width(p, size, True) for p in label.split("\n"))
                widths.append(max([head] + [pen.width(c, size) for c in cells]) + 10)
            if sum(widths) <= x1 - x0 or size <= 6:
                break
            size -= 0.5
        self.size = size
        gap = (x1 - x0 - sum(widths)) / max(1, len(widths) - 1) if doc.template != "cheque" \
            else 0.0
        self.edges = [x0]
        for width in widths:
            self.edges.append(self.edges[-1] + width + max(0.0, gap))

    def value(self, role: str, row: Row) -> str:
        return self.doc.cell(role, row)

    def put(self, y: float, values: dict[str, str], bold: bool = False) -> None:
        for n, (role, _) in enumerate(self.doc.columns):
            if role in values:
                if role in AMOUNTS:
                    self.pen.text(self.edges[n + 1] - 6, y, values[role], self.size, bold, "r")
                else:
                    self.pen.text(self.edges[n] + 2, y, values[role], self.size, bold)

    def header(self, y: float) -> float:
        """The column headers with their ruling; the y of the first row."""
        pen, size, ruling = self.pen, self.size, self.doc.opts["ruling"]
        lines = max(label.count("\n") + 1 for _, label in self.doc.columns)
        height = lines * (size + 2) + 3
        if self.doc.opts["shade"]:
            pen.rect(self.edges[0], y - height + size, self.edges[-1] - self.edges[0], height,
                     grey=0.88)
        for n, (role, label) in enumerate(self.doc.columns):
            parts = label.split("\n")
            for k, part in enumerate(parts):
                yy = y - (lines - len(parts) + k) * (size + 2)
                if role in AMOUNTS:
                    pen.text(self.edges[n + 1] - 6, yy, part, size, True, "r")
                else:
                    pen.text(self.edges[n] + 2, yy, part, size, True)
        bottom = y - height + size
        if ruling != "none":
            pen.rule(self.edges[0], bottom, self.edges[-1], 0.7, ruling == "dashed")
        if ruling == "box":
            pen.rule(self.edges[0], y + size + 1, self.edges[-1], 0.7)
        return bottom - size - 3

    def row_rule(self, y: float) -> None:
        if self.doc.opts["ruling"] in ("lines", "box"):
            self.pen.rule(self.edges[0], y - 3, self.edges[-1], 0.25)

    def total(self, y: float, label: str, amount: str, role: str = "paid") -> float:
        roles = [r for r, _ in self.doc.columns]
        at = roles.index(role)
        self.pen.rule(self.edges[at], y + self.size + 1, self.edges[at + 1], 0.8)
        first = roles[0]
        if first == role or first in AMOUNTS:
            self.pen.text(self.edges[at] - 6, y, label, self.size, True, "r")
            self.put(y, {role: amount}, bold=True)
        else:
            self.put(y, {first: label, role: amount}, bold=True)
        return y - 2 * self.size


def simple_table(pen: Pen, y: float, x0: float = LEFT, x1: float | None = None) -> float:
    """The lines table and its total (one page); the y under it."""
    doc = pen.doc
    grid = Grid(pen, x0, pen.w - LEFT if x1 is None else x1, {"paid": [doc.money(doc.total)]})
    y = grid.header(y)
    for row in doc.rows:
        grid.put(y, {role: doc.cell(role, row) for role, _ in doc.columns})
        grid.row_rule(y)
        y -= grid.size + 5
    return grid.total(y - 3, doc.pick["total"], doc.money(doc.total))


# --------------------------------------------------------------------------- printer


def fixed_columns(doc: Doc) -> tuple[list[int], list[str]]:
    """Character widths of the printer columns and the printed header line(s)."""
    widths = []
    for role, label in doc.columns:
        cells = [doc.cell(role, r) for r in doc.rows] + [doc.money(doc.total)]
        widths.append(max([len(label)] + [len(c) for c in cells]))
    return widths, [label for _, label in doc.columns]


def fixed_line(doc: Doc, widths: list[int], values: dict[str, str]) -> str:
    gap = " " * int(doc.opts["gap"])  # type: ignore[call-overload]
    cells = []
    for (role, _), width in zip(doc.columns, widths, strict=True):
        text = values.get(role, "")
        cells.append(text.rjust(width) if role in AMOUNTS else text.ljust(width))
    return gap.join(cells).rstrip()


def printer(pen: Pen) -> None:
    doc = pen.doc
    size = 8.0 if len(doc.columns) > 5 else 8.5
    y = pen.h - 46
    right = pen.w / 2 + 20
    pen.text(LEFT, y, doc.payer.upper(), size=size + 1)
    pen.text(LEFT, y - 11, doc.address.upper(), size=size)
    pen.text(right, y, doc.pick["title"].upper(), size=size + 2, bold=True)
    tab = max(len(doc.labels[k]) for k in doc.field_keys) + 1
    for n, key in enumerate(doc.field_keys):
        pen.text(right, y - 22 - n * 11, f"{doc.labels[key].upper():<{tab}}"
                 f"{doc.field_value(key)}", size=size)
    y = min(y - 40, y - 22 - len(doc.field_keys) * 11) - 14
    pen.text(LEFT, y, doc.pick["us"].upper(), size=size)
    y -= 30
    pen.text(LEFT, y, doc.pick["intro"].upper(), size=size)
    widths, heads = fixed_columns(doc)
    head = fixed_line(doc, widths, {r: h for (r, _), h in zip(doc.columns, heads, strict=True)})
    ruler = "-" * max(len(head), 60)
    y -= 16
    for text in (ruler, head, ruler):
        pen.text(LEFT, y, text, size=size)
        y -= size + 3
    for row in doc.rows:
        pen.text(LEFT, y, fixed_line(doc, widths, {r: doc.cell(r, row) for r, _ in doc.columns}),
                 size=size)
        y -= size + 3
    pen.text(LEFT, y, ruler, size=size)
    total = fixed_line(doc, widths, {doc.columns[0][0]: doc.pick["total"].upper(),
                                     "paid": doc.money(doc.total)})
    if doc.columns[0][0] == "paid":
        total = f"{doc.money(doc.total)}  {doc.pick['total'].upper()}"
    pen.text(LEFT, y - size - 3, total, size=size)
    pen.text(LEFT, y - 2 * (size + 3), "=" * len(ruler), size=size)


# --------------------------------------------------------------------------- statement


def statement(pen: Pen) -> None:
    doc = pen.doc
    y = letterhead(pen, pen.h - 48, "statement")
    y = addressee(pen, y - 6)
    y = field_block(pen, pen.w / 2 + 10, pen.h - 100, doc.field_keys)
    y = min(y, pen.h - 170) - 10
    supplier = doc.opts["side"] == "supplier"       # the payer's AP ledger: invoices are credits
    inv_side, pay_side = ("credit", "debit") if supplier else ("debit", "credit")
    opening = Decimal(doc.opts["opening"])  # type: ignore[arg-type]
    events: list[tuple[object, dict[str, str], Decimal]] = []
    for row in sorted(doc.rows, key=lambda r: r.date):
        side = inv_side if row.gross > 0 else pay_side
        desc = doc.pick["inv_desc"] if row.gross > 0 else doc.pick["cn_desc"]
        events.append((row.date, {"date": doc.day(row.date), "ref": row.ref, "desc": desc,
                                  "voucher": row.voucher, side: doc.money(abs(row.gross))},
                       row.gross))
    events.append((doc.paid_on, {"date": doc.day(doc.paid_on), "ref": doc.payment_ref,
                                 "desc": doc.pick["pay_row"].format(ref=doc.payment_ref),
                                 pay_side: doc.money(doc.total)}, -doc.total))
    big = [doc.money(doc.total + opening)]
    samples = {"desc": [doc.pick["pay_row"].format(ref=doc.payment_ref), doc.pick["opening"],
                        doc.pick["cn_desc"]], "ref": [doc.payment_ref], "debit": big,
               "credit": big, "balance": big}
    grid = StatementGrid(pen, LEFT, pen.w - LEFT, samples)
    y = grid.header(y)
    balance = opening
    if opening:
        grid.put(y, {"desc": doc.pick["opening"], "balance": doc.money(opening)})
        y -= grid.size + 5
    for _, values, change in events:
        balance += change
        grid.put(y, {**values, "balance": doc.money(balance)})
        grid.row_rule(y)
        y -= grid.size + 5
    pen.text(LEFT, y - 10, f"{doc.labels['total']}: {doc.field_value('total')}", size=9,
             bold=True)


class StatementGrid(Grid):
    """A grid whose rows are statement events (samples give the widths)."""

    def value(self, role: str, row: Row) -> str:
        doc = self.doc
        if role in ("debit", "credit"):
            return doc.money(abs(row.gross))
        if role == "balance":
            return doc.money(row.gross)
        if role == "desc":
            return doc.pick["inv_desc"]
        return doc.cell(role, row)


# --------------------------------------------------------------------------- portal


def portal(pen: Pen) -> None:
    doc = pen.doc
    pen.rect(0, pen.h - 60, pen.w, 60, grey=0.2)
    pen.canvas.setFillGray(1)
    pen.text(LEFT, pen.h - 36, doc.pick["title"], size=15, bold=True)
    pen.text(pen.w - LEFT, pen.h - 36, doc.payer, size=10, align="r")
    pen.canvas.setFillGray(0)
    y = pen.h - 84
    pen.text(LEFT, y, doc.pick["intro"], size=9)
    y = field_block(pen, LEFT, y - 22, ["payer", *doc.field_keys], size=9)
    blocks(pen, y - 8)


def blocks(pen: Pen, y: float) -> None:
    """One key-value block per invoice, then the total."""
    doc = pen.doc
    size = float(doc.opts["size"]) + 0.5  # type: ignore[arg-type]
    pairs_per_line = 2 if doc.opts["blocks"] == "two" else 1
    half = (pen.w - 2 * LEFT) / 2
    for row in doc.rows:
        pairs = [(label, doc.cell(role, row)) for role, label in doc.columns]
        lines = -(-len(pairs) // pairs_per_line)
        if y - lines * (size + 4) < FLOOR:
            y = pen.next_page()
        pen.rule(LEFT, y + size + 3, pen.w - LEFT, 0.3)
        for n, (label, value) in enumerate(pairs):
            line, col = divmod(n, pairs_per_line)
            x = LEFT + col * half
            label = label.replace("\n", " ")
            pen.text(x, y - line * (size + 4), f"{label}:", size=size)
            pen.text(x + pen.width(label + ": ", size) + 4, y - line * (size + 4), value,
                     size=size, bold=label == doc.columns[0][1])
        y -= lines * (size + 4) + 8
    pen.rule(LEFT, y + size + 3, pen.w - LEFT, 0.8)
    pen.text(LEFT, y - 4, f"{doc.pick['total']}: {doc.field_value('total')}", size=size + 1,
             bold=True)


# --------------------------------------------------------------------------- credit


def remittance_text(doc: Doc) -> list[str]:
    """The remittance items as free text: "INV 4711 1.200,00" joined by the payer's habit."""
    ccy = f"{doc.currency} " if doc.opts["ccy_in_text"] else ""
    items = [f"{doc.pick['inv_word']} {r.ref} {ccy}{doc.money(r.paid)}" for r in doc.rows]
    return [doc.pick["intro"], str(doc.opts["joiner"]).join(items)]


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def credit(pen: Pen) -> None:
    doc = pen.doc
    bank = doc.pick["banks"]
    y = pen.h - 50
    pen.text(LEFT, y, bank, size=14, bold=True)
    pen.text(pen.w - LEFT, y, doc.pick["credit_title"], size=11, bold=True, align="r")
    pen.text(LEFT, y - 30, f"{doc.pick['beneficiary']}: {doc.pick['us']}", size=9)
    pen.text(LEFT, y - 42, f"IBAN {BANK_IBANS[2]}", size=9)
    y = field_block(pen, LEFT, y - 70, doc.field_keys, size=9)
    pen.text(LEFT, y - 10, f"{doc.pick['ordering']} IBAN: {BANK_IBANS[len(doc.payer) % 6]}",
             size=8.5)
    pen.text(LEFT, y - 30, doc.pick["info"] + ":", size=9, bold=True)
    y -= 44
    for part in remittance_text(doc):
        for line in wrap(part, 88):
            pen.text(LEFT, y, line, size=8.5)
            y -= 11


# --------------------------------------------------------------------------- multipage


def multipage(pen: Pen) -> None:
    doc = pen.doc
    y = letterhead(pen, pen.h - 48)
    y = addressee(pen, y - 4)
    field_block(pen, pen.w / 2 + 10, pen.h - 96, doc.field_keys)
    y = min(y, pen.h - 170)
    pen.text(LEFT, y, doc.pick["intro"], size=9)
    first = doc.columns[0][0] if doc.columns[0][0] != "paid" else doc.columns[1][0]
    labels = [doc.pick["subtotal"], doc.pick["carried"], doc.pick["brought"].format(p=9)]
    grid = Grid(pen, LEFT, pen.w - LEFT, {"paid": [doc.money(doc.total)], first: labels})
    y = grid.header(y - 22)
    step = grid.size + 5
    running = page_sum = Decimal(0)
    for row in doc.rows:
        if y < FLOOR + 3 * step:
            if doc.opts["subtotals"]:
                grid.put(y, {first: doc.pick["subtotal"], "paid": doc.money(page_sum)},
                         bold=True)
                y -= step
            grid.put(y, {first: doc.pick["carried"], "paid": doc.money(running)}, bold=True)
            pen.text(pen.w - LEFT, y - step, doc.pick["continued"], size=7.5, align="r")
            y = grid.header(pen.next_page())
            grid.put(y, {first: doc.pick["brought"].format(p=pen.page - 1),
                         "paid": doc.money(running)}, bold=True)
            y -= step
            page_sum = Decimal(0)
        grid.put(y, {role: doc.cell(role, row) for role, _ in doc.columns})
        grid.row_rule(y)
        running += row.paid
        page_sum += row.paid
        y -= step
    if y < FLOOR + step:
        y = pen.next_page()
    grid.total(y - 3, doc.pick["total"], doc.money(doc.total))


# --------------------------------------------------------------------------- cheque


def english_words(whole: int) -> str:
    """``whole`` in English words, as a cheque writer prints it."""
    small = ("ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN "
             "FOURTEEN FIFTEEN SIXTEEN SEVENTEEN EIGHTEEN NINETEEN").split()
    tens = "_ _ TWENTY THIRTY FORTY FIFTY SIXTY SEVENTY EIGHTY NINETY".split()

    def below_1000(n: int) -> list[str]:
        out = [small[n // 100], "HUNDRED"] if n >= 100 else []
        n %= 100
        if n >= 20:
            out.append(tens[n // 10] + (f"-{small[n % 10]}" if n % 10 else ""))
        elif n or not out:
            out.append(small[n])
        return out

    parts: list[str] = []
    for scale, name in ((1_000_000, "MILLION"), (1000, "THOUSAND")):
        if whole >= scale:
            parts += below_1000(whole // scale) + [name]
            whole %= scale
    if whole or not parts:
        parts += below_1000(whole)
    return " ".join(parts)


def amount_in_words(doc: Doc) -> str:
    whole, cents = divmod(int(doc.total * 100), 100)
    if doc.lang == "en":
        spelled = english_words(whole)
    else:
        digits = SHARED[doc.lang]["digits"]
        spelled = "-".join(digits[int(d)] for d in str(whole))
    return f"*** {spelled} {doc.pick['words_tail']} {cents:02d}/100 ***"


def cheque_face(pen: Pen, top: float) -> None:
    """The cheque itself, its top edge at ``top``."""
    doc = pen.doc
    y = top - 26
    pen.text(LEFT, y, doc.payer, size=10, bold=True)
    pen.text(LEFT, y - 11, doc.address, size=7.5)
    pen.text(pen.w / 2, y, doc.pick["banks"], size=8, align="c")
    pen.text(pen.w - LEFT, y, f"No. {doc.payment_ref}", size=10, bold=True, align="r")
    pen.text(pen.w - LEFT - 150, y - 28, doc.day(doc.paid_on), size=10)
    pen.text(LEFT, y - 52, doc.pick["pay_to"], size=7)
    pen.text(LEFT + 12, y - 64, doc.pick["us"], size=10)
    pen.rect(pen.w - LEFT - 130, y - 70, 130, 20)
    pen.text(pen.w - LEFT - 6, y - 63, f"{doc.currency} **{doc.money(doc.total)}", size=10,
             bold=True, align="r")
    pen.text(LEFT, y - 88, amount_in_words(doc), size=8.5)
    pen.text(pen.w - LEFT, y - 106, doc.pick["void"], size=6.5, align="r")
    pen.rule(pen.w - LEFT - 170, y - 126, pen.w - LEFT)
    pen.text(LEFT + 30, y - 150, f"C{doc.payment_ref}C A071000505A 20417733C", size=11,
             font="Courier")


def stub(pen: Pen, y: float) -> float:
    """The stub: payer, cheque number and date, the table; the y under it."""
    doc = pen.doc
    pen.text(LEFT, y, doc.payer, size=10, bold=True)
    pen.text(pen.w - LEFT, y, doc.pick["cheque_title"], size=9, align="r")
    x = pen.w - LEFT - 95 * len(doc.field_keys)
    for n, key in enumerate(doc.field_keys):
        pen.text(x + 95 * n, y - 18, doc.labels[key].upper(), size=6.5)
        pen.text(x + 95 * n, y - 28, doc.field_value(key), size=8.5)
    return simple_table(pen, y - 50)


def cheque(pen: Pen) -> None:
    doc = pen.doc
    stub(pen, pen.h - 45)
    cut = pen.h * 0.36
    pen.rule(15, cut, pen.w - 15, dashed=True)
    pen.text(pen.w / 2, cut + 4, doc.pick["detach"], size=6.5, align="c")
    cheque_face(pen, cut)


TEMPLATES: dict[str, Callable[[Pen], None]] = {
    "printer": printer, "statement": statement, "portal": portal, "credit": credit,
    "multipage": multipage, "cheque": cheque}


def draw(doc: Doc, variants: dict[str, Callable[[Pen], None]]) -> tuple[bytes, int]:
    """The PDF of ``doc`` and its page count; ``variants``: the held-out-only drawers."""
    drawer = variants[doc.template] if doc.variant == "alt" else TEMPLATES[doc.template]
    _, pages = run(drawer, doc, 1)
    return run(drawer, doc, pages)


def run(drawer: Callable[[Pen], None], doc: Doc, pages: int) -> tuple[bytes, int]:
    pen = Pen(doc, pages)
    pen.canvas.setTitle(doc.pick["title"])
    drawer(pen)
    return pen.finish()
