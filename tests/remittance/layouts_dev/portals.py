"""Portal remittances: one key-value block per invoice paid (Coupa, Ariba, Taulia, Basware).

Per document, at random: the block's shape (``lines``: one ``Label: value`` a line;
``columns``: two pairs a line, in two columns; ``nocolon``: labels and values in two
columns without a colon; ``stacked``: a row of labels over a row of values in every
block; ``tworow``: a header of two label rows once, then records of two rows;
``cards``: each label small above its value, three fields side by side), the
header fields' shape (``Label: value`` lines, label and value in columns, labels in
boxes over their values, two columns of pairs), the labels (``kvwords``), upper
case, number and date style (the third corpus's printing, ``layouts3.formats``),
the currency beside amounts, credit notes, which optional fields a block has and
their order.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bots.domain import Remittance, RemittanceLine
from tests.remittance.layouts.families import Advice
from tests.remittance.layouts3.formats import Money, dates_for, money_for, print_date
from tests.remittance.layouts_dev import kvwords as K

CENT = Decimal("0.01")
REF_SHAPES = ("INV-2026-{:05d}", "2026/{:05d}", "FA26{:06d}", "90{:06d}", "RE-26-{:04d}",
              "F{:07d}", "FT{:05d}/26", "A{:06d}")
PAY_REFS = ("PMT-{:07d}", "{:010d}", "2026-{:06d}", "ZL{:08d}", "REM{:06d}", "{:011d}")
ACCOUNTS = ("{:06d}", "V{:05d}", "SUP-{:05d}", "{:08d}", "K{:06d}")
LEFT = 42.0
BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}


@dataclass
class Row:
    ref: str
    voucher: str
    when: date
    gross: Decimal
    disc: Decimal = Decimal(0)
    ded: Decimal = Decimal(0)

    @property
    def paid(self) -> Decimal:
        return self.gross - self.disc - self.ded


@dataclass
class Doc:
    """One advice's content and style (shared with ``bankcredit``)."""

    lang: str
    rows: list[Row]
    currency: str
    payer: str
    account: str | None
    payment_ref: str
    paid_on: date
    money: Money
    dates: str
    font: str
    upper: bool
    opts: dict[str, object] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((r.paid for r in self.rows), Decimal(0))

    def day(self, when: date) -> str:
        return print_date(self.dates, self.lang, when)

    def amount(self, value: Decimal) -> str:
        text = self.money(value)
        ccy = self.opts.get("ccy")
        return f"{text} {self.currency}" if ccy == "post" else \
            f"{self.currency} {text}" if ccy == "pre" else text

    def label(self, text: str) -> str:
        return text.upper() if self.upper else text

    def truth(self) -> Remittance:
        return Remittance(id="", source="", format="pdf", currency=self.currency,
                          lines=[RemittanceLine(r.ref, r.paid) for r in self.rows],
                          payer_name=self.payer, payer_account=self.account,
                          payment_ref=self.payment_ref, payment_date=self.paid_on,
                          total=self.total)


def make_doc(lang: str, rng: random.Random, low: int = 1, high: int = 8,
             full: bool = False) -> Doc:
    """The content of one advice; ``full``: every invoice paid in full."""
    paid_on = date(2026, 1, 4) + timedelta(days=rng.randint(0, 330))
    count = rng.randint(low, high)
    shape = rng.choice(REF_SHAPES)
    start = rng.randint(100, 9000)
    numbers = sorted(rng.sample(range(start, start + 7 * count + 15), count))
    rate = 0 if full else rng.choice((0, 0, 2, 3))
    rows = []
    for n, number in enumerate(numbers):
        gross = (Decimal(rng.randint(1500, rng.choice((30000, 200000, 1500000)))) / 100)
        row = Row(shape.format(number), f"{rng.randint(1, 99999999):08d}",
                  paid_on - timedelta(days=rng.randint(10, 80)), gross.quantize(CENT))
        if n and count >= 3 and rng.random() < 0.12:
            row.gross = -(gross / rng.choice((4, 9))).quantize(CENT)
        elif rate and rng.random() < 0.7:
            row.disc = (gross * rate / 100).quantize(CENT)
        if not full and row.gross > 0 and rng.random() < 0.1:
            row.ded = (gross * rng.randint(3, 15) / 100).quantize(CENT)
        rows.append(row)
    if sum((r.paid for r in rows), Decimal(0)) <= 0:
        rows = [r for r in rows if r.gross > 0]
    currency = rng.choice(("USD", "USD", "GBP", "CAD", "AUD")) if lang == "en" else \
        "CHF" if lang in ("de", "fr", "it") and rng.random() < 0.15 else "EUR"
    money = money_for(lang, rng)
    if currency == "CHF" and rng.random() < 0.6:
        money = Money("'", ".", money.sign)
    account = rng.choice(ACCOUNTS).format(rng.randint(100, 99999)) if rng.random() < 0.7 \
        else None
    doc = Doc(lang, rows, currency, rng.choice(K.PAYERS[lang]), account,
              rng.choice(PAY_REFS).format(rng.randint(1, 9999999)), paid_on, money,
              dates_for(lang, rng), rng.choice(("Helvetica", "Helvetica", "Times-Roman",
                                                 "Courier")), rng.random() < 0.25)
    doc.opts["ccy"] = rng.choice((None, None, None, "post", "pre"))
    return doc


