"""The layout families and their drawing: data first, then one drawer per style.

See the package docstring for what varies and for the tune/held-out split.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pdfplumber
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bots.domain import Remittance, RemittanceLine
from tests.remittance.layouts import vocab as V
from tests.remittance.layouts.printing import LOCALES, SWISS, NumberStyle, day, money

rl_config.invariant = 1  # same seed, same bytes

STYLES = ("grid", "bilingual", "long", "cheque", "mainframe", "letter")
FONTS = ("Helvetica", "Times-Roman", "Courier")
_BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}
_OUR_SHAPES = ("90{:06d}", "RE26-{:05d}", "F2026{:05d}", "INV-{:06d}", "{:07d}")
_VOUCHER_SHAPES = ("5100{:06d}", "2026/{:06d}", "KR-{:05d}", "{:08d}")


@dataclass(frozen=True)
class Family:
    """One layout template in one language."""

    index: int
    style: str
    lang: str

    @property
    def name(self) -> str:
        return f"{self.style}-{self.lang}"

    @property
    def held_out(self) -> bool:
        """The split rule, fixed up front: (style + language index) % 3 == 2."""
        return (STYLES.index(self.style) + V.LANGUAGES.index(self.lang)) % 3 == 2


FAMILIES = tuple(Family(s * len(V.LANGUAGES) + n, style, lang)
                 for s, style in enumerate(STYLES) for n, lang in enumerate(V.LANGUAGES))


@dataclass
class Advice:
    """One generated PDF, the remittance it must read as, and the open items it pays."""

    family: Family
    name: str
    pdf: bytes
    truth: Remittance
    pages: int
    open_items: list[tuple[str, Decimal]] = field(default_factory=list)

    def unprinted_truth(self) -> list[str]:
        """What of the truth the PDF does not show: a wrong page count, invoice references,
        the payment reference or the currency missing from its text (empty: all there)."""
        with pdfplumber.open(io.BytesIO(self.pdf)) as pdf:
            pages = len(pdf.pages)
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        wanted = [line.invoice_ref for line in self.truth.lines]
        wanted += [self.truth.payment_ref or "", self.truth.currency]
        return ([f"{pages} pages, not {self.pages}"] if pages != self.pages else []) + \
            [w for w in wanted if w not in text]


@dataclass
class _Row:
    ref: str
    voucher: str
    when: date
    gross: Decimal
    discount: Decimal
    deduction: Decimal
    reason: str
    paid: Decimal


@dataclass
class _Doc:
    """What one document prints and how: data, words, locale."""

    family: Family
    rng: random.Random
    rows: list[_Row]
    roles: list[str]
    numbers: NumberStyle
    date_form: str
    currency: str
    payer: str
    payment_ref: str
    account: str
    paid_on: date
    font: str

    @property
    def lang(self) -> str:
        return self.family.lang

    @property
    def total(self) -> Decimal:
        return sum((r.paid for r in self.rows), Decimal("0.00"))

    def word(self, table: dict[str, dict[str, tuple[str, ...]]], key: str) -> str:
        return self.rng.choice(table[key][self.lang])

    def money(self, amount: Decimal) -> str:
        return money(amount, self.numbers)

    def day(self, when: date) -> str:
        return day(when, self.date_form, self.lang)

    def cell(self, role: str, row: _Row) -> str:
        if role == "our_ref":
            return row.ref
        if role == "voucher":
            return row.voucher
        if role == "date":
            return self.day(row.when)
        if role == "reason":
            return row.reason
        amount = {"gross": row.gross, "discount": row.discount, "deduction": row.deduction,
                  "paid": row.paid}[role]
        return "" if role in ("discount", "deduction") and not amount else self.money(amount)


# --------------------------------------------------------------------------- data

_STYLE_ROLES = {
    "grid": (["voucher", "our_ref", "date", "gross", "discount", "paid"], (3, 12)),
    "bilingual": (["date", "our_ref", "voucher", "paid"], (3, 10)),
    "long": (["our_ref", "voucher", "date", "gross", "paid"], (26, 60)),
    "cheque": (["our_ref", "date", "gross", "deduction", "reason", "paid"], (2, 8)),
    "mainframe": (["voucher", "date", "our_ref", "gross", "discount", "paid"], (4, 16)),
    "letter": (["our_ref", "voucher", "date", "gross", "deduction", "reason", "paid"], (3, 10)),
}


def _roles(style: str, rng: random.Random) -> list[str]:
    """The style's columns, their order varied per document (refs stay left of amounts)."""
    roles = list(_STYLE_ROLES[style][0])
    texts = [r for r in roles if r in ("our_ref", "voucher", "date")]
    amounts = [r for r in roles if r not in texts]
    rng.shuffle(texts)
    if rng.random() < 0.3 and "voucher" in texts:
        texts.remove("voucher")  # some documents print no voucher column
    if style == "mainframe" and rng.random() < 0.5:
        return [amounts[-1]] + texts + amounts[:-1]  # net amount first
    return texts + amounts


