"""Bank credit advices, second round: the payment's details as ``label: value`` pairs in
a column of labels, the invoices only in the remittance text (words in ``kvwords2`` for
English, ``kvwords`` for the other languages).

Per document, at random: how the details are set (``colon``: ``Label: value`` lines;
``column``: labels in one column and values in another, the remittance text running
on under its first line in the value column; ``twocol``: two columns of pairs, the
remittance text under them), the bank's charges taken off the amount credited (the
instructed amount, the charges, the net amount credited), the noise fields beside the
payment's own (beneficiary, account credited, the bank's own reference, charges, an
exchange rate of ``1.000000``), and how the remittance text lists the invoices (word, reference and
amount run together; ``ref/amount`` pairs; the currency before each amount; amounts
in brackets joined by "and"; ``amt`` before each amount; the currency after it; one
list after ``Invoice(s):``; one invoice a line with its amount flush right; one
invoice paying the whole amount, without its amount).
"""

from __future__ import annotations

import random
from decimal import Decimal

from tests.remittance.layouts.families import Advice
from tests.remittance.layouts_dev import kvwords as K
from tests.remittance.layouts_dev import kvwords2 as K2
from tests.remittance.layouts_dev.bankcredit import IBANS, wrap
from tests.remittance.layouts_dev.portals import LEFT, Doc, Pen, make_doc


def _words(doc: Doc, rng: random.Random) -> dict[str, str]:
    """The labels of this advice (English ones of kvwords2, else kvwords')."""
    if doc.lang == "en":
        return {key: rng.choice(K2.CREDIT[key]) for key in ("title", "amount", "ref", "date",
                                                             "payer", "info")}
    fields = K.FIELDS[doc.lang]
    return {"title": rng.choice(K.CREDIT_TITLE[doc.lang]), "amount": rng.choice(fields["total"]),
            "ref": rng.choice(fields["ref"]), "date": rng.choice(fields["date"]),
            "payer": K.ORDERING[doc.lang], "info": rng.choice(K.INFO[doc.lang])}


def _items(doc: Doc, rng: random.Random) -> tuple[list[str], bool]:
    """The remittance text's pieces, and whether each is a line of its own."""
    word = rng.choice(K2.INVOICE_WORDS if doc.lang == "en" else K.INV_WORDS[doc.lang])
    money = doc.money
    if len(doc.rows) == 1 and rng.random() < 0.4:
        return [f"{word} {doc.rows[0].ref}"], False
    style = rng.choice(("run", "slash", "ccy", "brackets", "lines", "amt", "ccyafter",
                        "listed"))
    if style == "amt":  # "Inv 4711 amt 1,200.00"
        amt = {"en": "amt", "de": "Betrag", "fr": "mt", "nl": "bedrag", "es": "imp.",
               "it": "imp."}[doc.lang]
        return [f"{word} {r.ref} {amt} {money(r.paid)}" for r in doc.rows], False
    if style == "ccyafter":  # "4711 1,200.00 USD"
        return [f"{r.ref} {money(r.paid)} {doc.currency}" for r in doc.rows], False
    if style == "listed":  # "Invoice(s): 4711 1,200.00, 4712 300.00"
        head = "Invoice(s):" if doc.lang == "en" else f"{word}:"
        return [head + " " + ", ".join(f"{r.ref} {money(r.paid)}" for r in doc.rows)], False
    if style == "lines":
        return [f"{word} {r.ref}\t{money(r.paid)}" for r in doc.rows], True
    if style == "slash":
        return [f"{word} {r.ref}/{money(r.paid)}" for r in doc.rows], False
    if style == "ccy":
        return [f"{r.ref} {doc.currency} {money(r.paid)}" for r in doc.rows], False
    if style == "brackets":
        items = [f"{r.ref} ({money(r.paid)})" for r in doc.rows]
        return [f"{word} " + f" {K.CONNECT[doc.lang]} ".join(items)], False
    return [f"{word} {r.ref} {money(r.paid)}" for r in doc.rows], False