class Pen:
    """A canvas with a cursor that turns the page at the bottom margin."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.buf = io.BytesIO()
        self.canvas = Canvas(self.buf, pagesize=A4, pageCompression=0, invariant=1)
        self.w, self.h = A4
        self.page = 1

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return stringWidth(text, BOLD[self.doc.font] if bold else self.doc.font, size)

    def text(self, x: float, y: float, text: str, size: float = 9, bold: bool = False,
             align: str = "l", font: str | None = None) -> None:
        self.canvas.setFont(font or (BOLD[self.doc.font] if bold else self.doc.font), size)
        if align == "r":
            self.canvas.drawRightString(x, y, text)
        else:
            self.canvas.drawString(x, y, text)

    def rule(self, y: float, width: float = 0.4) -> None:
        self.canvas.setLineWidth(width)
        self.canvas.line(LEFT, y, self.w - LEFT, y)

    def room(self, y: float, need: float) -> float:
        if y - need > 60:
            return y
        self.canvas.showPage()
        self.page += 1
        return self.h - 60

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buf.getvalue()


def header_fields(pen: Pen, y: float, pairs: list[tuple[str, str]], style: str,
                  size: float = 9) -> float:
    """The payment's fields in one of four shapes; the y under them."""
    doc = pen.doc
    pairs = [(doc.label(label), value) for label, value in pairs]
    if style == "boxes":
        per_row = 4
        step = (pen.w - 2 * LEFT) / per_row
        for start in range(0, len(pairs), per_row):
            for n, (label, value) in enumerate(pairs[start:start + per_row]):
                pen.text(LEFT + n * step, y, label, size=size - 1.5)
                pen.text(LEFT + n * step, y - size - 1, value, size=size, bold=True)
            y -= 2 * size + 12
        return y
    if style == "twocol":
        half = (pen.w - 2 * LEFT) / 2
        for n, (label, value) in enumerate(pairs):
            row, col = divmod(n, 2)
            pen.text(LEFT + col * half, y - row * (size + 4), f"{label}: {value}", size=size)
        return y - ((len(pairs) + 1) // 2) * (size + 4)
    tab = max(pen.width(label + ":", size) for label, _ in pairs) + 14
    for label, value in pairs:
        if style == "tab":
            pen.text(LEFT, y, label, size=size)
            pen.text(LEFT + tab, y, value, size=size, bold=True)
        else:
            pen.text(LEFT, y, f"{label}: {value}", size=size)
        y -= size + 4
    return y


def payment_fields(doc: Doc, rng: random.Random, with_total: bool = True
                   ) -> list[tuple[str, str]]:
    """(label, value) of the payment's own fields, shuffled."""
    words = K.FIELDS[doc.lang]
    pairs = [(rng.choice(words["ref"]), doc.payment_ref),
             (rng.choice(words["date"]), doc.day(doc.paid_on))]
    if with_total:
        pairs.append((rng.choice(words["total"]), doc.money(doc.total)))
        pairs.append((rng.choice(words["currency"]), doc.currency))
    if doc.account:
        pairs.append((rng.choice(words["account"]), doc.account))
    rng.shuffle(pairs)
    return pairs


def _block_fields(doc: Doc, rng: random.Random) -> list[tuple[str, str]]:
    """The roles of a block, in order: the reference first or after the voucher."""
    roles = ["ref"]
    if rng.random() < 0.5:
        roles.append("date")
    if rng.random() < 0.3:
        roles.insert(rng.randrange(2), "voucher")
    if any(r.disc for r in doc.rows) or rng.random() < 0.3:
        roles.append("disc")
    if any(r.ded for r in doc.rows):
        roles.append("ded")
    if "disc" in roles or "ded" in roles or rng.random() < 0.5:
        roles.insert(len(roles) - (("disc" in roles) + ("ded" in roles)), "gross")
    roles.insert(rng.choice((len(roles), len(roles), 1)), "paid")
    words = K.RECORD[doc.lang]
    return [(role, doc.label(rng.choice(words[role]))) for role in roles]


def cell(doc: Doc, role: str, row: Row) -> str:
    if role == "ref":
        return row.ref
    if role == "voucher":
        return row.voucher
    if role == "date":
        return doc.day(row.when)
    value = {"gross": row.gross, "disc": row.disc, "ded": row.ded, "paid": row.paid}[role]
    if role in ("disc", "ded") and value == 0:
        return str(doc.opts["zero"])
    return doc.amount(value)


def draw(doc: Doc, rng: random.Random) -> tuple[bytes, int]:
    pen = Pen(doc)
    size = rng.choice((8.0, 8.5, 9.0))
    doc.opts["zero"] = rng.choice(("-", "0.00" if doc.money.point == "." else "0,00", "",
                                   doc.money(Decimal(0))))
    y = pen.h - 48
    title = rng.choice(K.PORTAL_TITLE[doc.lang])
    pen.text(LEFT, y, doc.label(title), size=15, bold=True)
    pen.text(pen.w - LEFT, y, doc.payer, size=10, align="r")
    y -= 30
    if rng.random() < 0.5:
        pen.text(LEFT, y, f"{K.BENEFICIARY[doc.lang]}: {rng.choice(K.US)}", size=size)
        y -= 20
    pairs = payment_fields(doc, rng)
    if rng.random() < 0.5:
        pairs.insert(0, (rng.choice(K.FIELDS[doc.lang]["payer"]), doc.payer))
    y = header_fields(pen, y, pairs, rng.choice(("colon", "tab", "boxes", "twocol")), size)
    y -= 16
    roles = _block_fields(doc, rng)
    shape = rng.choice(("lines", "columns", "nocolon", "stacked", "tworow", "cards"))
    if shape == "tworow" and len(roles) < 4:  # two rows of labels need two labels each
        shape = "stacked"
    step = size + 4
    if shape == "tworow":
        cut = (len(roles) + 1) // 2
        first, second = roles[:cut], roles[cut:]
        width = (pen.w - 2 * LEFT) / max(len(first), len(second))
        for n, group in enumerate((first, second)):
            for m, (_, label) in enumerate(group):
                pen.text(LEFT + m * width, y - n * step, label, size=size, bold=True)
        y -= 2 * step
        pen.rule(y + step - 3)
        for row in doc.rows:
            y = pen.room(y, 2 * step)
            for n, group in enumerate((first, second)):
                for m, (role, _) in enumerate(group):
                    pen.text(LEFT + m * width, y - n * step, cell(doc, role, row), size=size)
            y -= 2 * step + 4
    for row in doc.rows if shape != "tworow" else ():
        if shape == "lines":
            y = pen.room(y, len(roles) * step)
            for role, label in roles:
                pen.text(LEFT, y, f"{label}: {cell(doc, role, row)}", size=size,
                         bold=role == "ref")
                y -= step
        elif shape == "nocolon":
            y = pen.room(y, len(roles) * step)
            tab = max(pen.width(label, size) for _, label in roles) + 20
            for role, label in roles:
                pen.text(LEFT, y, label, size=size)
                pen.text(LEFT + tab, y, cell(doc, role, row), size=size)
                y -= step
        elif shape == "columns":
            y = pen.room(y, ((len(roles) + 1) // 2) * step)
            half = (pen.w - 2 * LEFT) / 2
            for n, (role, label) in enumerate(roles):
                line, col = divmod(n, 2)
                pen.text(LEFT + col * half, y - line * step, f"{label}: {cell(doc, role, row)}",
                         size=size)
            y -= ((len(roles) + 1) // 2) * step
        elif shape == "stacked":
            y = pen.room(y, 2 * step)
            width = (pen.w - 2 * LEFT) / len(roles)
            for m, (role, label) in enumerate(roles):
                pen.text(LEFT + m * width, y, label, size=size - 1)
                pen.text(LEFT + m * width, y - step, cell(doc, role, row), size=size)
            y -= 2 * step
        else:  # cards
            per_row = 3
            width = (pen.w - 2 * LEFT) / per_row
            lines = (len(roles) + per_row - 1) // per_row
            y = pen.room(y, lines * 2 * step)
            for n, (role, label) in enumerate(roles):
                line, col = divmod(n, per_row)
                top = y - line * (2 * step + 2)
                pen.text(LEFT + col * width, top, label, size=size - 1.5)
                pen.text(LEFT + col * width, top - step + 1, cell(doc, role, row), size=size,
                         bold=role == "ref")
            y -= lines * (2 * step + 2)
        y -= 10
        pen.rule(y + 6, 0.3)
    y = pen.room(y, 30)
    total = doc.label(rng.choice(K.FIELDS[doc.lang]["total"]))
    pen.text(LEFT, y - 8, f"{total}: {doc.amount(doc.total)}", size=size + 1, bold=True)
    return pen.finish(), pen.page


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One portal remittance (``family``: a layouts_dev Family)."""
    lang = getattr(family, "lang", "en")
    doc = make_doc(lang, rng)
    pdf, pages = draw(doc, rng)
    items = [(r.ref, r.gross) for r in doc.rows]
    name = getattr(family, "name", "portalkv")
    return Advice(family, f"{name}-{index:03d}", pdf, doc.truth(), pages, items)  # type: ignore[arg-type]
