"""Layout variants only the HELD-OUT families draw (half of their documents).

- ``printer``: an AS/400 spool print: program and page in the first line,
  dotted-leader labels ("SETTLEMENT DATE . . . :"), two-row column headings
  underlined column by column with "=".
- ``portal``: stacked two-row records: the invoice's numbers and date on the
  first row, its amounts on the second, under a two-row heading.
- ``credit``: a SWIFT MT103 print in Courier: tagged fields (:20:, :32A:,
  :50K:, :59:) and the remittance information (:70:) wrapped at 35
  characters, so a reference and its amount may stand on different lines.
- ``cheque``: cheque on top, then the stub twice (payee copy and file copy:
  the same lines printed twice, paid once).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.remittance.layouts3.document import AMOUNTS
from tests.remittance.layouts3.templates import (
    BANK_IBANS,
    LEFT,
    Pen,
    cheque_face,
    field_block,
    fixed_columns,
    stub,
    wrap,
)


def as400(pen: Pen) -> None:
    doc = pen.doc
    size = 8.0
    y = pen.h - 40
    program = f"APR330{'':<10}{doc.payer.upper()[:30]:<34}PAGE{pen.page:>5}"
    pen.text(LEFT, y, program, size=size)
    pen.text(LEFT, y - 11, f"{doc.pick['title'].upper():<50}{doc.day(doc.paid_on)}", size=size)
    tab = max(len(doc.labels[k]) for k in doc.field_keys) + 3
    y -= 34
    for key in doc.field_keys:
        label = doc.labels[key].upper()
        leader = " ." * ((tab - len(label)) // 2)
        pen.text(LEFT, y, f"{label}{leader} : {doc.field_value(key)}", size=size)
        y -= size + 3
    pen.text(LEFT, y - 6, f"{doc.pick['beneficiary'].upper()}: {doc.pick['us'].upper()}",
             size=size)
    y -= 30
    widths, heads = fixed_columns(doc)
    tops, bottoms = [], []
    for (role, _), head, width in zip(doc.columns, heads, widths, strict=True):
        top, _, bottom = head.replace("\n", " ").partition(" ")
        width = max(width, len(top), len(bottom))
        just = str.rjust if role in AMOUNTS else str.ljust
        tops.append(just(top, width))
        bottoms.append(just(bottom, width))
    widths = [len(t) for t in tops]
    for text in (" ".join(tops), " ".join(bottoms), " ".join("=" * w for w in widths)):
        pen.text(LEFT, y, text.rstrip(), size=size)
        y -= size + 3

    def line(values: dict[str, str]) -> str:
        return " ".join((values.get(r, "").rjust(w) if r in AMOUNTS else values.get(r, "").ljust(w))
                        for (r, _), w in zip(doc.columns, widths, strict=True)).rstrip()

    for row in doc.rows:
        pen.text(LEFT, y, line({r: doc.cell(r, row) for r, _ in doc.columns}), size=size)
        y -= size + 3
    pen.text(LEFT, y, " ".join(("-" * w if r == "paid" else " " * w)
                               for (r, _), w in zip(doc.columns, widths, strict=True)).rstrip(),
             size=size)
    pen.text(LEFT, y - size - 3, line({"paid": doc.money(doc.total)}) +
             f"  * {doc.pick['total'].upper()}", size=size)
    pen.text(LEFT, y - 3 * (size + 3), "* * *  E N D  * * *", size=size)


def stacked(pen: Pen) -> None:
    doc = pen.doc
    pen.text(LEFT, pen.h - 44, doc.pick["title"], size=14, bold=True)
    pen.text(LEFT, pen.h - 58, f"{doc.payer}  >  {doc.pick['us']}", size=8.5)
    y = field_block(pen, LEFT, pen.h - 84, doc.field_keys, size=9)
    size = float(doc.opts["size"])  # type: ignore[arg-type]
    upper = [(r, lb) for r, lb in doc.columns if r not in AMOUNTS]
    lower = [(r, lb) for r, lb in doc.columns if r in AMOUNTS]
    span = (pen.w - 2 * LEFT) / 4

    def put(y: float, values: list[tuple[str, str]], amounts: bool, bold: bool) -> None:
        for n, (_, text) in enumerate(values):
            if amounts:
                right = pen.w - LEFT - 4 - (pen.w - 2 * LEFT) / 5 * (len(values) - 1 - n)
                pen.text(right, y, text, size, bold, "r")
            else:
                pen.text(LEFT + span * n + 2, y, text, size, bold)

    y -= 16
    pen.rect(LEFT, y - size - 6, pen.w - 2 * LEFT, 2 * size + 10, grey=0.9)
    put(y, [(r, lb.replace("\n", " ")) for r, lb in upper], False, True)
    put(y - size - 3, [(r, lb.replace("\n", " ")) for r, lb in lower], True, True)
    y -= 2 * size + 14
    for row in doc.rows:
        put(y, [(r, doc.cell(r, row)) for r, _ in upper], False, False)
        put(y - size - 3, [(r, doc.cell(r, row)) for r, _ in lower], True, False)
        pen.rule(LEFT, y - size - 7, pen.w - LEFT, 0.2)
        y -= 2 * size + 12
    pen.text(LEFT, y, doc.pick["total"], size + 1, True)
    pen.text(pen.w - LEFT - 4, y, doc.field_value("total"), size + 1, True, "r")


def mt103(pen: Pen) -> None:
    doc = pen.doc
    size = 8.5
    y = pen.h - 48
    pen.text(LEFT, y, doc.pick["banks"].upper(), size=12, bold=True)
    pen.text(pen.w - LEFT, y, doc.pick["credit_title"], size=10, bold=True, align="r")
    y = field_block(pen, LEFT, y - 30, doc.field_keys, size=size, colon=False)
    amount = f"{doc.total:.2f}".replace(".", ",")       # SWIFT: no grouping, comma
    tags = [(":20:", doc.payment_ref),
            (":32A:", f"{doc.paid_on:%y%m%d}{doc.currency}{amount}"),
            (":50K:", f"/{BANK_IBANS[len(doc.payer) % 6].replace(' ', '')}"),
            ("", doc.payer.upper()[:35]), ("", doc.address.upper()[:35]),
            (":59:", f"/{BANK_IBANS[2].replace(' ', '')}"), ("", doc.pick["us"].upper())]
    ccy = f"{doc.currency} " if doc.opts["ccy_in_text"] else ""
    info = "".join(f"/{doc.pick['inv_word']}/{r.ref} {ccy}{doc.money(r.paid)}" for r in doc.rows)
    tags += [(":70:" if n == 0 else "", line) for n, line in enumerate(wrap(info, 35))]
    tags.append((":71A:", "SHA"))
    y -= 14
    for tag, value in tags:
        pen.text(LEFT, y, f"{tag:<6}{value}", size=size, font="Courier")
        y -= size + 3


def cheque_on_top(pen: Pen) -> None:
    doc = pen.doc
    cut = pen.h * 0.66
    cheque_face(pen, pen.h - 10)
    for copy in range(2):
        pen.rule(15, cut, pen.w - 15, dashed=True)
        pen.text(pen.w / 2, cut - 9, doc.pick["detach"], size=6.5, align="c")
        bottom = stub(pen, cut - 26)
        cut = min(bottom - 6, pen.h * 0.36) if copy == 0 else cut


VARIANTS: dict[str, Callable[[Pen], None]] = {
    "printer": as400, "portal": stacked, "credit": mt103, "cheque": cheque_on_top}