def _doc(family: Family, index: int, seed: int) -> _Doc:
    rng = random.Random(f"{seed}:{family.name}:{index}")
    fam = random.Random(f"family:{family.name}")  # what stays fixed within a family
    our_shape, voucher_shape = fam.choice(_OUR_SHAPES), fam.choice(_VOUCHER_SHAPES)
    roles = _roles(family.style, rng)
    low, high = _STYLE_ROLES[family.style][1]
    numbers_choice, dates_choice = LOCALES[family.lang]
    numbers, date_form = rng.choice(numbers_choice), rng.choice(dates_choice)
    currency = {"en": rng.choice(("USD", "USD", "GBP")), "de": rng.choice(("EUR", "EUR", "CHF"))
                }.get(family.lang, "EUR")
    if currency == "CHF":
        numbers = SWISS
    if currency == "GBP":
        date_form = rng.choice(("dmy/", "long", "dmon"))
    rows, seen = [], set()
    while len(rows) < rng.randint(low, high) or not rows:
        ref = our_shape.format(rng.randint(1, 99999))
        if ref in seen:
            continue
        seen.add(ref)
        voucher = voucher_shape.format(rng.randint(1, 99999))
        when = date(2026, 2, 1) + timedelta(days=rng.randint(0, 70))
        gross = Decimal(rng.randint(2000, 2500000)) / 100
        disc = ded = Decimal("0.00")
        reason = ""
        if rng.random() < 0.1:
            gross = -Decimal(rng.randint(500, 90000)) / 100  # a credit memo
        elif "discount" in roles and rng.random() < 0.4:
            disc = (gross * Decimal("0.02")).quantize(Decimal("0.01"))
        elif "deduction" in roles and rng.random() < 0.3:
            ded = Decimal(rng.randint(100, 9000)) / 100
            reason = rng.choice(V.REASONS[family.lang])
        rows.append(_Row(ref, voucher, when, gross, disc, ded, reason, gross - disc - ded))
    if sum(r.paid for r in rows) <= 0:
        rows[0].gross = rows[0].paid = abs(rows[0].gross) + Decimal("5000.00")
    return _Doc(family, rng, rows, roles, numbers, date_form, currency,
                rng.choice(V.PAYERS[family.lang]),
                f"{rng.choice(('AV', 'PAY', 'ZA', ''))}{rng.randint(100000, 9999999)}",
                f"{rng.randint(10000, 999999)}",
                date(2026, 4, 1) + timedelta(days=rng.randint(0, 50)),
                fam.choice(FONTS) if family.style != "mainframe" else "Courier")


def _truth(doc: _Doc, *, account: bool) -> Remittance:
    return Remittance(
        id="", source="", format="pdf", currency=doc.currency,
        lines=[RemittanceLine(r.ref, r.paid) for r in doc.rows],
        payer_name=doc.payer, payer_account=doc.account if account else None,
        payment_ref=doc.payment_ref, payment_date=doc.paid_on, total=doc.total)


def _open_items(doc: _Doc) -> list[tuple[str, Decimal]]:
    """The paid invoices at their gross amount, plus as many other open items."""
    items = [(r.ref, r.gross) for r in doc.rows]
    shape = random.Random(f"family:{doc.family.name}").choice(_OUR_SHAPES)
    for n in range(len(doc.rows)):
        items.append((shape.format(100000 - n), Decimal(doc.rng.randint(1000, 900000)) / 100))
    return items


