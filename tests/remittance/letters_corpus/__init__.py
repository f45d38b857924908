"""Generated payment letters and e-mail bodies in prose: 12 phrasing families x 6 languages.

The free-text reader (:mod:`bots.remittance.letters`) is measured on these.
Every **family** is one way of phrasing a payment (:data:`PHRASINGS`) in one
language (EN, DE, FR, NL, ES, IT); within a family each letter varies its
sentences (two or three wordings per language), the number of invoices,
amounts, number locale (``1.234,56``, ``1 234,56``, ``1,234.56``,
``1234,56``), where the currency stands (``EUR 1.200,00``, ``1.200,00 €``,
``$1,200.00``, ``300,00 euro``), the reference shapes, and where the payer
is named (letterhead, signature block, or only the e-mail's From name)::

    from tests.remittance.letters_corpus import FAMILIES, letters
    for letter in letters(FAMILIES[0], count=30):
        letter.eml, letter.truth, letter.open_items, letter.family.held_out

The phrasings:

- ``inline``: "we settle your invoices 4711 (EUR 1.200,00) and 4712 (EUR 800,00)";
- ``each``: one sentence per invoice ("Rechnung 4711 über 1.200,00 EUR.");
- ``bullets``: an intro ending in ``:`` and one bullet per invoice;
- ``deducted``: the list, then "From invoice 4712 we have deducted 45.00 for damaged goods.";
- ``less``: deductions inline ("4712 (800,00 EUR) abzüglich 12,00 EUR Preisdifferenz");
- ``discount``: "Rechnung 4711 über 1.234,56 EUR abzüglich 3 % Skonto";
- ``amount-first``: "EUR 1.200,00 for invoice 4711, EUR 800,00 for invoice 4712";
- ``single``: one invoice, the amount only in the transfer sentence;
- ``net``: "for invoice 4711 we pay 1.155,00 after deducting 45,00 (damaged goods)";
- ``credit``: invoices and a credit note set off ("less your credit memo CN-17 (50.00)");
- ``numbers``: the payer's payment reference, voucher and our customer number beside the invoices;
- ``reply``: a reply above a quoted reminder naming another invoice (never a line), half
  of them as HTML.

**The split, fixed before any result was looked at**: a family is HELD-OUT when
``(phrasing index + language index) % 3 == 2`` (24 families: every phrasing and
every language has some), the other 48 are TUNE. Reader rules may be developed
against tune families only.

The truth (:attr:`Letter.truth`) holds the lines (``invoice_ref`` as written,
``paid_amount``, and gross, discount, deduction and reason), the total when
the letter states one, the currency and the payer. ``open_items`` are the
(invoice_ref, open amount) pairs the letter pays. Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from email.message import EmailMessage
from email.utils import format_datetime

from bots.domain import Remittance, RemittanceLine
from tests.remittance.layouts.printing import LOCALES, NumberStyle, money
from tests.remittance.letters_corpus import vocab as V

PHRASINGS = ("inline", "each", "bullets", "deducted", "less", "discount", "amount-first",
             "single", "net", "credit", "numbers", "reply")
_REF_SHAPES = ("90{:06d}", "RE26-{:05d}", "F-{:04d}", "INV-{:06d}", "{:07d}", "2026-{:04d}",
               "{:05d}/26")
_CREDIT_PREFIX = {"en": "CN-", "de": "GS-", "fr": "AV-", "nl": "CR-", "es": "NC-", "it": "NC-"}
_PLACEMENT = {"en": ("{sym}{num}", "{ccy} {num}", "{num} {ccy}"),
              "de": ("{num} {ccy}", "{ccy} {num}", "{num} {sym}"),
              "fr": ("{num} {ccy}", "{num} {sym}"),
              "nl": ("{sym} {num}", "{ccy} {num}", "{num} {ccy}"),
              "es": ("{num} {sym}", "{num} {ccy}", "{num} {word}"),
              "it": ("{sym} {num}", "{ccy} {num}", "{num} {word}")}


@dataclass(frozen=True)
class Family:
    """One phrasing in one language."""

    phrasing: str
    lang: str

    @property
    def name(self) -> str:
        return f"{self.phrasing}-{self.lang}"

    @property
    def held_out(self) -> bool:
        """The split rule, fixed up front: (phrasing + language index) % 3 == 2."""
        return (PHRASINGS.index(self.phrasing) + V.LANGUAGES.index(self.lang)) % 3 == 2


FAMILIES = tuple(Family(p, lang) for p in PHRASINGS for lang in V.LANGUAGES)


@dataclass
class Letter:
    """One generated e-mail, the remittance it must read as, and the items it pays."""

    family: Family
    name: str
    eml: bytes
    truth: Remittance
    open_items: list[tuple[str, Decimal]] = field(default_factory=list)
    body: str = ""


@dataclass
class _Line:
    ref: str
    gross: Decimal
    discount: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)
    reason: str | None = None
    credit: bool = False
    pct: Decimal | None = None

    @property
    def paid(self) -> Decimal:
        net = self.gross - self.discount - self.deduction
        return -net if self.credit else net


class _Doc:
    """The random choices of one letter, and how it prints amounts."""

    def __init__(self, family: Family, index: int, seed: int) -> None:
        self.family, self.lang = family, family.lang
        self.rng = random.Random(f"{family.name}:{index}:{seed}")
        rng = self.rng
        self.currency = rng.choice(V.CURRENCIES[self.lang])
        styles = [s for s in LOCALES[self.lang][0] if s.negative == "leading"]
        self.style: NumberStyle = rng.choice(styles or [LOCALES[self.lang][0][0]])
        self.placement = rng.choice(_PLACEMENT[self.lang])
        self.bare_deductions = rng.random() < 0.4  # "less 45,00" without the currency
        self.payer = rng.choice(V.PAYERS[self.lang])
        self.payer_at = rng.choice(("letterhead", "signature", "sender"))
        shape = random.Random(f"family:{family.name}").choice(_REF_SHAPES)
        taken: set[int] = set()
        self.refs: list[str] = []
        while len(self.refs) < 6:
            n = rng.randint(1, 9999)
            if n not in taken:
                taken.add(n)
                self.refs.append(shape.format(n))

    def money(self, amount: Decimal, bare: bool = False) -> str:
        num = money(amount, self.style)
        if bare:
            return num
        return self.placement.format(num=num, ccy=self.currency, sym=V.SYMBOL[self.currency],
                                     word=V.CURRENCY_WORD.get(self.lang, self.currency))

    def amount(self, low: int = 5000, high: int = 2_500_000) -> Decimal:
        return Decimal(self.rng.randint(low, high)) / 100

    def pick(self, table: dict[str, tuple[str, ...]]) -> str:
        return self.rng.choice(table[self.lang])


def _listed(doc: _Doc, items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {V.AND[doc.lang]} " + items[-1]


def _deduct(doc: _Doc, line: _Line) -> None:
    line.deduction = (line.gross * Decimal(doc.rng.randint(2, 12)) / 100).quantize(
        Decimal("0.01"))
    line.reason = doc.pick(V.REASONS)


def _ded_text(doc: _Doc, line: _Line, table: dict[str, tuple[str, ...]]) -> str:
    return doc.pick(table).format(ded=doc.money(line.deduction, doc.bare_deductions),
                                  reason=line.reason, ref=line.ref)


def _sentences(doc: _Doc) -> tuple[list[str], list[_Line], bool, dict[str, str]]:
    """(body paragraphs, lines, total stated, extra truth fields) of one phrasing."""
    rng, p = doc.rng, doc.family.phrasing
    count = 1 if p == "single" else rng.randint(2 if p in ("credit",) else 1, 4)
    lines = [_Line(doc.refs[i], doc.amount()) for i in range(count)]
    paragraphs: list[str] = []
    state_total = rng.random() < 0.7
    extra: dict[str, str] = {}
    if p in ("inline", "numbers", "reply", "deducted"):
        if p == "deducted":
            for line in rng.sample(lines, rng.randint(1, len(lines))):
                _deduct(doc, line)
        items = [f"{x.ref} ({doc.money(x.gross)})" for x in lines]
        paragraphs.append(doc.pick(V.SETTLE).format(list=_listed(doc, items)))
        paragraphs += [_ded_text(doc, x, V.DEDUCTED) for x in lines if x.deduction]
        if p == "numbers":
            extra = {"payment_ref": f"{rng.randint(10**6, 10**7 - 1)}",
                     "payer_account": f"{rng.randint(10000, 99999)}"}
            voucher = f"51{rng.randint(10**7, 10**8 - 1)}"
            paragraphs.insert(rng.randint(0, 1), doc.pick(V.NUMBERS).format(
                pref=extra["payment_ref"], voucher=voucher, acct=extra["payer_account"]))
    elif p == "each":
        paragraphs.append(V.EACH_INTRO[doc.lang] + "\n" + "\n".join(
            doc.pick(V.EACH).format(ref=x.ref, amt=doc.money(x.gross)) for x in lines))
    elif p == "bullets":
        bullet = rng.choice(V.BULLETS)
        paragraphs.append(doc.pick(V.LIST_INTRO) + "\n" + "\n".join(
            bullet.format(ref=x.ref, amt=doc.money(x.gross)) for x in lines))
    elif p == "less":
        for line in rng.sample(lines, rng.randint(1, len(lines))):
            _deduct(doc, line)
        items = [f"{x.ref} ({doc.money(x.gross)})" + (f" {_ded_text(doc, x, V.LESS)}"
                                                      if x.deduction else "") for x in lines]
        paragraphs.append(doc.pick(V.SETTLE).format(list=_listed(doc, items)))
    elif p == "discount":
        for line in lines:
            line.pct = Decimal(rng.choice(("2", "3", "1.5")))
            line.discount = (line.gross * line.pct / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        pct = {x.ref: (str(x.pct) if doc.style.mark == "." else str(x.pct).replace(".", ","))
               for x in lines}
        paragraphs.append(V.EACH_INTRO[doc.lang] + "\n" + "\n".join(
            doc.pick(V.EACH).format(ref=x.ref, amt=doc.money(x.gross)).rstrip(".") + " "
            + doc.pick(V.DISCOUNT).format(pct=pct[x.ref]) + "." for x in lines))
    elif p == "amount-first":
        items = [doc.pick(V.AMOUNT_FIRST).format(amt=doc.money(x.gross), ref=x.ref)
                 for x in lines]
        paragraphs.append(V.AMOUNT_FIRST_INTRO[doc.lang] + " " + _listed(doc, items) + ".")
    elif p == "single":
        paragraphs.append(doc.pick(V.SINGLE).format(amt=doc.money(lines[0].gross),
                                                    ref=lines[0].ref))
        state_total = True
    elif p == "net":
        for line in lines:
            _deduct(doc, line)
        paragraphs += [doc.pick(V.NET).format(ref=x.ref, net=doc.money(x.paid),
                                              ded=doc.money(x.deduction, doc.bare_deductions),
                                              reason=x.reason) for x in lines]
    elif p == "credit":
        credit = _Line(_CREDIT_PREFIX[doc.lang] + doc.refs[5][-4:], doc.amount(1000, 40000),
                       credit=True)
        items = [f"{x.ref} ({doc.money(x.gross)})" for x in lines]
        paragraphs.append(doc.pick(V.SETTLE).format(list=_listed(doc, items)))
        paragraphs.append(doc.pick(V.CREDIT).format(cn=credit.ref, amt=doc.money(credit.gross)))
        lines.append(credit)
    total = sum((x.paid for x in lines), Decimal(0))
    if state_total and p != "single":
        paragraphs.append(doc.pick(V.TOTAL).format(amt=doc.money(total)))
    return paragraphs, lines, state_total, extra


def _compose(doc: _Doc, paragraphs: list[str]) -> tuple[str, str]:
    """(body text, From display name) with the payer where this letter names it."""
    rng = doc.rng
    person = rng.choice(V.PEOPLE)
    head: list[str] = []
    if doc.payer_at == "letterhead":
        head = [doc.payer, *V.ADDRESS[doc.lang], ""]
    sign = [doc.pick(V.CLOSING), person]
    if doc.payer_at == "signature":
        sign += ([V.TITLE[doc.lang]] if rng.random() < 0.5 else []) + [doc.payer]
    sender = doc.payer if doc.payer_at == "sender" else person
    if doc.payer_at == "sender" and rng.random() < 0.5:
        sender = f"{doc.payer} Accounts Payable"
    body = "\n".join(head + [doc.pick(V.SALUTATION), ""] + ["\n\n".join(paragraphs), ""] + sign)
    if doc.family.phrasing == "reply":
        other = doc.refs[4]
        body += "\n\n" + V.QUOTED[doc.lang] + "\n" + V.REMINDER[doc.lang].format(
            ref=other, amt=doc.money(doc.amount())) + "\n"
    return body + "\n", sender


def _eml(doc: _Doc, body: str, sender: str, index: int) -> bytes:
    message = EmailMessage()
    slug = "".join(c for c in doc.payer.lower() if c.isascii() and c.isalpha())[:12]
    message["From"] = f"{sender} <ap@{slug}.example>"
    message["To"] = "ar@arbots.example"
    message["Subject"] = doc.pick(V.SUBJECT)
    message["Date"] = format_datetime(datetime(2026, 4, 1 + index % 28, 9, 30,
                                               tzinfo=UTC))
    message["Message-ID"] = f"<{doc.family.name}-{index}@{slug}.example>"
    if doc.family.phrasing == "reply" and doc.rng.random() < 0.5:
        html = "".join(f"<p>{para.replace(chr(10), '<br>')}</p>" for para in body.split("\n\n"))
        message.set_content(f"<html><body>{html}</body></html>", subtype="html",
                            charset="utf-8")
    else:
        message.set_content(body, charset="utf-8")
    return message.as_bytes()


def make_letter(family: Family, index: int, seed: int = 5) -> Letter:
    """The ``index``-th letter of ``family`` for ``seed`` (deterministic)."""
    doc = _Doc(family, index, seed)
    paragraphs, lines, state_total, extra = _sentences(doc)
    body, sender = _compose(doc, paragraphs)
    total = sum((x.paid for x in lines), Decimal(0))
    truth = Remittance(
        id="", source="", format="email", currency=doc.currency,
        lines=[RemittanceLine(x.ref, x.paid, gross_amount=-x.gross if x.credit else x.gross,
                              discount=x.discount, deduction=x.deduction,
                              deduction_reason=x.reason) for x in lines],
        payer_name=doc.payer, total=total if state_total else None,
        payment_ref=extra.get("payment_ref"), payer_account=extra.get("payer_account"))
    open_items = [(x.ref, -x.gross if x.credit else x.gross) for x in lines]
    return Letter(family, f"{family.name}-{index:03d}", _eml(doc, body, sender, index), truth,
                  open_items, body)


def letters(family: Family, count: int = 30, seed: int = 5) -> list[Letter]:
    """``count`` letters of ``family``."""
    return [make_letter(family, i, seed) for i in range(count)]


__all__ = ["FAMILIES", "PHRASINGS", "Family", "Letter", "letters", "make_letter"]
