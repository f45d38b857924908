"""Bank credit advices: the invoices only in the payment's free-text remittance information.

Per document, at random: the print (``advice``: a bank's letter with its fields
and the remittance text under its label; ``mt103``: a Courier print of the SWIFT
message, ``:20:`` ``:32A:`` ``:50K:`` ``:59:`` ``:70:``, as the message or as a
SWIFT interface's expanded print, each tag with its name and the values under it
(``Date :``, ``Amount : #1200,00#``); sometimes with a few fields spelled out
above it), how the text lists the invoices (``word ref amount`` joined by a
separator, one invoice a line, ``/INV/ref amount`` codes, amounts with the
currency, in brackets, with the invoice date, a lone reference paying the whole
amount), the wrapping width (35 characters as SWIFT cuts, wider for letters),
noise fields (end-to-end reference, mandate,
IBANs, BIC, fees), the labels (``kvwords``) and number and date styles.
"""

from __future__ import annotations

import random

from tests.remittance.layouts.families import Advice
from tests.remittance.layouts_dev import kvwords as K
from tests.remittance.layouts_dev.portals import (
    LEFT,
    Doc,
    Pen,
    header_fields,
    make_doc,
    payment_fields,
)

IBANS = ("DE44 5001 0517 5407 3249 31", "FR14 2004 1010 0505 0001 3M02 606",
         "NL91 ABNA 0417 1643 00", "ES91 2100 0418 4502 0005 1332",
         "IT60 X054 2811 1010 0000 0123 456", "GB29 NWBK 6016 1331 9268 19")


