"""Portal remittances, second round: per-invoice key-value blocks printed as other
portals and ERPs print them (words in ``kvwords2``).

Per document, at random: the block's shape (``leaders``: ``Label ...... value`` with
dot leaders to a tab; ``spaced``: French typography ``Label : value``, one or two a
line; ``grid``: ruled boxes ``label | value | label | value``; ``heading``: a title
line per block, ``Fattura 2 di 5``, over ``Label: value`` lines; ``right``: labels
left, values flush right; ``above``: labels in ruled boxes over their values, amounts
set flush right in the box; ``under``: each label on a line of its own over its
value; ``cards``: three fields a row, each label over its value; ``dated``: a line
naming the invoice and its date, ``Fattura n. FT-123 del 15/03/2026``, over the
amounts), the separator
between blocks (a rule, a dashed line of text, a gap), the payer's own document
number beside ours (sometimes of the same shape), which optional fields a block has
and their order, the header's shape, the amounts' locale and currency (an ISO code or
a sign, ``1.234,56 €``, ``€ 1.234,56``), and whether
the total is printed under the blocks.
"""

from __future__ import annotations

import random
from decimal import Decimal

from tests.remittance.layouts.families import Advice
from tests.remittance.layouts_dev import kvwords as K
from tests.remittance.layouts_dev import kvwords2 as K2
from tests.remittance.layouts_dev.portals import (
    LEFT,
    Doc,
    Pen,
    Row,
    cell,
    header_fields,
    make_doc,
)

SHAPES = ("leaders", "spaced", "grid", "heading", "right", "above", "under", "cards", "dated")


def _roles(doc: Doc, rng: random.Random) -> list[tuple[str, str]]:
    """(role, label) of a block's fields, in print order."""
    roles = ["ref"]
    if rng.random() < 0.6:
        roles.append("date")
    if rng.random() < 0.45:
        roles.insert(rng.randrange(len(roles) + 1), "voucher")
    amounts = ["gross"] if any(r.disc or r.ded for r in doc.rows) or rng.random() < 0.5 else []
    if any(r.disc for r in doc.rows):
        amounts.append("disc")
    if any(r.ded for r in doc.rows):
        amounts.append("ded")
    amounts.insert(len(amounts) if rng.random() < 0.8 else 0, "paid")
    words = K2.RECORD[doc.lang]
    return [(role, doc.label(rng.choice(words[role]))) for role in roles + amounts]


def _cell(doc: Doc, role: str, row: Row) -> str:
    """:func:`portals.cell`, with the currency sign after or before a non-zero amount
    when the document prints one ("1.234,56 €", "€ 1.234,56")."""
    sign = {"EUR": "€", "GBP": "£", "USD": "$"}.get(doc.currency)
    place = doc.opts.get("sign")
    amounts = {"gross": row.gross, "disc": row.disc, "ded": row.ded, "paid": row.paid}
    if not sign or place not in ("pre", "post") or role not in amounts or (
            role in ("disc", "ded") and amounts[role] == 0):
        return cell(doc, role, row)
    money = doc.money(amounts[role])
    return f"{money} {sign}" if place == "post" else f"{sign} {money}"


def _separator(pen: Pen, y: float, style: str) -> float:
    if style == "rule":
        pen.rule(y + 4, 0.3)
    elif style == "dashes":
        pen.text(LEFT, y, "- " * 45, size=7, font="Courier")
        y -= 6
    return y - 8


