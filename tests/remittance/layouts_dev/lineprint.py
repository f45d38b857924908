"""A line-printer print: Courier, one string per line, dashed rulers, labels that touch.

Two kinds, drawn at random per document:

- **advice**: a JD Edwards / AS/400 style A/P payment register: fixed-width
  columns whose upper-case labels fill their column to the last character
  (``VOUCHER NOINVOICE NUMBERINV DATE``), sometimes over two lines, dashed or
  ``=`` rulers, a total line;
- **statement**: a statement of account used as advice: DATE, TYPE, DOC NO,
  REFERENCE, DEBIT, CREDIT, BALANCE with a running balance, invoices and credit
  notes on one side, the payment that clears them on the other.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from bots.domain import Remittance, RemittanceLine
from tests.remittance.layouts.families import Advice

CENT = Decimal("0.01")
REF_SHAPES = ("INV{:06d}", "90{:06d}", "{:07d}", "AR-{:06d}", "F26-{:05d}")


def _money(value: Decimal, neg: str, group: bool) -> str:
    text = f"{abs(value):,.2f}" if group else f"{abs(value):.2f}"
    if value >= 0:
        return text
    return {"lead": f"-{text}", "trail": f"{text}-", "paren": f"({text})", "cr": f"{text}CR"}[neg]


def _date(when: date, style: str) -> str:
    return when.strftime(style).upper()


def _cells(widths: list[int], texts: list[str], right: list[bool]) -> str:
    """One fixed-width line: each text cut or padded to its column."""
    out = []
    for width, text, r in zip(widths, texts, right, strict=True):
        text = text[:width]
        out.append(text.rjust(width) if r else text.ljust(width))
    return "".join(out).rstrip()


def make_advice(family: object, index: int, rng: random.Random) -> Advice:
    """One line-printer document (``family`` is a layouts_dev Family)."""
    paid_on = date(2026, 1, 5) + timedelta(days=rng.randint(0, 330))
    count = rng.randint(2, 40)
    shape = rng.choice(REF_SHAPES)
    start = rng.randint(1000, 9000)
    numbers = sorted(rng.sample(range(start, start + count * 5 + 10), count))
    rows = []
    for n, number in enumerate(numbers):
        gross = (Decimal(rng.randint(500, 500000)) / 100).quantize(CENT)
        if count >= 3 and n == count - 1 and rng.random() < 0.4:
            gross = -(gross / 10).quantize(CENT)
        rows.append(
            (
                shape.format(number),
                f"{rng.randint(10000, 99999):08d}",
                paid_on - timedelta(days=rng.randint(10, 70)),
                gross,
            )
        )
    total = sum((r[3] for r in rows), Decimal(0))
    neg = rng.choice(("lead", "trail", "paren", "cr"))
    group = rng.random() < 0.7
    dstyle = rng.choice(("%m/%d/%y", "%m/%d/%Y", "%d-%b-%y", "%Y-%m-%d"))
    payment_ref = f"{rng.randint(100000, 999999)}"
    account = f"{rng.randint(10000, 99999)}"
    lines: list[str] = []
    rule = rng.choice(("-", "="))
    kind = rng.choice(("advice", "statement"))
    title = (
        rng.choice(("REMITTANCE ADVICE", "A/P PAYMENT REGISTER", "PAYMENT ADVICE"))
        if kind == "advice"
        else rng.choice(("STATEMENT OF ACCOUNT", "VENDOR LEDGER"))
    )
    lines += ["GLOBEX CORPORATION".ljust(50) + title, "ACCOUNTS PAYABLE DEPT, SPRINGFIELD", ""]
    lines += [
        f"PAYMENT NO.: {payment_ref}".ljust(40) + f"PAYMENT DATE: {_date(paid_on, dstyle)}",
        f"VENDOR NO.:  {account}".ljust(40) + "CURRENCY: USD",
        "",
    ]
    if kind == "advice":
        cols = [
            ("VOUCHER NO", 10, False),
            ("INVOICE NUMBER", 14, False),
            ("INV DATE", 11, False),
            ("GROSS AMOUNT", 14, True),
            ("DISCOUNT", 10, True),
            ("NET AMOUNT", 13, True),
        ]
        if rng.random() < 0.5:
            cols = [cols[1], cols[0], *cols[2:]]
        widths = [w for _, w, _ in cols]
        right = [r for _, _, r in cols]
        if rng.random() < 0.4:  # two-line header: first word above
            lines.append(_cells(widths, [c[0].split(" ")[0] for c in cols], right))
            lines.append(_cells(widths, [" ".join(c[0].split(" ")[1:]) for c in cols], right))
        else:
            lines.append(_cells(widths, [c[0] for c in cols], right))
        lines.append(rule * sum(widths))
        for ref, voucher, when, gross in rows:
            disc = (
                (gross * Decimal("0.02")).quantize(CENT)
                if gross > 0 and rng.random() < 0.3
                else Decimal(0)
            )
            values = {
                "VOUCHER NO": voucher,
                "INVOICE NUMBER": ref,
                "INV DATE": _date(when, dstyle),
                "GROSS AMOUNT": _money(gross + disc, neg, group),
                "DISCOUNT": _money(disc, neg, group) if disc else "",
                "NET AMOUNT": _money(gross, neg, group),
            }
            lines.append(_cells(widths, [values[c[0]] for c in cols], right))
        lines.append(rule * sum(widths))
        lines.append(
            _cells(
                [sum(widths[:-1]), widths[-1]],
                ["TOTAL PAYMENT", _money(total, neg, group)],
                [False, True],
            )
        )
    else:
        supplier_side = rng.random() < 0.5  # invoices as debits (our view) or credits (theirs)
        cols = [
            ("DATE", 11, False),
            ("TYPE", 6, False),
            ("DOC NO", 9, False),
            ("REFERENCE", 12, False),
            ("DEBIT", 13, True),
            ("CREDIT", 13, True),
            ("BALANCE", 14, True),
        ]
        widths = [w for _, w, _ in cols]
        right = [r for _, _, r in cols]
        lines.append(_cells(widths, [c[0] for c in cols], right))
        lines.append(rule * sum(widths))
        balance = Decimal(0)
        for ref, voucher, when, gross in rows:
            kind_word = "INV" if gross > 0 else "CRN"
            balance += gross
            amount = _money(abs(gross), neg, group)
            debit, credit = (amount, "") if (gross > 0) == supplier_side else ("", amount)
            lines.append(
                _cells(
                    widths,
                    [
                        _date(when, dstyle),
                        kind_word,
                        voucher[-8:],
                        ref,
                        debit,
                        credit,
                        _money(balance, neg, group),
                    ],
                    right,
                )
            )
        pay = _money(total, neg, group)
        debit, credit = ("", pay) if supplier_side else (pay, "")
        lines.append(
            _cells(
                widths,
                [
                    _date(paid_on, dstyle),
                    "PMT",
                    payment_ref,
                    "PAYMENT",
                    debit,
                    credit,
                    _money(Decimal(0), neg, group),
                ],
                right,
            )
        )
        lines.append(rule * sum(widths))
        lines.append(
            _cells([sum(widths[:-1]), widths[-1]], ["AMOUNT OF THIS PAYMENT", pay], [False, True])
        )
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=letter, pageCompression=0, invariant=1)
    size = rng.choice((7.5, 8.0, 8.5))
    y, page = 740.0, 1
    canvas.setFont("Courier", size)
    for text in lines:
        if y < 60:
            canvas.drawString(36, 40, f"PAGE {page}  CONTINUED")
            canvas.showPage()
            canvas.setFont("Courier", size)
            page += 1
            y = 740.0
        canvas.drawString(36, y, text)
        y -= size + 3
    canvas.showPage()
    canvas.save()
    truth = Remittance(
        id="",
        source="",
        format="pdf",
        currency="USD",
        lines=[RemittanceLine(r[0], r[3]) for r in rows],
        payer_name="GLOBEX CORPORATION",
        payer_account=account,
        payment_ref=payment_ref,
        payment_date=paid_on,
        total=total,
    )
    items = [(r[0], r[3]) for r in rows]
    name = getattr(family, "name", "lineprint")
    return Advice(family, f"{name}-{index:03d}", buf.getvalue(), truth, page, items)  # type: ignore[arg-type]