# --------------------------------------------------------------------------- drawing


class _Pen:
    """A canvas with the document's font, plus text helpers."""

    def __init__(self, canvas: Canvas, doc: _Doc) -> None:
        self.c, self.doc = canvas, doc
        self.font, self.bold = doc.font, _BOLD[doc.font]

    def text(self, x: float, y: float, text: str, *, size: float = 9, bold: bool = False,
             align: str = "l") -> None:
        self.c.setFont(self.bold if bold else self.font, size)
        {"l": self.c.drawString, "r": self.c.drawRightString,
         "c": self.c.drawCentredString}[align](x, y, text)

    def width(self, text: str, size: float = 9, bold: bool = False) -> float:
        return stringWidth(text, self.bold if bold else self.font, size)

    def labels(self, x: float, y: float, pairs: list[tuple[str, str]], *, how: str,
               size: float = 9) -> float:
        """Label/value pairs as ``Label: value``, in two columns, or stacked; the next y."""
        gap = max(self.width(label, size, True) for label, _ in pairs) + 14
        for label, value in pairs:
            if how == "colon":
                self.text(x, y, f"{label}: {value}", size=size)
            elif how == "columns":
                self.text(x, y, label, size=size, bold=True)
                self.text(x + gap, y, value, size=size)
            else:  # stacked: small label over its value
                self.text(x, y, label, size=size - 2)
                y -= size
                self.text(x, y, value, size=size, bold=True)
            y -= size + 5
        return y


def _columns(doc: _Doc, headers: list[str], x0: float, x1: float,
             size: float) -> list[tuple[str, float, str]]:
    """(role, x, align) per column: widths from the header and the widest cell."""
    pen_width = [max([stringWidth(h, doc.font, size)] + [
        stringWidth(doc.cell(role, r), doc.font, size) for r in doc.rows]) + 12
        for role, h in zip(doc.roles, headers, strict=True)]
    spare = max(0.0, (x1 - x0) - sum(pen_width)) / len(pen_width)
    out, x = [], x0
    for role, w in zip(doc.roles, pen_width, strict=True):
        w += spare
        amount = role in ("gross", "discount", "deduction", "paid")
        out.append((role, x + w - 6 if amount else x, "r" if amount else "l"))
        x += w
    return out


def _headers(doc: _Doc, bilingual: bool = False) -> list[str]:
    words = [doc.word(V.COLUMNS, role) for role in doc.roles]
    if bilingual and doc.lang != "en":
        words = [f"{w} / {doc.rng.choice(V.COLUMNS[r]['en'])}" for w, r in
                 zip(words, doc.roles, strict=True)]
    return words


def _table(pen: _Pen, doc: _Doc, rows: list[_Row], y: float, x0: float, x1: float, *,
           size: float = 8.5, pitch: float = 13, ruled: str = "none",
           headers: list[str] | None = None, bilingual: bool = False) -> float:
    """The header row and ``rows``; the y under the last row."""
    headers = headers or _headers(doc, bilingual)
    cols = _columns(doc, headers, x0, x1, size)
    top = y
    for (_, x, align), head in zip(cols, headers, strict=True):
        pen.text(x, y, head, size=size, bold=True, align=align)
    y -= pitch
    if ruled != "none":
        pen.c.line(x0 - 4, y + pitch - 4, x1 + 4, y + pitch - 4)
    for row in rows:
        for role, x, align in cols:
            pen.text(x, y, doc.cell(role, row), size=size, align=align)
        if ruled == "grid":
            pen.c.line(x0 - 4, y - 4, x1 + 4, y - 4)
        y -= pitch
    if ruled == "grid":
        pen.c.line(x0 - 4, top + pitch - 3, x1 + 4, top + pitch - 3)
        for _, x, align in cols:
            xx = x - 6 if align == "l" else x + 6
            pen.c.line(xx, top + pitch - 3, xx, y + pitch - 4)
        pen.c.line(x1 + 4, top + pitch - 3, x1 + 4, y + pitch - 4)
    return y


