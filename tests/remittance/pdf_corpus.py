"""A generated corpus of remittance-advice PDFs with their ground truth.

Payers' AP systems print advices in countless layouts. This module draws a
handful of distinct ones with reportlab, from seeded random data, so the PDF
reader can be measured (line-level F1) without shipping anyone's real advices::

    from tests.remittance.pdf_corpus import samples   # repo root on sys.path
    for s in samples(count=40, seed=7):
        s.pdf      # bytes of one PDF
        s.truth    # bots.domain.Remittance it must give (id/source left empty)
        s.layout   # which layout drew it, e.g. "eu-sepa"

The layouts (:data:`LAYOUTS`), each what a real AP system prints:

- ``us-ach``: US ACH advice, letterhead payer (no label), ruled grid table,
  ``$`` amounts, US dates.
- ``eu-sepa``: A4, ``1.234,56`` amounts, ``dd.mm.yyyy`` dates, horizontal
  rules only, a ``Total`` row closing the table.
- ``check-stub``: a check on top (amount in words) and the stub table at the
  bottom with a totals row.
- ``multipage-repeat``: two to four pages, header row repeated on each page,
  ISO dates, ``USD 1,234.56`` total.
- ``multipage-continued``: header row on page 1 only; later pages carry rows
  under a running title.
- ``mainframe``: Courier rows printed as single strings padded with spaces, no
  ruling, columns in another order (net first), discount and deduction with
  a reason, credits as ``25.00-``.
- ``uk-stacked``: a UK payment advice note, column headers stacked on two
  lines (``Net``/``Paid``), ``12 Apr 2026`` dates, a ``£`` total, BACS.
- ``centred``: headers centred over wide columns (short references far left
  of them), payment fields as labels over their values in boxes.
- ``landscape-wide``: landscape with PO and a description that wraps onto a
  second line, adjustments with reasons, credit memos as ``(25.00)``.

:func:`odd_layout_sample` draws one more layout whose column headers no rule
knows (``Ident``/``Cleared``): the per-payer template test uses it.

:func:`line_f1` scores what a reader gave against the truth: a line counts
as right when both its ``invoice_ref`` and its ``paid_amount`` are right.

Everything is deterministic for a given ``seed`` (reportlab's invariant mode:
no timestamps or random ids in the files).
"""

from __future__ import annotations

import io
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bots.domain import PaymentMethod, Remittance, RemittanceLine

rl_config.invariant = 1  # same seed, same bytes

PAYERS = ("Acme Corp.", "Globex Corporation", "Initech LLC", "Umbrella Retail Inc.",
          "Stark Industries", "Wayne Enterprises", "Hooli Distribution", "Soylent Foods Co.")
EU_PAYERS = ("Müller Handels GmbH", "Duval & Fils SARL", "Rossi Distribuzione S.p.A.",
             "Van Dijk Groothandel B.V.")
REASONS = ("DAMAGED", "PRICING", "SHORTAGE", "LATE DELIVERY", "PROMO")
WORDS = ("steel", "brackets", "hex", "bolts", "pallet", "freight", "assembly", "kit",
         "replacement", "filters", "industrial", "cable", "spools", "quarterly", "service")


@dataclass
class Sample:
    """One generated PDF and the remittance it must read as."""

    name: str
    layout: str
    pdf: bytes
    truth: Remittance
    pages: int = 1
    descriptions: list[str] = field(default_factory=list)  # as printed, when printed


@dataclass
class _Doc:
    """The data one layout prints; ``descriptions`` parallel ``truth.lines``."""

    truth: Remittance
    descriptions: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- data


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _invoice_ref(rng: random.Random, style: int) -> str:
    n = rng.randint(10000, 99999)
    return (f"900{n}", f"INV-2026-{n}", f"A{n}/26", f"{n}{rng.randint(10, 99)}",
            f"{n % 9000 + 100}")[style]


