"""One advice's content and every style choice, drawn once from a seeded random source.

The drawers (``templates.py``, ``heldout_templates.py``) make no random
choice: a document is drawn twice (the second time knowing its page count)
and comes out the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bots.domain import Remittance, RemittanceLine
from tests.remittance.layouts3 import heldout_words, words
from tests.remittance.layouts3.formats import (
    ACCOUNTS,
    OUR_REFS,
    PAYMENT_REFS,
    VOUCHERS,
    Money,
    dates_for,
    money_for,
    print_date,
)

CENT = Decimal("0.01")
AMOUNTS = ("gross", "disc", "ded", "paid", "debit", "credit", "balance")

#: Rows per advice and the optional table columns of each template.
ROWS = {"printer": (1, 16), "statement": (2, 14), "portal": (1, 7), "credit": (1, 7),
        "multipage": (34, 90), "cheque": (1, 9)}
OPTIONAL = {"printer": ("voucher", "date", "disc", "ded"),
            "statement": ("voucher",),
            "portal": ("voucher", "date", "gross", "disc", "ded"),
            "credit": (),
            "multipage": ("voucher", "date", "gross", "disc"),
            "cheque": ("voucher", "date", "gross", "disc", "ded")}
#: Templates whose rows are paid in full (no discount or deduction is printed).
_IN_FULL = ("statement", "credit")
#: Layout variants only held-out families draw (``heldout_templates.VARIANTS``).
HELDOUT_VARIANTS = ("printer", "portal", "credit", "cheque")


@dataclass
class Row:
    """One invoice paid (a credit note: negative gross)."""

    ref: str
    voucher: str
    date: date
    gross: Decimal
    disc: Decimal = Decimal(0)
    ded: Decimal = Decimal(0)

    @property
    def paid(self) -> Decimal:
        return self.gross - self.disc - self.ded


@dataclass
class Doc:
    """Everything one advice prints, and how."""

    template: str
    lang: str
    held_out: bool
    variant: str                       # "base", or "alt" (a held-out-only layout)
    rows: list[Row]
    currency: str
    payer: str
    address: str
    account: str
    payment_ref: str
    paid_on: date
    money: Money
    dates: str
    font: str
    columns: list[tuple[str, str]]     # (role, label; "\n" makes a two-line header)
    labels: dict[str, str]             # header field -> label
    field_keys: list[str]              # header fields printed, in order
    pick: dict[str, str]               # one chosen phrase per vocabulary key
    opts: dict[str, object] = field(default_factory=dict)
    other_refs: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.paid for r in self.rows), Decimal(0))

    def day(self, when: date) -> str:
        return print_date(self.dates, self.lang, when)

    def amount(self, value: Decimal, blank_zero: bool = False) -> str:
        if blank_zero and value == 0:
            return str(self.opts["zero"])
        return self.money(value)

    def cell(self, role: str, row: Row) -> str:
        if role in ("gross", "paid"):
            return self.amount(getattr(row, role))
        if role in ("disc", "ded"):
            return self.amount(getattr(row, role), blank_zero=True)
        if role == "date":
            return self.day(row.date)
        return str(getattr(row, role))

    def field_value(self, key: str) -> str:
        value = {"date": lambda: self.day(self.paid_on), "ref": lambda: self.payment_ref,
                 "account": lambda: self.account, "currency": lambda: self.currency,
                 "payer": lambda: self.payer, "total": lambda: self.money(self.total)}[key]()
        if key == "total" and self.opts["total_ccy"]:
            return f"{self.currency} {value}" if self.opts["total_ccy"] == "pre" \
                else f"{value} {self.currency}"
        return value

    def truth(self) -> Remittance:
        """What the advice must read as."""
        return Remittance(
            id="", source="", format="pdf", currency=self.currency,
            lines=[RemittanceLine(r.ref, r.paid) for r in self.rows],
            payer_name=self.payer,
            payer_account=self.account if "account" in self.field_keys else None,
            payment_ref=self.payment_ref, payment_date=self.paid_on, total=self.total)


def _amount(rng: random.Random) -> Decimal:
    top = rng.choice((20000, 150000, 400000, 900000, 2500000))
    return (Decimal(rng.randint(1200, top)) / 100).quantize(CENT)


def _rows(template: str, rng: random.Random, paid_on: date) -> list[Row]:
    low, high = ROWS[template]
    count = rng.randint(low, high)
    ref, voucher = rng.choice(OUR_REFS), rng.choice(VOUCHERS)
    first = rng.randint(1000, 8000)
    numbers = sorted(rng.sample(range(first, first + 9 * count + 20), count))
    full = template in _IN_FULL
    discount_rate = rng.choice((0, 0, 2, 3)) if not full else 0
    rows = []
    for n, number in enumerate(numbers):
        gross = _amount(rng)
        row = Row(ref.format(number), voucher.format(rng.randint(1, 9999999)),
                  paid_on - timedelta(days=rng.randint(12, 95)), gross)
        if count >= 3 and rng.random() < 0.12 and n:     # a credit note
            row.gross = -(gross / rng.choice((5, 8, 12))).quantize(CENT)
        elif discount_rate and rng.random() < 0.8:
            row.disc = (gross * discount_rate / 100).quantize(CENT)
        if not full and row.gross > 0 and rng.random() < 0.1:
            row.ded = (gross * rng.randint(2, 20) / 100).quantize(CENT)
        rows.append(row)
    if sum((r.paid for r in rows), Decimal(0)) <= 0:
        rows = [r for r in rows if r.gross > 0]
    return rows


def _label(text: str, upper: bool, two_line: bool) -> str:
    text = text.upper() if upper else text
    if two_line and " " in text and len(text) > 9:
        cut = min((i for i, c in enumerate(text) if c == " "), key=lambda i: abs(2 * i - len(text)))
        text = text[:cut] + "\n" + text[cut + 1:]
    return text


def _roles(template: str, rng: random.Random, rows: list[Row]) -> list[str]:
    """The table's columns in printed order."""
    if template == "statement":
        roles = ["date", "ref", "desc", "debit", "credit", "balance"]
        if rng.random() < 0.4:
            roles.insert(1, "voucher")
        return roles
    if template == "credit":
        return ["ref", "paid"]
    shown = {c for c in OPTIONAL[template] if rng.random() < 0.5}
    if any(r.disc for r in rows) and "disc" in OPTIONAL[template]:
        shown.add("disc")
    if any(r.ded for r in rows):
        shown.add("ded")
    if shown & {"disc", "ded"} or template == "printer":
        shown.add("gross")
    ids = [c for c in ("voucher",) if c in shown]
    amounts = [c for c in ("gross", "disc", "ded") if c in shown]
    dates = ["date"] if "date" in shown else []
    order = rng.random()
    if order < 0.5:
        return ids + ["ref"] + dates + amounts + ["paid"]
    if order < 0.75:
        return ["ref"] + dates + ids + amounts + ["paid"]
    return dates + ["ref"] + ids + ["paid"] + amounts


