"""A generated remittance corpus with ground truth: e-mails, sheets, X12 820.

Deterministic for a seed: ``cases(seed=7, per_format=40)`` always gives the
same files. Each :class:`Case` carries the bytes, a file name, the format the
reader should report and the true ``(invoice_ref, paid_amount)`` lines.

Variation on purpose, since layouts are what breaks readers: header words
(``Invoice #``, ``Inv No.``, ``Your Reference``, ``Rechnung``...), column order,
locales (``1,234.56``, ``1.234,56``, ``1'234.56``), delimiters, metadata rows
above the table, total rows, HTML tables with scripts, plain-text lines in
several styles, and X12 separators.

:func:`line_f1` scores a reading against the truth: a line is correct when its
invoice reference and paid amount both match.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

INVOICE_HEADERS = ["Invoice #", "Inv No.", "Invoice Number", "Document No", "Your Reference",
                   "Invoice", "Rechnung", "Inv. Nr", "Supplier Inv #", "Invoice Ref No.",
                   "Rech.-Nr."]
PAID_HEADERS = ["Amount Paid", "Net Paid", "Payment Amount", "Paid", "Zahlbetrag",
                "Net Amount", "Amt Paid", "Remitted", "Payment Amt", "Net Amt (USD)"]
GROSS_HEADERS = ["Invoice Amount", "Gross", "Amount Due", "Original Amount", "Inv Amt",
                 "Invoice Amt"]
DISCOUNT_HEADERS = ["Discount", "Disc", "Cash Discount", "Skonto", "Discount Taken",
                    "Disc Taken"]
DATE_HEADERS = ["Invoice Date", "Inv Date", "Doc Date", "Date"]
DESCRIPTIONS = ["Steel brackets 40mm", "Freight", "Service Q1 2026", "Pallet return",
                "Invoice 2026/03", "Hex bolts M8 x 1,000"]
PAYERS = ["ACME Corp", "Globex GmbH", "Initech LLC", "Umbrella SA", "Stark Industries",
          "Wayne Enterprises", "Hooli Inc", "Soylent BV"]


@dataclass(frozen=True)
class Case:
    """One generated file and what it says."""

    name: str
    data: bytes
    fmt: str
    truth: tuple[tuple[str, Decimal], ...]


def fmt_amount(value: Decimal, locale: str) -> str:
    """``value`` printed the way a locale prints money (``us``, ``eu``, ``ch``, ``plain``).

    Negative amounts (credit memos) print as ``(12.50)`` in the US, ``-12,50`` elsewhere.
    """
    if value < 0:
        text = fmt_amount(-value, locale)
        return f"({text})" if locale == "us" else f"-{text}"
    text = f"{value:,.2f}"
    if locale == "eu":
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if locale == "ch":
        return text.replace(",", "'")
    if locale == "plain":
        return text.replace(",", "")
    return text


def _ref(rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return str(rng.randrange(90_000_000, 99_999_999))
    if style == 1:
        return f"INV-{rng.randrange(10_000, 99_999)}"
    if style == 2:
        return f"{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')}{rng.randrange(100000, 999999)}"
    return str(rng.randrange(1_000_000, 9_999_999))


def _lines(rng: random.Random) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(ref, gross, discount, paid) for 1-8 invoices, now and then a credit memo."""
    out = []
    for _ in range(rng.randint(1, 8)):
        gross = Decimal(rng.randrange(1_000, 5_000_000)) / 100
        discount = (gross * Decimal("0.02")).quantize(Decimal("0.01")) if rng.random() < 0.3 \
            else Decimal("0.00")
        out.append((_ref(rng), gross, discount, gross - discount))
    if rng.random() < 0.25:
        credit = -Decimal(rng.randrange(100, 50_000)) / 100
        out.append((f"CM-{rng.randrange(1000, 9999)}", credit, Decimal("0.00"), credit))
    return out


def _date(rng: random.Random, day_first: bool) -> str:
    d, m = rng.randint(1, 28), rng.randint(1, 12)
    return f"{d:02d}.{m:02d}.2026" if day_first else f"{m:02d}/{d:02d}/2026"