def _lines(rng: random.Random, count: int, *, discounts: bool, deductions: bool,
           credits: bool, short_refs: bool) -> tuple[list[RemittanceLine], list[str]]:
    style = 4 if short_refs else rng.randint(0, 3)
    lines: list[RemittanceLine] = []
    descriptions: list[str] = []
    base = date(2026, 3, 1)
    seen: set[str] = set()
    while len(lines) < count:
        ref = _invoice_ref(rng, style)
        if ref in seen:
            continue
        seen.add(ref)
        inv_date = base + timedelta(days=rng.randint(0, 40))
        descriptions.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9))))
        po = f"PO-{rng.randint(1000, 9999)}"
        if credits and rng.random() < 0.15:
            amount = -_money(rng, 5, 400)
            lines.append(RemittanceLine(ref, amount, po, inv_date, amount))
            continue
        gross = _money(rng, 40, 25000)
        disc = (gross * Decimal("0.02")).quantize(Decimal("0.01")) \
            if discounts and rng.random() < 0.4 else Decimal("0.00")
        ded, reason = Decimal("0.00"), None
        if deductions and rng.random() < 0.25:
            ded, reason = _money(rng, 1, 30), rng.choice(REASONS)
        lines.append(RemittanceLine(ref, gross - disc - ded, po, inv_date, gross, disc, ded,
                                    reason))
    return lines, descriptions


def _doc(rng: random.Random, count: int, *, currency: str = "USD", eu: bool = False,
         method: PaymentMethod | None = PaymentMethod.ACH, discounts: bool = True,
         deductions: bool = False, credits: bool = False, short_refs: bool = False) -> _Doc:
    lines, descriptions = _lines(rng, count, discounts=discounts, deductions=deductions,
                                 credits=credits, short_refs=short_refs)
    truth = Remittance(
        id="", source="", format="pdf", currency=currency, lines=lines,
        payer_name=rng.choice(EU_PAYERS if eu else PAYERS),
        payment_ref=f"{rng.randint(100000, 999999)}",
        payer_account=f"{rng.randint(100000, 999999):010d}",
        payment_date=date(2026, 4, 1) + timedelta(days=rng.randint(0, 60)),
        payment_method=method,
        total=sum((line.paid_amount for line in lines), Decimal("0.00")))
    return _Doc(truth, descriptions)


def _us(amount: Decimal | None, *, dollar: bool = False, minus: str = "-") -> str:
    assert amount is not None, "the layout prints an amount the data does not have"
    text = f"{abs(amount):,.2f}"
    text = f"${text}" if dollar else text
    if amount < 0:
        return f"({text})" if minus == "()" else f"{text}-" if minus == "-suffix" \
            else f"-{text}"
    return text


def _eu(amount: Decimal | None) -> str:
    assert amount is not None, "the layout prints an amount the data does not have"
    text = f"{abs(amount):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"-{text}" if amount < 0 else text


def _day(d: date | None, form: str = "%m/%d/%Y") -> str:
    assert d is not None, "the layout prints a date the data does not have"
    return d.strftime(form)


# --------------------------------------------------------------------------- drawing


class _Table:
    """Draws one table: columns (header, x, align) with rows at a fixed pitch."""

    def __init__(self, c: Canvas, columns: Sequence[tuple[str, float, str]], *,
                 font: str = "Helvetica", size: float = 8.5, pitch: float = 13) -> None:
        self.c, self.columns, self.font, self.size, self.pitch = c, columns, font, size, pitch

    def header(self, y: float) -> float:
        self.c.setFont(self.font + "-Bold", self.size)
        for text, x, align in self.columns:
            self._put(x, y, text, align)
        self.c.setFont(self.font, self.size)
        return y - self.pitch

    def row(self, y: float, cells: list[str]) -> float:
        for (_, x, align), text in zip(self.columns, cells, strict=True):
            self._put(x, y, text, align)
        return y - self.pitch

    def _put(self, x: float, y: float, text: str, align: str) -> None:
        if align == "r":
            self.c.drawRightString(x, y, text)
        else:
            self.c.drawString(x, y, text)


def _labels(c: Canvas, x: float, y: float, pairs: list[tuple[str, str]], *,
            size: float = 9, gap: float = 95) -> float:
    for label, value in pairs:
        c.setFont("Helvetica-Bold", size)
        c.drawString(x, y, label)
        c.setFont("Helvetica", size)
        c.drawString(x + gap, y, value)
        y -= size + 4
    return y