def make_doc(template: str, lang: str, held_out: bool, rng: random.Random) -> Doc:
    """One advice of ``template`` in ``lang`` (all choices from ``rng``)."""
    vocab = (heldout_words if held_out else words).VOCAB[lang]
    shared = words.SHARED[lang]
    paid_on = date(2026, 1, 2) + timedelta(days=rng.randint(0, 340))
    rows = _rows(template, rng, paid_on)
    printer = template == "printer"
    currency = ("USD", "USD", "GBP", "CAD")[rng.randrange(4)] if lang == "en" else \
        "CHF" if lang in ("de", "fr", "it") and rng.random() < 0.15 else "EUR"
    money = money_for(lang, rng, printer)
    if currency == "CHF" and rng.random() < 0.7:
        money = Money("'", ".", money.sign)
    upper = printer or rng.random() < 0.3
    two_line = not printer and rng.random() < 0.3
    cols: dict[str, tuple[str, ...]] = vocab["cols"]  # type: ignore[assignment]
    columns = []
    for role in _roles(template, rng, rows):
        text = rng.choice(cols[role])
        if role in ("paid", "credit", "debit") and rng.random() < 0.15:
            text = f"{text} ({currency})" if rng.random() < 0.5 else f"{text} {currency}"
        columns.append((role, _label(text, upper, two_line)))
    fields: dict[str, tuple[str, ...]] = vocab["fields"]  # type: ignore[assignment]
    labels = {k: rng.choice(v) for k, v in fields.items()}
    if upper:
        labels = {k: v.upper() for k, v in labels.items()}
    keys = ["date", "ref", "account", "total", "currency"]
    rng.shuffle(keys)
    if rng.random() < 0.3:
        keys.remove("account")
    if template == "credit":
        keys = ["payer", "date", "total", "currency", "ref"]
    elif template == "cheque":                  # the stub: cheque number, date, maybe account
        keys = ["ref", "date"] + (["account"] if "account" in keys else [])
    pick = {k: rng.choice(v) for k, v in vocab.items() if isinstance(v, tuple)}
    pick.update({k: rng.choice(v) for k, v in shared.items()})
    pick["us"] = rng.choice(words.US)
    opts: dict[str, object] = {
        "zero": rng.choice((money(Decimal(0)), "", "", "-", ".00" if money.point == "."
                            else ",00")),
        "total_ccy": rng.choice((None, None, "pre", "post")),
        "size": rng.choice((7.5, 8.0, 8.5, 9.0)),
        "ruling": rng.choice(("none", "dashed", "lines", "box")),
        "shade": rng.random() < 0.4,
        "side": rng.choice(("supplier", "customer")),      # statements: which side invoices
        "opening": _amount(rng) if rng.random() < 0.6 else Decimal(0),
        "blocks": rng.choice(("two", "one")),              # portal: fields per block line
        "joiner": rng.choice((", ", " / ", "; ", " + ")),  # bank free text
        "ccy_in_text": rng.random() < 0.4,
        "gap": rng.choice((1, 1, 2)),                      # printer: spaces between columns
        "subtotals": rng.random() < 0.7,
        "check_no": f"{rng.randint(10000, 999999):07d}",
        "dom": rng.choice(("example.com", "example.org", "example.net")),
    }
    payment_ref = str(opts["check_no"]) if template == "cheque" else \
        rng.choice(PAYMENT_REFS).format(rng.randint(1, 999999))
    variant = "alt" if held_out and template in HELDOUT_VARIANTS and rng.random() < 0.5 \
        else "base"
    font = "Courier" if printer or (template == "credit" and variant == "alt") else \
        rng.choice(("Helvetica", "Times-Roman", "Courier", "Helvetica"))
    doc = Doc(template, lang, held_out, variant, rows, currency, rng.choice(shared["payers"]),
              rng.choice(shared["cities"]), rng.choice(ACCOUNTS).format(rng.randint(10, 99999)),
              payment_ref, paid_on, money, dates_for(lang, rng, printer), font, columns,
              labels, keys, pick, opts)
    other = rng.choice(OUR_REFS)
    doc.other_refs = [(other.format(rng.randint(10000, 99999)), _amount(rng)) for _ in rows]
    return doc