def _table(rng: random.Random, lines, locale: str) -> list[list[str]]:
    """Header + rows + total: random columns in random order, and the noise of real exports.

    Extra columns the reader must ignore (description, quantity), the header
    repeated mid-table (a page break in the export), credits printed ``CR``.
    """
    cols = ["ref", "paid"] + rng.sample(["gross", "discount", "date", "desc", "qty"],
                                        rng.randint(0, 4))
    rng.shuffle(cols)
    cols.remove("ref")
    cols.insert(rng.randint(0, 1), "ref")
    names = {"ref": rng.choice(INVOICE_HEADERS), "paid": rng.choice(PAID_HEADERS),
             "gross": rng.choice(GROSS_HEADERS), "discount": rng.choice(DISCOUNT_HEADERS),
             "date": rng.choice(DATE_HEADERS), "desc": "Description", "qty": "Qty"}
    day_first = locale in ("eu", "ch")
    credit_cr = rng.random() < 0.3
    header = [names[c] for c in cols]
    rows = [header]
    for n, (ref, gross, discount, paid) in enumerate(lines):
        if n and n % 4 == 0 and rng.random() < 0.5:
            rows.append(list(header))
        money = {k: fmt_amount(abs(v), locale) + " CR" if credit_cr and v < 0
                 else fmt_amount(v, locale) for k, v in (("paid", paid), ("gross", gross))}
        cell = {"ref": ref, "paid": money["paid"], "gross": money["gross"],
                "discount": fmt_amount(discount, locale) if discount else "",
                "date": _date(rng, day_first), "desc": rng.choice(DESCRIPTIONS),
                "qty": str(rng.randint(1, 500))}
        rows.append([cell[c] for c in cols])
    total = sum((line[3] for line in lines), Decimal(0))
    rows.append(["Total" if c == cols[0] else fmt_amount(total, locale) if c == "paid" else ""
                 for c in cols])
    return rows


def _truth(lines) -> tuple[tuple[str, Decimal], ...]:
    return tuple((ref, paid) for ref, _, _, paid in lines)


def _mail(rng: random.Random, payer: str, subject: str, content_type: str, body: str) -> bytes:
    return (f"From: {payer} AP <ap@{payer.split()[0].lower()}.example>\r\n"
            f"To: cash@us.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: {content_type}; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}").encode()


SIGNATURES = ["Tel. +49 89 1234 5678", "Suite 1200, 55 Water Street, New York, NY 10041",
              "Phone: (212) 555-0142 ext. 301", "VAT DE 123 456 789",
              "This e-mail and any attachments are confidential."]


def _plain_line(rng: random.Random, style: int, ref: str, gross: Decimal, paid: Decimal,
                locale: str) -> str:
    amount, ccy = fmt_amount(paid, locale), "EUR" if locale == "eu" else "USD"
    when = _date(rng, locale == "eu")
    return [
        f"Invoice {ref} ... {amount}",
        f"Inv. No. {ref}    gross {fmt_amount(gross, locale)}    paid {amount}",
        f"Invoice #{ref}: {amount} {ccy}",
        f"Invoice {ref} dated {when} amount {amount}",
        f"{ref}\t{when}\t{amount}",
        f"- Rechnung Nr. {ref} vom {when}: {amount} {ccy}",
        f"{ref}  {amount}",
        f"Invoice {ref}: paid {amount} of {fmt_amount(gross, locale)}",
    ][style]


def email_plain(rng: random.Random, n: int) -> Case:
    lines = _lines(rng)
    locale = rng.choice(["us", "eu", "plain"])
    payer = rng.choice(PAYERS)
    style = rng.randrange(8)
    body = ["Hello,", "", "please find our payment details below.", "",
            f"Payment ref: CHK{rng.randrange(100000, 999999)}", ""]
    if style == 4:  # a text table with a header
        body.append("Invoice\tDate\tAmount Paid")
    body += [_plain_line(rng, style, ref, gross, paid, locale)
             for ref, gross, _discount, paid in lines]
    body += ["", f"Total: {fmt_amount(sum(x[3] for x in lines), locale)}", "", "Regards,",
             payer, rng.choice(SIGNATURES)]
    if rng.random() < 0.3:  # a quoted earlier message about another invoice
        body += ["", "> On 03/02/2026 you wrote:", "> Invoice 4040404 is overdue: 1,250.00"]
    data = _mail(rng, payer, f"Remittance advice from {payer}", "text/plain", "\r\n".join(body))
    return Case(f"mail-plain-{n:03d}.eml", data, "email", _truth(lines))