def draw(doc: Doc, rng: random.Random) -> tuple[bytes, int]:
    pen = Pen(doc)
    words = _words(doc, rng)
    size = rng.choice((8.5, 9.0))
    y = pen.h - 50
    pen.text(LEFT, y, rng.choice(K.BANKS[doc.lang]), size=12, bold=True)
    pen.text(pen.w - LEFT, y, words["title"], size=11, bold=True, align="r")
    y -= 36
    amount = f"{doc.currency} {doc.money(doc.total)}" if rng.random() < 0.6 \
        else doc.money(doc.total)
    pairs = [(words["ref"], doc.payment_ref), (words["date"], doc.day(doc.paid_on)),
             (words["amount"], amount), (words["payer"], doc.payer)]
    if doc.lang == "en" and rng.random() < 0.35:  # the bank's charges taken off the credit
        fee = Decimal(rng.choice((10, 15, 25)))
        pairs[2] = ("Instructed amount", amount)
        pairs += [("Charges deducted", doc.money(fee)),
                  ("Net amount credited", doc.money(doc.total - fee))]
    if doc.currency not in amount:
        pairs.append(("Currency" if doc.lang == "en" else rng.choice(K.FIELDS[doc.lang]
                                                                     ["currency"]), doc.currency))
    for label, value in rng.sample(K2.CREDIT["noise"], rng.randint(1, 4)):
        pairs.append((label, value.format(rng.randint(1, 9999999)) if "{" in value else value))
    rng.shuffle(pairs)
    if rng.random() < 0.3:
        pairs.append(("IBAN", rng.choice(IBANS)))
    items, own_lines = _items(doc, rng)
    width = rng.choice((35, 50, 70))
    text = items if own_lines else wrap(rng.choice(("; ", ", ", " ")).join(items), width)
    style = rng.choice(("colon", "column", "twocol"))
    step = size + 4
    tab = max(pen.width(label + ":", size) for label, _ in pairs + [(words["info"], "")]) + 18
    if style == "twocol":
        half = (pen.w - 2 * LEFT) / 2
        for n, (label, value) in enumerate(pairs):
            row, col = divmod(n, 2)
            pen.text(LEFT + col * half, y - row * step, f"{label}: {value}", size=size)
        y -= ((len(pairs) + 1) // 2) * step + 10
        pen.text(LEFT, y, f"{words['info']}:", size=size, bold=True)
        x = LEFT + 10
        y -= step
    else:
        for label, value in pairs:
            if style == "colon":
                pen.text(LEFT, y, f"{label}: {value}", size=size)
            else:
                pen.text(LEFT, y, label, size=size)
                pen.text(LEFT + tab, y, value, size=size)
            y -= step
        y -= 4
        if style == "colon":
            pen.text(LEFT, y, f"{words['info']}:", size=size)
        else:
            pen.text(LEFT, y, words["info"], size=size)
        x = LEFT + tab
    for line in text:
        ref, _, paid = line.partition("\t")
        pen.text(x, y, ref, size=size, font="Courier" if width == 35 else None)
        if paid:
            pen.text(x + 210, y, paid, size=size, align="r")
        y -= step
    if rng.random() < 0.5:
        pen.text(LEFT, y - 16, "This advice is for information only; no signature required.",
                 size=7)
    return pen.finish(), pen.page


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One bank credit advice of the second round (``family``: a layouts_dev Family)."""
    lang = getattr(family, "lang", "en")
    doc = make_doc(lang, rng, 1, 6, full=True)
    doc.opts["ccy"] = None
    doc.account = None  # a bank's advice prints no supplier number
    pdf, pages = draw(doc, rng)
    items = [(r.ref, r.gross) for r in doc.rows]
    name = getattr(family, "name", "bankcredit2")
    return Advice(family, f"{name}-{index:03d}", pdf, doc.truth(), pages, items)  # type: ignore[arg-type]