def _us_ach(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = letter
    c.setFont("Helvetica-Bold", 16)
    c.drawString(40, h - 50, t.payer_name or "")
    c.setFont("Helvetica", 8)
    c.drawString(40, h - 64, f"{rng.randint(10, 999)} Commerce Drive, Springfield, IL 62704")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(40, h - 100, "REMITTANCE ADVICE")
    _labels(c, 340, h - 50, [("Payment No.:", f"ACH{t.payment_ref}"),
                             ("Payment Date:", _day(t.payment_date)),
                             ("Payment Method:", "ACH"), ("Currency:", "USD")])
    cols = [("Invoice #", 45, "l"), ("Invoice Date", 150, "l"), ("Gross Amount", 330, "r"),
            ("Discount", 420, "r"), ("Net Paid", 540, "r")]
    table = _Table(c, cols, pitch=15)
    top = h - 140
    y = table.header(top)
    for line in t.lines:
        y = table.row(y, [line.invoice_ref, _day(line.invoice_date), _us(line.gross_amount),
                          _us(line.discount), _us(line.paid_amount)])
    bottom = y + table.pitch - 4
    c.setLineWidth(0.5)
    for yy in [top + 11, top - 4] + [top - 4 - 15 * i for i in range(1, len(t.lines) + 1)]:
        c.line(40, yy, 545, yy)
    for xx in (40, 140, 230, 345, 430, 545):
        c.line(xx, top + 11, xx, bottom)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(340, bottom - 25, "Total Paid:")
    c.drawRightString(540, bottom - 25, _us(t.total, dollar=True))
    c.setFont("Helvetica", 7)
    c.drawString(40, 40, "Questions about this payment? Contact accounts.payable@example.com")


def _eu_sepa(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = A4
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, h - 60, "Zahlungsavis / Payment Advice")
    y = _labels(c, 50, h - 95, [("Payer:", t.payer_name or ""),
                                ("Payment Reference:", f"SEPA-{t.payment_ref}"),
                                ("Value Date:", _day(t.payment_date, "%d.%m.%Y")),
                                ("Payment Method:", "SEPA Credit Transfer"),
                                ("Currency:", "EUR")], gap=110)
    c.setFont("Helvetica", 9)
    c.drawString(50, y - 10, "We have transferred the following amount to your account:")
    cols = [("Document No.", 55, "l"), ("Doc. Date", 170, "l"), ("Amount", 330, "r"),
            ("Skonto", 420, "r"), ("Paid", 530, "r")]
    table = _Table(c, cols, size=9, pitch=14)
    top = y - 50
    yy = table.header(top)
    c.line(50, top - 4, 540, top - 4)
    for line in t.lines:
        yy = table.row(yy, [line.invoice_ref, _day(line.invoice_date, "%d.%m.%Y"),
                            _eu(line.gross_amount), _eu(line.discount),
                            _eu(line.paid_amount)])
    c.line(50, yy + 10, 540, yy + 10)
    c.setFont("Helvetica-Bold", 9)
    c.drawString(55, yy - 4, "Total")
    c.drawRightString(530, yy - 4, _eu(t.total))


def _amount_words(amount: Decimal) -> str:
    ones = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen").split()
    tens = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

    def say(n: int) -> str:
        if n < 20:
            return ones[n]
        if n < 100:
            return tens[n // 10] + ("-" + ones[n % 10] if n % 10 else "")
        if n < 1000:
            return ones[n // 100] + " hundred" + (" " + say(n % 100) if n % 100 else "")
        big, unit = (n // 1000000, " million") if n >= 1000000 else (n // 1000, " thousand")
        rest = n % 1000000 if n >= 1000000 else n % 1000
        return say(big) + unit + (" " + say(rest) if rest else "")

    whole = int(amount)
    cents = int((amount - whole) * 100)
    return f"{say(whole).capitalize()} and {cents:02d}/100 dollars"


def _check_stub(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = letter
    c.setFont("Helvetica-Bold", 11)
    c.drawString(40, h - 45, t.payer_name or "")
    c.setFont("Helvetica", 8)
    c.drawString(40, h - 57, "PO Box 4410, Dayton, OH 45401")
    c.setFont("Helvetica", 9)
    c.drawString(420, h - 45, f"Check No. {t.payment_ref}")
    c.drawString(420, h - 60, f"Check Date {_day(t.payment_date)}")
    c.drawString(40, h - 100, "PAY TO THE ORDER OF   ARBOTS SUPPLY INC.")
    c.setFont("Helvetica-Bold", 11)
    total = t.total or Decimal(0)
    c.drawRightString(560, h - 100, "$" + f"{total:,.2f}".rjust(14, "*"))
    c.setFont("Helvetica", 9)
    c.drawString(40, h - 120, _amount_words(total))
    c.line(380, h - 170, 560, h - 170)
    c.setFont("Helvetica", 7)
    c.drawString(420, h - 180, "AUTHORIZED SIGNATURE")
    c.setDash(3, 3)
    c.line(20, h - 260, w - 20, h - 260)
    c.setDash()
    c.setFont("Helvetica-Bold", 9)
    c.drawString(40, h - 285, f"Remit from: {t.payer_name}")
    c.drawString(330, h - 285, f"Check # {t.payment_ref}")
    cols = [("Inv No.", 45, "l"), ("Inv Date", 145, "l"), ("Amount", 320, "r"),
            ("Discount", 420, "r"), ("Net", 540, "r")]
    table = _Table(c, cols, pitch=12)
    y = table.header(h - 315)
    for line in t.lines:
        y = table.row(y, [line.invoice_ref, _day(line.invoice_date), _us(line.gross_amount),
                          _us(line.discount), _us(line.paid_amount)])
    gross = sum((line.gross_amount or Decimal(0) for line in t.lines), Decimal(0))
    disc = sum((line.discount for line in t.lines), Decimal(0))
    c.line(250, y + 8, 545, y + 8)
    c.setFont("Helvetica-Bold", 8.5)
    table.row(y - 2, ["TOTALS", "", _us(gross), _us(disc), _us(t.total)])


def _multipage_repeat(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = letter
    per_page = 38
    chunks = [t.lines[i:i + per_page] for i in range(0, len(t.lines), per_page)]
    cols = [("Invoice Number", 45, "l"), ("PO Number", 160, "l"), ("Invoice Date", 265, "l"),
            ("Amount Paid", 545, "r")]
    for n, chunk in enumerate(chunks, 1):
        c.setFont("Helvetica-Bold", 13)
        c.drawString(40, h - 45, "Payment Advice" + (" (continued)" if n > 1 else ""))
        c.setFont("Helvetica", 8)
        c.drawRightString(570, h - 45, f"Page {n} of {len(chunks)}")
        if n == 1:
            _labels(c, 40, h - 75, [("Remit from:", t.payer_name or ""),
                                    ("EFT Trace No.:", f"0910000{t.payment_ref}"),
                                    ("Payment Date:", _day(t.payment_date, "%Y-%m-%d"))], size=9)
        table = _Table(c, cols, size=8.5, pitch=14)
        top = h - 140 if n == 1 else h - 80
        y = table.header(top)
        c.line(40, top - 4, 570, top - 4)
        for line in chunk:
            y = table.row(y, [line.invoice_ref, line.po_number or "",
                              _day(line.invoice_date, "%Y-%m-%d"), _us(line.paid_amount)])
        if n == len(chunks):
            c.setFont("Helvetica-Bold", 10)
            c.drawString(300, y - 20, "Total Payment:")
            c.drawRightString(545, y - 20, "USD " + _us(t.total))
        else:
            c.showPage()


def _multipage_continued(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = letter
    per_page = 42
    chunks = [t.lines[i:i + per_page] for i in range(0, len(t.lines), per_page)]
    cols = [("Your Reference", 50, "l"), ("Date", 170, "l"), ("Invoice Amount", 330, "r"),
            ("Deductions", 420, "r"), ("Reason", 435, "l"), ("Net Amount", 565, "r")]
    for n, chunk in enumerate(chunks, 1):
        c.setFont("Helvetica", 8)
        c.drawString(40, 30, f"{t.payer_name} - wire payment {t.payment_ref} - page {n}")
        table = _Table(c, cols, size=8, pitch=13)
        if n == 1:
            c.setFont("Helvetica-Bold", 14)
            c.drawString(40, h - 50, t.payer_name or "")
            c.setFont("Helvetica", 9)
            c.drawString(40, h - 75, f"Wire Reference: WT{t.payment_ref}")
            c.drawString(40, h - 88, f"Payment Date: {_day(t.payment_date)}")
            c.drawString(300, h - 75, f"Payment Amount: {_us(t.total)} USD")
            c.drawString(300, h - 88, "Payment Method: Wire")
            y = table.header(h - 130)
        else:
            y = h - 60
        for line in chunk:
            y = table.row(y, [line.invoice_ref, _day(line.invoice_date),
                              _us(line.gross_amount), _us(line.deduction),
                              line.deduction_reason or "", _us(line.paid_amount)])
        if n < len(chunks):
            c.showPage()


def _mainframe(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = letter
    c.setFont("Courier", 9)
    y = h - 50

    def put(text: str) -> None:
        nonlocal y
        c.drawString(30, y, text)
        y -= 11

    put(f"PAID BY: {(t.payer_name or '').upper()}")
    put(f"PAYMENT #: {t.payment_ref}          PAYMENT DATE: "
        f"{_day(t.payment_date, '%b %d, %Y')}")
    put("PAY METHOD: CHECK")
    put("")
    put(f"{'NET PAID':>12}  {'GROSS':>12}  {'DISCOUNT':>10}  {'DEDUCTION':>10}  "
        f"{'REASON':<14}  YOUR REF")
    put("")
    for line in t.lines:
        put(f"{_us(line.paid_amount, minus='-suffix'):>12}  "
            f"{_us(line.gross_amount, minus='-suffix'):>12}  {_us(line.discount):>10}  "
            f"{_us(line.deduction):>10}  {(line.deduction_reason or ''):<14}  "
            f"{line.invoice_ref}")
    put("")
    put(f"TOTAL PAID: {_us(t.total)}")


def _landscape_wide(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = landscape(letter)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(40, h - 45, "Payment Remittance")
    _labels(c, 40, h - 70, [("Payer:", t.payer_name or ""),
                            ("Payment No.:", t.payment_ref or ""),
                            ("Payment Date:", _day(t.payment_date))], size=9, gap=80)
    _labels(c, 420, h - 70, [("Method:", "ACH"), ("Currency:", "USD"),
                             ("Total Paid:", _us(t.total))], size=9, gap=70)
    cols = [("Inv. No.", 40, "l"), ("PO", 125, "l"), ("Description", 190, "l"),
            ("Inv. Date", 350, "l"), ("Gross", 475, "r"), ("Disc.", 530, "r"),
            ("Adj.", 585, "r"), ("Adj. Reason", 595, "l"), ("Net Paid", 750, "r")]
    size = 8
    table = _Table(c, cols, size=size, pitch=11)
    y = table.header(h - 130)
    c.line(35, h - 133, 755, h - 133)
    for line, desc in zip(t.lines, d.descriptions, strict=True):
        parts, current = [], ""
        for word in desc.split():
            trial = f"{current} {word}".strip()
            if stringWidth(trial, "Helvetica", size) > 150 and current:
                parts.append(current)
                current = word
            else:
                current = trial
        parts.append(current)
        y = table.row(y, [line.invoice_ref, line.po_number or "", parts[0],
                          _day(line.invoice_date), _us(line.gross_amount, minus="()"),
                          _us(line.discount), _us(line.deduction),
                          line.deduction_reason or "", _us(line.paid_amount, minus="()")])
        for extra in parts[1:]:
            c.drawString(190, y, extra)
            y -= table.pitch
        y -= 2


def _uk_stacked(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = A4
    c.setFont("Helvetica-Bold", 13)
    c.drawString(50, h - 55, "PAYMENT ADVICE NOTE")
    _labels(c, 50, h - 85, [("From:", t.payer_name or ""),
                            ("Customer No.:", t.payer_account or ""),
                            ("Payment Doc. No.:", t.payment_ref or ""),
                            ("Payment date:", _day(t.payment_date, "%d %b %Y")),
                            ("Payment method:", "BACS")], gap=100)
    columns = [("Invoice|Number", 55, "l"), ("Invoice|Date", 160, "l"),
               ("Gross|Amount", 340, "r"), ("Discount|Taken", 430, "r"), ("Net|Paid", 530, "r")]
    top = h - 190
    upper = _Table(c, [(label.split("|")[0], x, a) for label, x, a in columns], size=9)
    lower = _Table(c, [(label.split("|")[1], x, a) for label, x, a in columns], size=9)
    upper.header(top)
    y = lower.header(top - 11) - 3
    for line in t.lines:
        y = lower.row(y, [line.invoice_ref, _day(line.invoice_date, "%d %b %Y"),
                          _us(line.gross_amount), _us(line.discount), _us(line.paid_amount)])
    c.setFont("Helvetica-Bold", 10)
    c.drawString(340, y - 15, "Payment total:")
    c.drawRightString(530, y - 15, "£" + _us(t.total))


def _centred(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = A4
    c.setFont("Helvetica-Bold", 15)
    c.drawCentredString(w / 2, h - 50, "Payment Advice")
    c.setFont("Helvetica", 9)
    c.drawString(50, h - 80, f"Remitter: {t.payer_name}")
    boxes = [("Payment Number", t.payment_ref or ""), ("Payment Date", _day(t.payment_date)),
             ("Payment Amount", f"{t.total:,.2f}"), ("Currency", t.currency)]
    for n, (label, value) in enumerate(boxes):  # labels over their values, centred
        x = 110 + 125 * n
        c.setFont("Helvetica-Bold", 9)
        c.drawCentredString(x, h - 110, label)
        c.setFont("Helvetica", 9)
        c.drawCentredString(x, h - 122, value)
        c.rect(x - 60, h - 127, 120, 28)
    # wide columns, headers centred over them; references short, amounts right-aligned
    edges = (45, 215, 315, 405, 475, 555)
    labels = ("Invoice", "Invoice Date", "Amount", "Discount", "Amount Paid")
    top = h - 165
    c.setFont("Helvetica-Bold", 9)
    for label, left, right in zip(labels, edges, edges[1:], strict=False):
        c.drawCentredString((left + right) / 2, top, label)
    c.setFont("Helvetica", 9)
    y = top - 15
    for line in t.lines:
        c.drawString(edges[0] + 4, y, line.invoice_ref)
        c.drawCentredString((edges[1] + edges[2]) / 2, y, _day(line.invoice_date))
        for amount, right in ((line.gross_amount, edges[3]), (line.discount, edges[4]),
                              (line.paid_amount, edges[5])):
            c.drawRightString(right - 4, y, _us(amount))
        y -= 13


def _odd(c: Canvas, d: _Doc, rng: random.Random) -> None:
    t = d.truth
    w, h = letter
    c.setFont("Helvetica-Bold", 14)
    c.drawString(40, h - 50, "NORTHWIND TRADERS - SETTLEMENT STATEMENT")
    _labels(c, 40, h - 80, [("Voucher:", t.payment_ref or ""),
                            ("Run Date:", _day(t.payment_date))])
    table = _Table(c, [("Ident", 45, "l"), ("Booked", 200, "r"), ("Cleared", 320, "r")])
    y = table.header(h - 130)
    for line in t.lines:
        y = table.row(y, [line.invoice_ref, _us(line.gross_amount), _us(line.paid_amount)])


_PRINT_OPTIONS = ("lines", "printed", "ref_prefix", "upper_payer")

LAYOUTS: dict[str, tuple[Callable[[Canvas, _Doc, random.Random], None], tuple, dict]] = {
    # name: (draw, page size, options): line count range, the line fields printed,
    # the prefix printed before the payment number; the rest goes to _doc()
    "us-ach": (_us_ach, letter, dict(lines=(3, 30), printed="date gross disc", ref_prefix="ACH")),
    "eu-sepa": (_eu_sepa, A4, dict(lines=(2, 25), printed="date gross disc", ref_prefix="SEPA-",
                                   currency="EUR", eu=True, method=PaymentMethod.WIRE)),
    "check-stub": (_check_stub, letter, dict(lines=(1, 12), printed="date gross disc",
                                             method=PaymentMethod.CHECK)),
    "multipage-repeat": (_multipage_repeat, letter,
                         dict(lines=(45, 140), printed="date po", ref_prefix="0910000",
                              discounts=False)),
    "multipage-continued": (_multipage_continued, letter,
                            dict(lines=(50, 120), printed="date gross ded", ref_prefix="WT",
                                 discounts=False, deductions=True, method=PaymentMethod.WIRE)),
    "mainframe": (_mainframe, letter, dict(lines=(4, 40), printed="gross disc ded",
                                           upper_payer=True, deductions=True, credits=True,
                                           method=PaymentMethod.CHECK)),
    "uk-stacked": (_uk_stacked, A4, dict(lines=(2, 35), printed="account date gross disc",
                                         currency="GBP", eu=True)),
    "centred": (_centred, A4, dict(lines=(2, 40), printed="date gross disc", short_refs=True,
                                   method=None)),
    "landscape-wide": (_landscape_wide, landscape(letter),
                       dict(lines=(3, 12), printed="date po desc gross disc ded", deductions=True,
                            credits=True)),
}


def _render(draw: Callable, pagesize: tuple, doc: _Doc, rng: random.Random) -> tuple[bytes, int]:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=pagesize, pageCompression=0)
    c.setTitle("Remittance advice")
    draw(c, doc, rng)
    pages = c.getPageNumber()
    c.showPage()
    c.save()
    return buf.getvalue(), pages


def _as_printed(truth: Remittance, printed: str, ref_prefix: str, upper_payer: bool) -> None:
    """Make the truth say what the layout prints: its prefix, its columns only."""
    truth.payment_ref = f"{ref_prefix}{truth.payment_ref}"
    if "account" not in printed:
        truth.payer_account = None
    if upper_payer:
        truth.payer_name = (truth.payer_name or "").upper()
    for line in truth.lines:
        if "date" not in printed:
            line.invoice_date = None
        if "po" not in printed:
            line.po_number = None
        if "gross" not in printed:
            line.gross_amount = None
        if "disc" not in printed:
            line.discount = Decimal("0.00")
        if "ded" not in printed:
            line.deduction, line.deduction_reason = Decimal("0.00"), None


def make_sample(layout: str, index: int, seed: int = 7) -> Sample:
    """The ``index``-th sample of ``layout`` for ``seed`` (deterministic)."""
    draw, pagesize, options = LAYOUTS[layout]
    rng = random.Random(f"{seed}:{layout}:{index}")
    low, high = options["lines"]
    kwargs = {k: v for k, v in options.items() if k not in _PRINT_OPTIONS}
    doc = _doc(rng, rng.randint(low, high), **kwargs)
    data, pages = _render(draw, pagesize, doc, rng)
    _as_printed(doc.truth, options["printed"], options.get("ref_prefix", ""),
                options.get("upper_payer", False))
    return Sample(f"{layout}-{index:03d}", layout, data, doc.truth, pages,
                  doc.descriptions if "desc" in options["printed"] else [])


def samples(count: int = 70, seed: int = 7) -> list[Sample]:
    """``count`` samples, the layouts taken in turn (deterministic for ``seed``)."""
    names = list(LAYOUTS)
    return [make_sample(names[i % len(names)], i // len(names), seed) for i in range(count)]


def odd_layout_sample(seed: int = 7) -> Sample:
    """A layout with column headers no rule knows; the template test reads it."""
    rng = random.Random(f"{seed}:odd")
    doc = _doc(rng, 6, discounts=False)
    doc.truth.payer_name, doc.truth.payment_method = "Northwind Traders", None
    data, pages = _render(_odd, letter, doc, rng)
    _as_printed(doc.truth, "gross", "", upper_payer=False)
    doc.truth.total = None  # not printed
    return Sample("odd-000", "odd", data, doc.truth, pages)


def write_corpus(folder: Path, count: int = 70, seed: int = 7) -> list[Path]:
    """Write ``count`` sample PDFs into ``folder`` (for eyeballing); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for s in samples(count, seed):
        path = folder / f"{s.name}.pdf"
        path.write_bytes(s.pdf)
        paths.append(path)
    return paths


#: one text on a page: x, y, text, align ("r": flush right at x, else left)
Item = tuple[float, float, str, str]


def drawn_pdf(*pages: list[Item], pagesize: tuple[float, float] = letter,
              invariant: bool = False) -> bytes:
    """A PDF of ``pages``, each a list of :data:`Item` in 9 pt Helvetica (tests that
    place every text themselves)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=pagesize, invariant=int(invariant))
    for items in pages:
        c.setFont("Helvetica", 9)
        for x, y, text, align in items:
            (c.drawRightString if align == "r" else c.drawString)(x, y, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def line_f1(pairs: Iterable[tuple[Remittance | None, Remittance]]) -> float:
    """Line-level F1 over (read, truth) pairs; a line is (invoice_ref, paid_amount).

    ``None`` as the read remittance (the reader failed) counts every true line
    as missed.
    """
    hit = extra = missed = 0
    for read, truth in pairs:
        got = Counter((x.invoice_ref, x.paid_amount) for x in (read.lines if read else []))
        want = Counter((x.invoice_ref, x.paid_amount) for x in truth.lines)
        common = sum((got & want).values())
        hit, extra, missed = hit + common, extra + sum(got.values()) - common, \
            missed + sum(want.values()) - common
    return 2 * hit / (2 * hit + extra + missed) if hit + extra + missed else 1.0