def email_html(rng: random.Random, n: int) -> Case:
    lines = _lines(rng)
    locale = rng.choice(["us", "eu"])
    payer = rng.choice(PAYERS)
    rows = _table(rng, lines, locale)
    if rng.random() < 0.5:  # currency signs in the amount cells
        sign = "€ " if locale == "eu" else "$"
        rows = [rows[0]] + [[f"{sign}{c}" if c[:1].isdigit() and c[-3:-2] in ",." else c
                             for c in row] for row in rows[1:]]
    th = "th" if rng.random() < 0.5 else "td"
    cells = "<tr>" + "".join(f"<{th}>{c}</{th}>" for c in rows[0]) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows[1:])
    table = f"<table border=1>{cells}</table>"
    if rng.random() < 0.5:  # layout table around the data table, as mail tools do
        table = (f"<table width='100%'><tr><td><img src='cid:logo'> {payer}</td></tr>"
                 f"<tr><td>{table}</td></tr></table>")
    body = (f"<html><head><style>td {{padding: 2px}}</style></head><body>"
            f"<script>document.write('<table><tr><td>Invoice</td><td>Paid</td></tr>"
            f"<tr><td>666</td><td>9.99</td></tr></table>')</script>"
            f"<p>Dear customer,</p><p>we paid the following invoices:</p>"
            f"{table}<p>Kind regards<br>{payer}<br>{rng.choice(SIGNATURES)}</p></body></html>")
    data = _mail(rng, payer, f"Payment notification - {payer}", "text/html", body)
    return Case(f"mail-html-{n:03d}.eml", data, "email", _truth(lines))


def sheet_csv(rng: random.Random, n: int) -> Case:
    lines = _lines(rng)
    locale = rng.choice(["us", "eu", "ch", "plain"])
    delimiter = ";" if locale == "eu" else rng.choice([",", "\t", "|"])
    rows = _table(rng, lines, locale)
    if rng.random() < 0.5:
        rows = [["Remittance advice"], ["Payer", rng.choice(PAYERS)],
                ["Payment date", _date(rng, locale == "eu")], []] + rows
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return Case(f"sheet-{n:03d}.csv", out.getvalue().encode(), "csv", _truth(lines))


def sheet_xlsx(rng: random.Random, n: int) -> Case:
    import openpyxl

    lines = _lines(rng)
    locale = rng.choice(["us", "eu"])
    rows = _table(rng, lines, locale)
    numeric = rng.random() < 0.5
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Payment advice", rng.choice(PAYERS)])
    sheet.append([])
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([_number(c, locale) if numeric else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return Case(f"sheet-{n:03d}.xlsx", buffer.getvalue(), "xlsx", _truth(lines))


def _number(cell: str, locale: str) -> object:
    """A printed amount as an XLSX number cell (a float: that is what Excel stores)."""
    if not re.fullmatch(r"\d{1,3}(?:[.,']\d{3})*[.,]\d{2}", cell):
        return cell
    text = cell.replace(".", "").replace(",", ".") if locale == "eu" else cell.replace(",", "")
    return float(text)


def x12(rng: random.Random, n: int) -> Case:
    lines = _lines(rng)
    element, segment = rng.choice([("*", "~"), ("|", "\n"), ("^", "~\n")])
    total = sum((x[3] for x in lines), Decimal(0))
    segs = [f"ST*820*{n:04d}", f"BPR*C*{total}*C*ACH*CTX*01*011000015*DA*1*1234567890**01*"
            f"021000021*DA*2*2026041{rng.randint(0, 9)}", f"TRN*1*{rng.randrange(10**9)}",
            f"N1*PR*{rng.choice(PAYERS)}", "ENT*1"]
    for ref, gross, discount, paid in lines:
        segs.append(f"RMR*IV*{ref}*PA*{paid}*{gross}" + (f"*{discount}" if discount else ""))
    segs.append(f"SE*{len(segs) + 1}*{n:04d}")
    isa = ("ISA*00*          *00*          *ZZ*PAYER          *ZZ*PAYEE          "
           "*260412*1200*U*00401*000000001*0*P*>")
    text = segment.join([isa, "GS*RA*P*Q*20260412*1200*1*X*004010", *segs, "GE*1*1",
                         "IEA*1*000000001"]) + segment
    data = text.replace("*", element).encode()
    return Case(f"edi-{n:03d}.820", data, "x12-820", _truth(lines))


GENERATORS = {"email-plain": email_plain, "email-html": email_html, "csv": sheet_csv,
              "xlsx": sheet_xlsx, "x12-820": x12}


def cases(seed: int = 7, per_format: int = 40) -> dict[str, list[Case]]:
    """``per_format`` generated cases for each generator, deterministic for ``seed``."""
    out = {}
    for kind, make in GENERATORS.items():
        rng = random.Random(f"{seed}-{kind}")
        out[kind] = [make(rng, n) for n in range(per_format)]
    return out


def line_f1(pairs: Iterable[tuple[Iterable[tuple[str, Decimal]],
                                  Iterable[tuple[str, Decimal]]]]) -> tuple[float, float, float]:
    """(precision, recall, F1) over (predicted lines, true lines) pairs, micro-averaged."""
    tp = predicted = actual = 0
    for got, want in pairs:
        got_c, want_c = Counter(got), Counter(want)
        tp += sum((got_c & want_c).values())
        predicted += sum(got_c.values())
        actual += sum(want_c.values())
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