def _total_row(pen: _Pen, doc: _Doc, amount: Decimal, y: float, x0: float, x1: float,
               word: str, size: float = 8.5) -> None:
    pen.text(x0, y, word, size=size, bold=True)
    pen.text(x1 - 2, y, doc.money(amount), size=size, bold=True, align="r")


def _currency_pair(doc: _Doc) -> tuple[str, str]:
    return doc.word(V.LABELS, "currency"), doc.currency


def _grid(pen: _Pen, doc: _Doc, w: float, h: float) -> int:
    pen.text(40, h - 50, doc.payer, size=15, bold=True)
    pen.text(40, h - 64, "Industriestraße 12 · 80331 München" if doc.lang == "de"
             else "12 Commerce Drive · Springfield", size=8)
    pen.text(40, h - 100, doc.rng.choice(V.TITLES[doc.lang]), size=12, bold=True)
    pairs = [(doc.word(V.LABELS, "payment_ref"), doc.payment_ref),
             (doc.word(V.LABELS, "payment_date"), doc.day(doc.paid_on)),
             (doc.word(V.LABELS, "account"), doc.account), _currency_pair(doc)]
    doc.rng.shuffle(pairs)
    pen.labels(330, h - 50, pairs, how=doc.rng.choice(("colon", "columns")))
    y = _table(pen, doc, doc.rows, h - 150, 45, w - 50, ruled="grid", pitch=15)
    _total_row(pen, doc, doc.total, y - 4, 45, w - 56, V.TOTAL_ROW[doc.lang])
    pen.text(40, 50, doc.rng.choice(V.NOISE[doc.lang]), size=7)
    pen.text(40, 40, "IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX", size=7)
    return 1


def _bilingual(pen: _Pen, doc: _Doc, w: float, h: float) -> int:
    title = doc.rng.choice(V.TITLES[doc.lang])
    pen.text(50, h - 55, title if doc.lang == "en" else f"{title} / Payment Advice", size=14,
             bold=True)
    fields = ["payer", "payment_ref", "payment_date", "account"]
    x = 50
    for name in fields:
        label = doc.word(V.LABELS, name)
        if doc.lang != "en":
            label = f"{label} / {doc.rng.choice(V.LABELS[name]['en'])}"
        value = {"payer": doc.payer, "payment_ref": doc.payment_ref,
                 "payment_date": doc.day(doc.paid_on), "account": doc.account}[name]
        pen.c.rect(x - 3, h - 120, 122, 34)
        pen.text(x, h - 96, label[:34], size=6.5)
        pen.text(x, h - 112, value[:24], size=9, bold=True)
        x += 126
    y = _table(pen, doc, doc.rows, h - 160, 55, w - 60, ruled="rules", bilingual=True,
               size=8)
    pen.c.line(50, y + 9, w - 55, y + 9)
    label = doc.word(V.LABELS, "total")
    if doc.lang != "en":
        label = f"{label} / {doc.rng.choice(V.LABELS['total']['en'])}"
    pen.text(w - 62, y - 10, f"{label}:  {doc.money(doc.total)} {doc.currency}", size=9,
             bold=True, align="r")
    pen.text(50, 45, doc.rng.choice(V.NOISE[doc.lang]), size=7)
    return 1