def _block(pen: Pen, y: float, n: int, row: Row, roles: list[tuple[str, str]], shape: str,
           size: float, rng_opts: dict[str, object]) -> float:
    """Draw one invoice's block from ``y`` down; the y under it."""
    doc = pen.doc
    step = size + 4
    inner = pen.w - 2 * LEFT
    if shape == "heading":
        title = str(rng_opts["title"]).format(n=n + 1, of=len(doc.rows))
        pen.text(LEFT, y, doc.label(title), size=size + 0.5, bold=True)
        y -= step + 1
        two = bool(rng_opts["two"])
        for m, (role, label) in enumerate(roles):
            line, col = divmod(m, 2) if two else (m, 0)
            pen.text(LEFT + 12 + col * inner / 2, y - line * step,
                     f"{label}: {_cell(doc, role, row)}", size=size)
        lines = (len(roles) + 1) // 2 if two else len(roles)
        return y - lines * step
    if shape == "dated":  # "Fattura n. FT-123 del 15/03/2026", then the amounts
        label, colon, of = (str(rng_opts[k]) for k in ("dated", "colon", "of"))
        pen.text(LEFT, y, f"{doc.label(label)}{colon} {row.ref} {of} {doc.day(row.when)}",
                 size=size, bold=True)
        y -= step
        for role, label in roles:
            if role not in ("ref", "date"):
                pen.text(LEFT + 12, y, f"{label}: {_cell(doc, role, row)}", size=size)
                y -= step
        return y
    if shape == "under":  # each label small on its line, its value under it
        for role, label in roles:
            pen.text(LEFT, y, label, size=size - 1.5)
            pen.text(LEFT, y - step + 2, _cell(doc, role, row), size=size, bold=role == "ref")
            y -= 2 * step - 2
        return y
    if shape == "cards":  # three fields a row, each label over its value
        width = inner / 3
        for m, (role, label) in enumerate(roles):
            line, col = divmod(m, 3)
            top = y - line * (2 * step + 2)
            pen.text(LEFT + col * width, top, label, size=size - 1)
            pen.text(LEFT + col * width, top - step + 1, _cell(doc, role, row), size=size)
        return y - ((len(roles) + 2) // 3) * (2 * step + 2)
    if shape == "leaders":
        tab = max(pen.width(label, size) for _, label in roles) + 60
        for role, label in roles:
            dots = "." * max(3, int((tab - pen.width(label, size) - 8) / pen.width(".", size)))
            pen.text(LEFT, y, f"{label} {dots}", size=size)
            pen.text(LEFT + tab + 4, y, _cell(doc, role, row), size=size, bold=role == "ref")
            y -= step
        return y
    if shape == "spaced":
        two = bool(rng_opts["two"])
        for m, (role, label) in enumerate(roles):
            line, col = divmod(m, 2) if two else (m, 0)
            pen.text(LEFT + col * inner / 2, y - line * step, f"{label} : {_cell(doc, role, row)}",
                     size=size)
        return y - ((len(roles) + 1) // 2 if two else len(roles)) * step
    if shape == "right":
        for role, label in roles:
            pen.text(LEFT, y, label, size=size)
            value = _cell(doc, role, row)
            if role in ("gross", "disc", "ded", "paid"):
                pen.text(LEFT + inner * 0.55, y, value, size=size, align="r")
            else:
                pen.text(LEFT + inner * 0.25, y, value, size=size, bold=role == "ref")
            y -= step
        return y
    if shape == "grid":
        half = inner / 2
        lines = (len(roles) + 1) // 2
        height = step + 3
        canvas = pen.canvas
        canvas.setLineWidth(0.4)
        for line in range(lines + 1):
            canvas.line(LEFT, y + height - 3 - line * height + 0.5, pen.w - LEFT,
                        y + height - 3 - line * height + 0.5)
        for x in (LEFT, LEFT + half * 0.45, LEFT + half, LEFT + half * 1.45, pen.w - LEFT):
            canvas.line(x, y + height - 2.5, x, y + height - 2.5 - lines * height)
        for m, (role, label) in enumerate(roles):
            line, col = divmod(m, 2)
            top = y - line * height
            pen.text(LEFT + col * half + 3, top, label, size=size - 0.5)
            pen.text(LEFT + col * half + half * 0.45 + 3, top, _cell(doc, role, row), size=size)
        return y - lines * height
    # above: labels in boxes over their values; amounts flush right in their box
    width = inner / len(roles)
    canvas = pen.canvas
    canvas.setLineWidth(0.4)
    canvas.rect(LEFT, y - step - 3, inner, 2 * step + 1, stroke=1, fill=0)
    for m, (role, label) in enumerate(roles):
        x = LEFT + m * width
        if m:
            canvas.line(x, y + step - 2, x, y - step - 3)
        amount = role in ("gross", "disc", "ded", "paid")
        pen.text(x + 3, y, label, size=size - 1.5)
        if amount:
            pen.text(x + width - 3, y - step, _cell(doc, role, row), size=size, align="r")
        else:
            pen.text(x + 3, y - step, _cell(doc, role, row), size=size)
    return y - 2 * step


def _header_pairs(doc: Doc, rng: random.Random) -> list[tuple[str, str]]:
    words = K2.FIELDS[doc.lang]
    pairs = [(rng.choice(words["ref"]), doc.payment_ref),
             (rng.choice(words["date"]), doc.day(doc.paid_on))]
    if rng.random() < 0.6:
        pairs.append((rng.choice(words["total"]), doc.amount(doc.total)))
    if doc.account:
        pairs.append((rng.choice(words["account"]), doc.account))
    if not doc.opts.get("ccy"):  # the amounts print no currency: the header does
        pairs.append((rng.choice(K.FIELDS[doc.lang]["currency"]), doc.currency))
    rng.shuffle(pairs)
    return pairs


def draw(doc: Doc, rng: random.Random) -> tuple[bytes, int]:
    pen = Pen(doc)
    size = rng.choice((8.0, 8.5, 9.0))
    doc.opts["zero"] = rng.choice(("-", doc.money(Decimal(0)), ""))
    y = pen.h - 48
    pen.text(LEFT, y, doc.label(rng.choice(K2.TITLE[doc.lang])), size=14, bold=True)
    pen.text(pen.w - LEFT, y, doc.payer, size=9.5, align="r")
    y -= 28
    if rng.random() < 0.4:
        pen.text(LEFT, y, f"{K.BENEFICIARY[doc.lang]}: {rng.choice(K.US)}", size=size)
        y -= 18
    y = header_fields(pen, y, [(doc.label(lb), v) for lb, v in _header_pairs(doc, rng)],
                      rng.choice(("colon", "tab", "boxes", "twocol")), size) - 18
    roles = _roles(doc, rng)
    shape = rng.choice(SHAPES)
    if shape == "above" and len(roles) > 6:
        shape = "grid"
    opts: dict[str, object] = {"title": rng.choice(K2.BLOCK_TITLE[doc.lang]),
                               "two": rng.random() < 0.4,
                               "dated": rng.choice(K2.DATED[doc.lang]),
                               "colon": rng.choice(("", ":")),
                               "of": rng.choice(K2.OF_DATE[doc.lang])}
    separator = rng.choice(("rule", "dashes", "gap")) if shape not in ("grid", "above") \
        else "gap"
    step = size + 4
    for n, row in enumerate(doc.rows):
        lines = 2 * len(roles) + 1 if shape == "under" else len(roles) + 1 \
            if shape not in ("grid", "above") else len(roles) // 2 + 2
        y = pen.room(y, lines * step + 10)
        y = _block(pen, y, n, row, roles, shape, size, opts)
        y = _separator(pen, y - 4, separator)
    if rng.random() < 0.75:
        y = pen.room(y, 30)
        total = doc.label(rng.choice(K2.FIELDS[doc.lang]["total"]))
        pen.text(LEFT, y - 8, f"{total}: {doc.amount(doc.total)}", size=size + 1, bold=True)
    return pen.finish(), pen.page


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One portal remittance of the second round (``family``: a layouts_dev Family)."""
    lang = getattr(family, "lang", "en")
    doc = make_doc(lang, rng)
    if not doc.opts.get("ccy") and rng.random() < 0.4:  # a currency sign by the amounts
        doc.opts["sign"] = "post" if lang in ("de", "fr", "es", "it", "nl") \
            and rng.random() < 0.7 else "pre"
    if rng.random() < 0.3:  # the payer's own numbers in the shape of ours
        for row in doc.rows:
            row.voucher = f"{row.ref[:-3]}{rng.randint(0, 999):03d}"
    pdf, pages = draw(doc, rng)
    items = [(r.ref, r.gross) for r in doc.rows]
    name = getattr(family, "name", "portals2")
    return Advice(family, f"{name}-{index:03d}", pdf, doc.truth(), pages, items)  # type: ignore[arg-type]
