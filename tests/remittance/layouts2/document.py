"""One advice's content, drawn at random once: the rows, the header fields, every style choice.

Drawing (``templates.py``) makes no random choice of its own: everything that
varies is decided here, so a document can be drawn twice (the second time with
the page count known) and comes out the same.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bots.domain import Remittance, RemittanceLine
from tests.remittance.layouts2 import words as W
from tests.remittance.layouts2.formats import (
    PO_SHAPES,
    REF_SHAPES,
    VOUCHER_SHAPES,
    Money,
    date_style,
    money_style,
    print_date,
)

CENT = Decimal("0.01")
FONTS = ("Helvetica", "Times-Roman", "Courier", "Vera")
AMOUNT_ROLES = ("gross", "disc", "ded", "paid", "open")

#: Rows per document and the optional columns each template may show (``ref``
#: and ``paid`` always are; ``template_columns`` below orders them).
ROWS = {"avis": (1, 12), "erp": (2, 14), "stub": (1, 8), "portal": (1, 9),
        "ledger": (18, 64), "bank": (1, 8)}
OPTIONAL = {"avis": ("voucher", "date", "gross", "disc", "ded"),
            "erp": ("voucher", "po", "date", "due", "gross", "disc", "ded"),
            "stub": ("date", "gross", "disc", "voucher"),
            "portal": ("po", "date", "gross", "disc", "open", "voucher"),
            "ledger": ("date", "due", "voucher", "gross"),
            "bank": ()}


@dataclass
class Row:
    """One paid invoice (or credit note: negative amounts)."""

    ref: str
    voucher: str
    po: str
    date: dt.date
    due: dt.date
    gross: Decimal
    disc: Decimal
    ded: Decimal
    open: Decimal = Decimal(0)     # left open: a partial payment

    @property
    def paid(self) -> Decimal:
        return self.gross - self.disc - self.ded - self.open


@dataclass
class Doc:
    """Everything one advice prints, and how."""

    template: str
    lang: str
    rows: list[Row]
    currency: str
    payer: str
    city: str
    account: str
    payment_ref: str
    paid_on: date
    money: Money
    dates: str
    font: str
    columns: list[tuple[str, str]]     # (role, header label; "\n" splits two-line headers)
    labels: dict[str, str]             # header field -> label
    field_keys: list[str]              # header fields printed, in order
    opts: dict[str, object] = field(default_factory=dict)
    other_refs: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.paid for r in self.rows), Decimal(0))

    def day(self, when: date) -> str:
        return print_date(self.dates, self.lang, when)

    def amount(self, value: Decimal, *, blank_zero: bool = False) -> str:
        """An amount as this document prints it in a table cell."""
        if blank_zero and value == 0:
            return str(self.opts.get("zero", self.money(value)))
        text = self.money(value)
        where = self.opts.get("cell_currency")
        if where == "prefix":
            return f"{self.currency} {text}"
        if where == "suffix":
            return f"{text} {self.currency}"
        return text

    def cell(self, role: str, row: Row) -> str:
        if role in AMOUNT_ROLES:
            return self.amount(getattr(row, role), blank_zero=role in ("disc", "ded", "open"))
        if role in ("date", "due"):
            return self.day(getattr(row, role))
        if role == "curr":
            return self.currency
        return str(getattr(row, role))

    def field_value(self, key: str) -> str:
        if key == "date":
            return self.day(self.paid_on)
        if key == "ref":
            return self.payment_ref
        if key == "account":
            return self.account
        if key == "currency":
            return self.currency
        if key == "payer":
            return self.payer
        if key == "total":
            where = self.opts.get("total_currency", "none")
            text = self.money(self.total)
            return {"prefix": f"{self.currency} {text}", "suffix": f"{text} {self.currency}"}.get(
                str(where), text)
        raise KeyError(key)

    def truth(self) -> Remittance:
        """What the advice must read as (the interchange spec's fields)."""
        return Remittance(
            id="", source="", format="pdf", currency=self.currency,
            lines=[RemittanceLine(r.ref, r.paid) for r in self.rows],
            payer_name=self.payer,
            payer_account=self.account if "account" in self.field_keys else None,
            payment_ref=self.payment_ref, payment_date=self.paid_on, total=self.total)


def _currency(lang: str, rng: random.Random) -> str:
    pick = rng.random()
    if lang == "en":
        return "USD" if pick < 0.6 else "GBP" if pick < 0.8 else "CAD"
    if lang in ("de", "fr", "it") and pick < 0.15:
        return "CHF"
    return "EUR"


def _amount(rng: random.Random) -> Decimal:
    """An invoice amount: mostly hundreds to thousands, sometimes small or large."""
    scale = rng.choice((9000, 100000, 100000, 500000, 1000000, 5000000))
    return (Decimal(rng.randint(500, scale)) / 100).quantize(CENT)


def _rows(template: str, rng: random.Random, lang: str, paid_on: date) -> list[Row]:
    low, high = ROWS[template]
    count = rng.randint(low, high)
    ref_shape, voucher_shape, po_shape = (rng.choice(REF_SHAPES), rng.choice(VOUCHER_SHAPES),
                                          rng.choice(PO_SHAPES))
    start = rng.randint(1000, 9000)
    refs = sorted(rng.sample(range(start, start + count * 7 + 10), count))
    discounting = rng.random() < 0.5
    rows = []
    for n, number in enumerate(refs):
        invoiced = paid_on - timedelta(days=rng.randint(10, 75))
        gross = _amount(rng)
        credit = count >= 3 and n == count - 1 and rng.random() < 0.35
        disc = (gross * Decimal(rng.choice((2, 3))) / 100).quantize(CENT) \
            if discounting and not credit and rng.random() < 0.7 else Decimal(0)
        ded = (gross * Decimal(rng.randint(1, 15)) / 100).quantize(CENT) \
            if not credit and rng.random() < 0.12 else Decimal(0)
        if credit:
            gross = -(gross / 10).quantize(CENT) - Decimal("1.00")
        rows.append(Row(ref_shape.format(number), voucher_shape.format(rng.randint(1, 99999)),
                        po_shape.format(rng.randint(1, 999999)), invoiced,
                        invoiced + timedelta(days=rng.choice((14, 30, 45, 60))),
                        gross, disc, ded))
    if sum((r.paid for r in rows), Decimal(0)) <= 0:   # a payment, never a net credit
        rows = [r for r in rows if r.gross > 0]
    return rows


def _label(text: str, rng: random.Random, upper: bool, two_line: bool) -> str:
    if upper:
        text = text.upper()
    if two_line and " " in text and len(text) > 8:
        spaces = [i for i, c in enumerate(text) if c == " "]
        cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
        text = text[:cut] + "\n" + text[cut + 1:]
    return text


def _columns(template: str, lang: str, rng: random.Random, rows: list[Row]) -> list[str]:
    """The roles shown, in printed order."""
    extra = [c for c in OPTIONAL[template] if rng.random() < 0.5]
    if any(r.disc for r in rows) and "disc" in OPTIONAL[template] and "disc" not in extra:
        extra.append("disc")
    if any(r.ded for r in rows) and "ded" in OPTIONAL[template] and "ded" not in extra:
        extra.append("ded")
    if (any(r.disc or r.ded for r in rows) or "open" in extra) and "gross" not in extra:
        extra.append("gross")       # the net paid must be explainable from what is printed
    if template == "bank":
        return ["ref", "paid"]
    ids: list[str] = [c for c in ("voucher", "po") if c in extra]
    dates: list[str] = [c for c in ("date", "due") if c in extra]
    amounts: list[str] = [c for c in ("gross", "disc", "ded") if c in extra]
    order = rng.random()
    if order < 0.45:                          # the usual: numbers, dates, amounts, paid last
        roles = ids + ["ref"] + dates + amounts + ["paid"]
    elif order < 0.7:                         # our invoice first
        roles = ["ref"] + ids + dates + amounts + ["paid"]
    elif order < 0.85:                        # dates first
        roles = dates + ["ref"] + ids + amounts + ["paid"]
    else:                                     # paid before the breakdown, balance last
        roles = ids + ["ref"] + dates + ["paid"] + amounts
    if "open" in extra:
        roles.append("open")
    if "open" in roles:
        for row in rows:
            if row.gross > 100 and not row.disc and not row.ded and rng.random() < 0.3:
                row.open = (row.gross * Decimal(rng.randint(10, 60)) / 100).quantize(CENT)
        if sum((r.paid for r in rows), Decimal(0)) <= 0:
            for row in rows:
                row.open = Decimal(0)
    if template in ("erp", "avis") and rng.random() < 0.2:
        roles.insert(roles.index("paid"), "curr")
    return roles


def make_doc(template: str, lang: str, rng: random.Random) -> Doc:
    """One advice of ``template`` in ``lang`` (all choices from ``rng``)."""
    paid_on = date(2026, 1, 5) + timedelta(days=rng.randint(0, 330))
    rows = _rows(template, rng, lang, paid_on)
    currency = _currency(lang, rng)
    money = money_style(lang, rng)
    if currency == "CHF" and rng.random() < 0.6:
        money = Money("'", ".", money.negative)
    upper = rng.random() < 0.3
    two_line = rng.random() < 0.35
    vocab = W.COLUMNS[lang]
    roles = _columns(template, lang, rng, rows)
    columns = []
    for role in roles:
        text = W.FIELDS[lang]["currency"][0] if role == "curr" else rng.choice(vocab[role])
        if role == "paid" and rng.random() < 0.2:
            text = f"{text} {currency}"
        columns.append((role, _label(text, rng, upper, two_line)))
    labels = {k: rng.choice(v) for k, v in W.FIELDS[lang].items()}
    if template == "stub":
        labels["ref"] = labels["cheque"]
    keys = ["date", "ref", "account", "total", "currency"]
    rng.shuffle(keys)
    if template == "bank":
        keys = ["payer", "total", "currency", "date", "ref"]
    elif template == "stub":
        keys = ["ref", "date", "account"]      # the cheque number is the payment reference
    elif template == "portal":
        keys = ["payer", *keys]
    account = rng.choice(("{:06d}", "V{:05d}", "{:08d}", "K-{:05d}", "SUP{:04d}")).format(
        rng.randint(100, 99999))
    ref_shape = rng.choice(("{:010d}", "PAY-{:06d}", "{:07d}", "ZL{:08d}", "EFT{:06d}",
                            "2026-{:05d}"))
    opts: dict[str, object] = {
        "zero": rng.choice((money(Decimal(0)), "", "-")),
        "cell_currency": rng.choice((None, None, None, "prefix", "suffix"))
        if template == "portal" else None,
        "total_currency": rng.choice(("none", "prefix", "suffix")),
        "ruling": rng.choice(("none", "header", "rows", "grid")),
        "fill": rng.random() < 0.5,
        "size": rng.choice((7.5, 8, 8.5, 9, 9.5)),
        "spread": rng.random() < 0.5,
        "carry": rng.random() < 0.7,
        "field_style": rng.choice(("colon", "stacked", "tab")),
        "title": rng.choice(W.TITLES["bank" if template == "bank" else "advice"][lang]),
        "intro": rng.choice(W.INTRO[lang]),
        "total_label": rng.choice(W.TOTAL_ROW[lang]),
        "carried": rng.choice(W.CARRIED[lang]),
        "brought": rng.choice(W.BROUGHT[lang]),
        "footer": rng.choice(W.FOOTER[lang]).format(dom="example.com"),
        "us": rng.choice(W.US),
        "two_pairs": rng.random() < 0.5,
        "repeat_fields": rng.random() < 0.5,
        "zebra": rng.random() < 0.3,
        "check_no": f"{rng.randint(1000, 999999):06d}",
    }
    payment_ref = str(opts["check_no"]) if template == "stub" else \
        ref_shape.format(rng.randint(1, 99999))
    doc = Doc(template, lang, rows, currency, rng.choice(W.PAYERS[lang]),
              rng.choice(W.CITIES[lang]), account, payment_ref, paid_on, money,
              date_style(lang, rng), rng.choice(FONTS), columns, labels, keys, opts)
    shape = rng.choice(REF_SHAPES)
    doc.other_refs = [(shape.format(rng.randint(10000, 99999)), _amount(rng)) for _ in rows]
    return doc