def _long(pen: _Pen, doc: _Doc, w: float, h: float) -> int:
    first, later = 30, 44
    pages = 1 + max(0, math.ceil((len(doc.rows) - first) / later))
    repeat = doc.rng.random() < 0.6
    subtotals = doc.rng.random() < 0.5
    headers = _headers(doc)
    start, carried = 0, Decimal("0.00")
    carry_out, carry_in = V.CARRIED[doc.lang]
    for page in range(1, pages + 1):
        pen.text(w - 40, h - 30, V.PAGE_OF[doc.lang].format(n=page, m=pages), size=8,
                 align="r")
        if page == 1:
            pen.text(40, h - 50, doc.rng.choice(V.TITLES[doc.lang]), size=14, bold=True)
            y = pen.labels(40, h - 75, [(doc.word(V.LABELS, "payer"), doc.payer),
                                        (doc.word(V.LABELS, "payment_ref"), doc.payment_ref),
                                        (doc.word(V.LABELS, "payment_date"),
                                         doc.day(doc.paid_on))], how="colon")
            pen.text(330, h - 75, f"{doc.word(V.LABELS, 'account')}: {doc.account}", size=9)
            pen.text(330, h - 89, f"{doc.word(V.LABELS, 'currency')}: {doc.currency}", size=9)
            y -= 20
            count = first
        else:
            pen.text(40, h - 50, f"{doc.payer} - {doc.payment_ref} ({V.CONTINUED[doc.lang]})",
                     size=9)
            y = h - 80
            count = later
        chunk = doc.rows[start:start + count]
        if page > 1:
            _total_row(pen, doc, carried, y, 45, w - 46, carry_in, size=8)
            y -= 14
        if page == 1 or repeat:
            y = _table(pen, doc, chunk, y, 45, w - 40, headers=headers, size=8, pitch=12.5)
        else:
            cols = _columns(doc, headers, 45, w - 40, 8)
            for row in chunk:
                for role, x, align in cols:
                    pen.text(x, y, doc.cell(role, row), size=8, align=align)
                y -= 12.5
        page_sum = sum((r.paid for r in chunk), Decimal("0.00"))
        carried += page_sum
        start += count
        if subtotals:
            _total_row(pen, doc, page_sum, y - 2, 45, w - 46, V.SUBTOTAL_ROW[doc.lang], size=8)
            y -= 14
        if page < pages:
            _total_row(pen, doc, carried, y - 2, 45, w - 46, carry_out, size=8)
            pen.c.showPage()
    _total_row(pen, doc, doc.total, y - 6, 45, w - 46, V.TOTAL_ROW[doc.lang], size=9)
    pen.text(40, y - 30, f"{doc.word(V.LABELS, 'total')}: {doc.money(doc.total)} "
             f"{doc.currency}", size=9, bold=True)
    return pages


def _cheque(pen: _Pen, doc: _Doc, w: float, h: float) -> int:
    pay_to, sum_of = V.CHEQUE_FACE[doc.lang]
    digits = V.DIGIT_WORDS[doc.lang].split()
    whole, cents = f"{doc.total:.2f}".split(".")
    spelled = "-".join(digits[int(c)] for c in whole)
    pen.text(40, h - 45, doc.payer, size=11, bold=True)
    cheque = doc.word(V.LABELS, "cheque_no")
    pen.text(400, h - 45, f"{cheque} {doc.payment_ref}", size=9)
    pen.text(400, h - 60, doc.day(doc.paid_on), size=9)
    pen.text(40, h - 100, f"{pay_to}   ARBOTS SUPPLY", size=9)
    pen.text(w - 40, h - 100, f"{doc.currency} " + doc.money(doc.total).rjust(14, "*"), size=11,
             bold=True, align="r")
    pen.text(40, h - 120, f"{sum_of}: *** {spelled} {cents}/100 ***", size=9)
    pen.c.line(380, h - 170, 560, h - 170)
    pen.c.setDash(3, 3)
    pen.c.line(20, h - 250, w - 20, h - 250)
    pen.c.setDash()
    y = pen.labels(40, h - 275, [(doc.word(V.LABELS, "payer"), doc.payer),
                                 (cheque, doc.payment_ref),
                                 (doc.word(V.LABELS, "payment_date"), doc.day(doc.paid_on))],
                   how=doc.rng.choice(("colon", "columns")))
    pen.text(360, h - 275, f"{doc.word(V.LABELS, 'account')}: {doc.account}", size=9)
    y = _table(pen, doc, doc.rows, y - 16, 45, w - 45, ruled="rules", pitch=12)
    _total_row(pen, doc, doc.total, y - 4, 45, w - 47, V.TOTAL_ROW[doc.lang])
    return 1