def wrap(text: str, width: int) -> list[str]:
    """``text`` cut into lines of ``width`` characters: at spaces, or hard (SWIFT)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
        while len(line) > width:
            lines.append(line[:width])
            line = line[width:]
    return [*lines, line] if line else lines


def remittance_text(doc: Doc, rng: random.Random) -> list[str]:
    """The free text: the invoices written one of several ways (see the module)."""
    word = rng.choice(K.INV_WORDS[doc.lang])
    money = doc.money
    if len(doc.rows) == 1 and rng.random() < 0.5:
        return [f"{rng.choice(K.INTRO[doc.lang])} {word} {doc.rows[0].ref}"]
    style = rng.choice(("word", "word", "ccy", "brackets", "lines", "swift", "dated", "bare"))
    if style == "brackets" and money.sign == "parens":  # "((1.336,55))" nobody prints
        style = "word"
    if style == "swift":  # SWIFT's own amounts: no grouping, a decimal comma
        return ["".join(f"/INV/{r.ref} {r.paid:f}".replace(".", ",") for r in doc.rows)]
    if style == "lines":
        return [f"{word} {r.ref} {money(r.paid)}" for r in doc.rows]
    if style == "dated":
        on = {"en": "of", "de": "vom", "fr": "du", "nl": "van", "es": "de", "it": "del"}[doc.lang]
        items = [f"{word} {r.ref} {on} {doc.day(r.when)} {money(r.paid)}" for r in doc.rows]
    elif style == "ccy":
        items = [f"{word} {r.ref} {doc.currency} {money(r.paid)}" for r in doc.rows]
    elif style == "brackets":
        items = [f"{r.ref} ({money(r.paid)})" for r in doc.rows]
        items[0] = f"{word} {items[0]}"
    elif style == "bare":
        items = [f"{r.ref} {money(r.paid)}" for r in doc.rows]
    else:
        items = [f"{word} {r.ref} {money(r.paid)}" for r in doc.rows]
    joiner = rng.choice((", ", "; ", " / ", " + ", " - ", f" {K.CONNECT[doc.lang]} "))
    intro = f"{rng.choice(K.INTRO[doc.lang])} " if rng.random() < 0.4 else ""
    return [intro + joiner.join(items)]


def _advice(pen: Pen, rng: random.Random) -> None:
    doc = pen.doc
    bank = rng.choice(K.BANKS[doc.lang])
    y = pen.h - 50
    pen.text(LEFT, y, bank, size=13, bold=True)
    pen.text(pen.w - LEFT, y, doc.label(rng.choice(K.CREDIT_TITLE[doc.lang])), size=11,
             bold=True, align="r")
    pen.text(LEFT, y - 28, f"{K.BENEFICIARY[doc.lang]}: {rng.choice(K.US)}", size=9)
    pen.text(LEFT, y - 40, f"IBAN {IBANS[0]}", size=9)
    pairs = payment_fields(doc, rng)
    pairs.insert(rng.randrange(len(pairs) + 1), (K.ORDERING[doc.lang], doc.payer))
    if rng.random() < 0.4:
        e2e = rng.choice(("NOTPROVIDED", f"E2E{rng.randint(1, 10**9)}"))
        pairs.append(("End-to-End-Ref.", e2e))
    y = header_fields(pen, y - 66, pairs, rng.choice(("colon", "tab", "twocol")), 9)
    if rng.random() < 0.6:
        pen.text(LEFT, y - 6, f"{K.ORDERING[doc.lang]} IBAN: {rng.choice(IBANS)}   BIC: "
                              f"{rng.choice(('COBADEFFXXX', 'BNPAFRPPXXX', 'INGBNL2A'))}",
                 size=8.5)
        y -= 16
    label = doc.label(rng.choice(K.INFO[doc.lang]))
    width = rng.choice((35, 60, 90))
    texts = [line for part in remittance_text(doc, rng) for line in wrap(part, width)]
    y -= 14
    if rng.random() < 0.5 and width < 90:  # the label and the text's first line together
        pen.text(LEFT, y, f"{label}: {texts[0]}", size=9)
        texts = texts[1:]
    else:
        pen.text(LEFT, y, f"{label}:", size=9, bold=True)
    indent = 0 if rng.random() < 0.7 else 12
    for line in texts:
        y -= 11
        pen.text(LEFT + indent, y, line, size=8.5, font="Courier" if width == 35 else None)
    if rng.random() < 0.5:
        pen.text(LEFT, y - 20, rng.choice(("Charges: SHA", "Fees: 0.00", "Spesen: 0,00 EUR",
                                           "Frais : 0,00")), size=8)


def _mt103(pen: Pen, rng: random.Random) -> None:
    doc = pen.doc
    size = rng.choice((8.5, 9.0))
    lines = [f"{rng.choice(K.BANKS[doc.lang]).upper()}",
             "MT103 SINGLE CUSTOMER CREDIT TRANSFER", ""]
    if rng.random() < 0.5:
        lines += [f"{doc.label(label)}: {value}" for label, value in payment_fields(doc, rng)]
        lines.append("")
    else:
        doc.account = None  # the message has no field for it
    amount = f"{doc.total:f}".replace(".", ",")
    info = [line for part in remittance_text(doc, rng) for line in wrap(part, 35)]
    if rng.random() < 0.5:  # the expanded print of a SWIFT interface: tag, its name, values
        pad = " " * 6
        lines += [":20: Sender's Reference", pad + doc.payment_ref,
                  ":23B: Bank Operation Code", pad + "CRED",
                  ":32A: Val Dte/Curr/Interbnk Settld Amt",
                  f"{pad}Date : {doc.paid_on.day} {doc.paid_on:%B %Y}",
                  f"{pad}Currency : {doc.currency}", f"{pad}Amount : #{amount}#",
                  ":50K: Ordering Customer-Name & Address",
                  pad + "/" + rng.choice(IBANS).replace(" ", ""), pad + doc.payer.upper()[:35],
                  ":59: Beneficiary Customer-Name & Addr",
                  pad + "/" + IBANS[0].replace(" ", ""), pad + rng.choice(K.US).upper()[:35],
                  ":70: Remittance Information", *(pad + line for line in info),
                  ":71A: Details of Charges", pad + "SHA"]
    else:
        lines += [":20:" + doc.payment_ref, ":23B:CRED",
                  f":32A:{doc.paid_on:%y%m%d}{doc.currency}{amount}",
                  ":50K:/" + rng.choice(IBANS).replace(" ", ""), doc.payer.upper()[:35],
                  ":59:/" + IBANS[0].replace(" ", ""), rng.choice(K.US).upper()[:35],
                  ":70:" + info[0], *info[1:], ":71A:SHA"]
    y = pen.h - 50
    for text in lines:
        pen.text(LEFT, y, text, size=size, font="Courier")
        y -= size + 3


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One bank credit advice (``family``: a layouts_dev Family)."""
    lang = getattr(family, "lang", "en")
    doc = make_doc(lang, rng, 1, 7, full=True)
    doc.opts["ccy"] = None
    pen = Pen(doc)
    kind = rng.choice(("advice", "advice", "mt103"))
    (_mt103 if kind == "mt103" else _advice)(pen, rng)
    pdf = pen.finish()
    items = [(r.ref, r.gross) for r in doc.rows]
    name = getattr(family, "name", "bankcredit")
    return Advice(family, f"{name}-{index:03d}", pdf, doc.truth(), pen.page, items)  # type: ignore[arg-type]