def _mainframe(pen: _Pen, doc: _Doc, w: float, h: float) -> int:
    size, pitch = 8, 10.5
    headers = [x.upper() for x in _headers(doc)]
    widths = [max([len(hd)] + [len(doc.cell(r, row)) for row in doc.rows]) + 3
              for r, hd in zip(doc.roles, headers, strict=True)]

    def line(cells: list[str]) -> str:
        return "".join((c.rjust(wd - 2) + "  ") if r in ("gross", "discount", "deduction", "paid")
                       else c.ljust(wd) for c, wd, r in zip(cells, widths, doc.roles,
                                                            strict=True))

    y = h - 40
    pen.text(30, y, f"{doc.payer.upper()}{' ' * 10}{doc.rng.choice(V.TITLES[doc.lang]).upper()}",
             size=size)
    y -= 2 * pitch
    for name, value in (("payment_ref", doc.payment_ref),
                        ("payment_date", doc.day(doc.paid_on)),
                        ("account", doc.account), ("currency", doc.currency)):
        label = doc.word(V.LABELS, name).upper()
        pen.text(30, y, f"{label.ljust(30, '.')}: {value}", size=size)
        y -= pitch
    y -= pitch
    pen.text(30, y, line(headers), size=size)
    y -= pitch
    pen.text(30, y, "-" * min(110, sum(widths)), size=size)
    y -= pitch
    for row in doc.rows:
        pen.text(30, y, line([doc.cell(r, row) for r in doc.roles]), size=size)
        y -= pitch
    pen.text(30, y, "-" * min(110, sum(widths)), size=size)
    y -= pitch
    total = [""] * len(doc.roles)
    total[0] = V.TOTAL_ROW[doc.lang].upper()
    total[doc.roles.index("paid")] = doc.money(doc.total)
    pen.text(30, y, line(total), size=size)
    pen.text(30, 40, doc.rng.choice(V.NOISE[doc.lang]).upper(), size=size)
    return 1


def _letter(pen: _Pen, doc: _Doc, w: float, h: float) -> int:
    pen.text(w / 2, h - 50, doc.payer, size=16, bold=True, align="c")
    pen.text(w / 2, h - 63, "Postfach 10 20 30 · Tel. +49 30 123456", size=7, align="c")
    pen.text(60, h - 110, "ARBOTS SUPPLY", size=9)
    pen.text(60, h - 121, "Accounts Receivable", size=9)
    pen.text(w - 60, h - 110, doc.day(doc.paid_on), size=9, align="r")
    pen.text(60, h - 160, doc.rng.choice(V.TITLES[doc.lang]), size=12, bold=True)
    pen.text(60, h - 180, doc.rng.choice(V.NOISE[doc.lang]), size=9)
    y = _table(pen, doc, doc.rows, h - 210, 60, w - 60, ruled="none", pitch=13, size=8)
    pen.c.line(w - 160, y + 9, w - 60, y + 9)
    pen.text(w - 62, y - 4, doc.money(doc.total), size=8, bold=True, align="r")
    pairs = [(doc.word(V.LABELS, "total"), f"{doc.money(doc.total)} {doc.currency}"),
             (doc.word(V.LABELS, "payment_date"), doc.day(doc.paid_on)),
             (doc.word(V.LABELS, "payment_ref"), doc.payment_ref),
             (doc.word(V.LABELS, "account"), doc.account)]
    doc.rng.shuffle(pairs)
    pen.labels(60, y - 40, pairs, how=doc.rng.choice(("columns", "stacked")))
    return 1


_DRAW = {"grid": _grid, "bilingual": _bilingual, "long": _long, "cheque": _cheque,
         "mainframe": _mainframe, "letter": _letter}


def make_advice(family: Family, index: int, seed: int = 11) -> Advice:
    """The ``index``-th document of ``family`` for ``seed`` (deterministic)."""
    doc = _doc(family, index, seed)
    size = letter if doc.lang == "en" else A4
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=size, pageCompression=0)
    canvas.setTitle("Remittance advice")
    pages = _DRAW[family.style](_Pen(canvas, doc), doc, *size)
    canvas.showPage()
    canvas.save()
    return Advice(family, f"{family.name}-{index:03d}", buf.getvalue(),
                  _truth(doc, account=True), pages, _open_items(doc))


def advices(family: Family, count: int = 30, seed: int = 11) -> list[Advice]:
    """``count`` documents of ``family``."""
    return [make_advice(family, i, seed) for i in range(count)]
