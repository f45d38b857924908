"""The demo mailbox: remittance e-mails that pay the sandbox's open items.

:func:`seed_demo_mailbox` writes ``.eml`` files into a folder mailbox, each a
payment advice a customer of the sandbox could have sent today, in the shapes
AR teams really receive, with the usual traps:

==================  ============================================================
scenario            what it is
==================  ============================================================
``exact``           plain-text body listing invoices paid in full
``discount``        HTML table: gross, 2 % discount taken within terms, net
``short-pay``       CSV attachment: one invoice short paid, reason DAMAGED
``doc-number``      PDF advice printing our document number instead of XBLNR
``parent``          XLSX sheet: the parent pays its subsidiaries' invoices
``x12-820``         ANSI X12 820 file attached
``amount-only``     a bank's camt.054 credit: payer and amount, no invoice reference
``duplicate``       the ``exact`` advice forwarded again
``not-remittance``  a newsletter: quarantined as not a remittance
``corrupt``         a damaged PDF: quarantined as corrupt
==================  ============================================================

Each seeded message is returned with its ground truth (the open items it
pays), so tests and the demo can check what the bots made of it. Deterministic
for a given seed and set of open items (byte for byte, but for the
creation time inside the XLSX of the ``parent`` scenario). How many advices of each paying
scenario are written is ``counts`` (:data:`DEMO_COUNTS` by default,
:data:`SMALL_COUNTS` for the reduced world of the crash trials,
:data:`BIGDAY_COUNTS` for the big day's 3,000; :func:`scaled_counts` for a
fraction of one); the ``duplicate``, ``not-remittance`` and ``corrupt``
messages are always there. A scenario that runs out of customers to pay
(too few open invoices of the kind it needs) writes fewer advices.
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from bots.domain import Customer, OpenItem, format_amount, quantize

SENDER_DOMAIN = "example.net"
# advices per paying scenario: the full demo, and the reduced world of the crash trials
DEMO_COUNTS = {"exact": 6, "discount": 3, "short-pay": 3, "doc-number": 3, "parent": 2,
               "x12-820": 2, "amount-only": 1}
SMALL_COUNTS = {"exact": 2, "discount": 0, "short-pay": 1, "doc-number": 1, "parent": 0,
                "x12-820": 0, "amount-only": 1}
# the big day: the demo's mix of shapes, 150 times over (3,000 advices)
BIGDAY_COUNTS = {scenario: n * 150 for scenario, n in DEMO_COUNTS.items()}


def scaled_counts(counts: Mapping[str, int], fraction: float) -> dict[str, int]:
    """``counts`` times ``fraction``, rounded, keeping at least the one exact advice."""
    scaled = {scenario: round(n * fraction) for scenario, n in counts.items()}
    return {**scaled, "exact": max(1, scaled.get("exact", 0))}


@dataclass(frozen=True)
class SeededMessage:
    """One message of the demo mailbox and what it pays."""

    file: str
    scenario: str
    customer: str
    pays: tuple[tuple[str, str, str, str], ...] = ()  # open-item keys without company code
    expected: str = "applied"  # applied | review | quarantined | duplicate


@dataclass
class _Picker:
    """Hands out each open invoice once, by (company code, customer, currency)."""

    rng: random.Random
    by_customer: dict[tuple[str, str, str], list[OpenItem]] = field(default_factory=dict)

    def customers_with(self, n: int, where=lambda c: True) -> list[tuple[str, str, str]]:  # noqa: ANN001
        keys = [k for k, items in self.by_customer.items() if len(items) >= n and where(k)]
        self.rng.shuffle(keys)
        return keys

    def take_where(self, key: tuple[str, str, str], test) -> list[OpenItem]:  # noqa: ANN001
        """The customer's first invoice passing ``test``, taken (a list of one)."""
        items = self.by_customer[key]
        found = next(i for i in items if test(i))
        items.remove(found)
        return [found]

    def take(self, key: tuple[str, str, str], n: int) -> list[OpenItem]:
        items = self.by_customer[key]
        taken, self.by_customer[key] = items[:n], items[n:]
        return taken


def seed_demo_mailbox(folder: Path, items: list[OpenItem],
                      customers: dict[tuple[str, str], Customer], today: date,
                      seed: int = 7, counts: Mapping[str, int] = DEMO_COUNTS
                      ) -> list[SeededMessage]:
    """Write the demo remittance e-mails into ``folder``; their ground truth."""
    unknown = set(counts) - set(DEMO_COUNTS)
    if unknown:
        raise ValueError(f"unknown demo mailbox scenario(s): {', '.join(sorted(unknown))}")
    if counts.get("exact", 0) < 1:
        raise ValueError("the demo mailbox needs an exact advice (the duplicate forwards one)")
    n = {scenario: counts.get(scenario, 0) for scenario in DEMO_COUNTS}
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    # one advice pays in one currency: a customer's invoices are grouped by currency
    invoices: dict[tuple[str, str, str], list[OpenItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.key):
        if item.amount > 0 and item.doc_type == "RV" and item.invoice_ref:
            invoices[(item.company_code, item.customer, item.currency)].append(item)
    picker = _Picker(rng, dict(invoices))
    stamp = datetime.combine(today, time(6, 0))
    seeded: list[SeededMessage] = []
    width = max(3, len(str(sum(n.values()) + 3)))  # file names sort in mailbox order

    def emit(scenario: str, key: tuple[str, ...], msg: EmailMessage,
             pays: list[OpenItem], expected: str = "applied") -> None:
        name = f"{len(seeded) + 1:0{width}d}-{scenario}.eml"
        msg["Date"] = format_datetime(stamp)
        msg["Message-ID"] = f"<demo-{seed}-{len(seeded) + 1}-{today.isoformat()}@{SENDER_DOMAIN}>"
        if msg.is_multipart():  # a fixed boundary: the same seed gives the same bytes
            msg.set_boundary(f"arbots-demo-{seed}-{len(seeded) + 1}")
        (folder / name).write_bytes(bytes(msg))
        seeded.append(SeededMessage(name, scenario, key[1],
                                    tuple((i.customer, i.document_no, i.fiscal_year,
                                           i.line_item) for i in pays), expected))

    def customer(key: tuple[str, ...]) -> Customer:
        return customers.get((key[0], key[1])) or Customer(key[1], f"Customer {key[1]}",
                                                           key[0])

    for key in picker.customers_with(2)[:n["exact"]]:
        paid = picker.take(key, rng.randint(1, 3))
        emit("exact", key, _text_advice(customer(key), paid, today), paid)
    with_discount = picker.customers_with(  # among the invoices not taken yet
        1, lambda k: _has_discount(picker.by_customer[k], today))
    for key in with_discount[:n["discount"]]:
        paid = picker.take_where(key, lambda i: _has_discount([i], today))
        emit("discount", key, _html_advice(customer(key), paid, today), paid)
    for key in picker.customers_with(2)[:n["short-pay"]]:
        paid = picker.take(key, 2)
        emit("short-pay", key, _csv_advice(customer(key), paid, today), paid)
    for key in picker.customers_with(1)[:n["doc-number"]]:
        paid = picker.take(key, 2)
        emit("doc-number", key, _pdf_advice(customer(key), paid, today), paid)
    parents = _parents(customers, picker)
    for parent_key, child_keys in parents[:n["parent"]]:
        paid = [i for k in child_keys for i in picker.take(k, 1)]
        emit("parent", parent_key, _xlsx_advice(customer(parent_key), paid, today), paid)
    for key in picker.customers_with(2)[:n["x12-820"]]:
        paid = picker.take(key, 2)
        emit("x12-820", key, _x12_advice(customer(key), paid, today), paid)
    fewest_first = sorted(picker.customers_with(2), key=lambda k: len(picker.by_customer[k]))
    for key in fewest_first[:n["amount-only"]]:
        paid = picker.take(key, 2)
        emit("amount-only", key, _amount_only(customer(key), paid, today), paid)
    first_exact = next(s for s in seeded if s.scenario == "exact")
    forwarded = (folder / first_exact.file).read_bytes().replace(
        b"Subject: Remittance advice", b"Subject: Fwd: Remittance advice", 1)
    dup_name = f"{len(seeded) + 1:0{width}d}-duplicate.eml"
    (folder / dup_name).write_bytes(forwarded)
    seeded.append(SeededMessage(dup_name, "duplicate", first_exact.customer,
                                expected="duplicate"))
    emit("not-remittance", ("", "newsletter"), _newsletter(), [], expected="quarantined")
    emit("corrupt", ("", "unknown"), _corrupt_pdf(), [], expected="quarantined")
    return seeded


# --------------------------------------------------------------------------- scenarios


def _has_discount(items: list[OpenItem], today: date) -> bool:
    return any(i.discount_pct and i.discount_date and i.discount_date >= today for i in items)


def _discounted(item: OpenItem, today: date) -> tuple[Decimal, Decimal]:
    """(discount, net paid) for an item paid today within its terms."""
    if item.discount_pct and item.discount_date and item.discount_date >= today:
        discount = quantize(item.amount * item.discount_pct / 100, item.currency)
        return discount, item.amount - discount
    return Decimal(0), item.amount


def _message(payer: Customer, subject: str) -> EmailMessage:
    msg = EmailMessage()
    # ASCII only: an umlaut in the address part broke the From header (Schäfer, Müller)
    local = "".join(ch for ch in payer.name.lower() if ch.isascii() and ch.isalnum())[:20] \
        or "payer"
    msg["From"] = f"{payer.name} <ap@{local}.{SENDER_DOMAIN}>"
    msg["To"] = "remittances@arbots-demo.example"
    msg["Subject"] = subject
    return msg


def _total(items: list[OpenItem], amounts: list[Decimal] | None = None) -> str:
    values = amounts if amounts is not None else [i.amount for i in items]
    return format_amount(sum(values, Decimal(0)), items[0].currency)


def _text_advice(payer: Customer, items: list[OpenItem], today: date) -> EmailMessage:
    msg = _message(payer, f"Remittance advice - {payer.name}")
    lines = [f"Invoice {i.invoice_ref}    {format_amount(i.amount, i.currency)}"
             for i in items]
    msg.set_content("\n".join([
        "Hello,", "", "please find below the invoices included in today's ACH payment.", "",
        f"Payment date: {today.isoformat()}",
        f"Payment No: ACH{today.strftime('%y%m%d')}{items[0].document_no[-4:]}",
        f"Currency: {items[0].currency}", "", *lines, "",
        f"Total: {_total(items)}", "", "Regards,", f"{payer.name} AP team"]))
    return msg


def _html_advice(payer: Customer, items: list[OpenItem], today: date) -> EmailMessage:
    msg = _message(payer, f"Payment advice {payer.name}")
    rows, nets = [], []
    for i in items:
        discount, net = _discounted(i, today)
        nets.append(net)
        rows.append(f"<tr><td>{i.invoice_ref}</td><td>{i.doc_date.isoformat()}</td>"
                    f"<td>{format_amount(i.amount, i.currency)}</td>"
                    f"<td>{format_amount(discount, i.currency)}</td>"
                    f"<td>{format_amount(net, i.currency)}</td></tr>")
    msg.set_content("Your e-mail client does not show HTML.")
    msg.add_alternative(
        f"<html><body><p>Payment date: {today.isoformat()}<br>Currency: {items[0].currency}"
        f"<br>Total Paid: {_total(items, nets)}</p><table border=1>"
        "<tr><th>Invoice No.</th><th>Invoice Date</th><th>Gross</th><th>Discount</th>"
        f"<th>Net Paid {items[0].currency}</th></tr>{''.join(rows)}</table></body></html>",
        subtype="html")
    return msg


def _csv_advice(payer: Customer, items: list[OpenItem], today: date) -> EmailMessage:
    msg = _message(payer, f"Remittance {payer.name} {today.isoformat()}")
    msg.set_content("Remittance details attached.")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Invoice Number", "Currency", "Invoice Amount", "Deduction", "Reason",
                     "Amount Paid"])
    for n, i in enumerate(items):
        short = quantize(i.amount * Decimal("0.05"), i.currency) if n == 0 else Decimal(0)
        writer.writerow([i.invoice_ref, i.currency, format_amount(i.amount, i.currency),
                         format_amount(short, i.currency), "DAMAGED" if short else "",
                         format_amount(i.amount - short, i.currency)])
    msg.add_attachment(out.getvalue().encode(), maintype="text", subtype="csv",
                       filename="remittance.csv")
    return msg


def _pdf_advice(payer: Customer, items: list[OpenItem], today: date) -> EmailMessage:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter, invariant=1)  # no creation time or id
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 720, f"{payer.name} - Remittance Advice")
    page.setFont("Helvetica", 10)
    page.drawString(72, 700, f"Payment Date: {today.strftime('%m/%d/%Y')}")
    page.drawString(72, 686, f"Payment Number: EFT{today.strftime('%y%m%d')}"
                             f"{items[0].document_no[-3:]}")
    page.drawString(72, 672, f"Currency: {items[0].currency}")
    y = 640
    for x, head in ((72, "Document"), (200, "Doc Date"), (330, "Amount Paid")):
        page.drawString(x, y, head)
    for i in items:
        y -= 16
        page.drawString(72, y, i.document_no)  # our number, not the XBLNR
        page.drawString(200, y, i.doc_date.strftime("%m/%d/%Y"))
        page.drawRightString(400, y, format_amount(i.amount, i.currency))
    page.drawString(72, y - 24, "Total")
    page.drawRightString(400, y - 24, _total(items))
    page.save()
    msg = _message(payer, f"Remittance advice {payer.name}")
    msg.set_content("Please see the attached remittance advice.")
    msg.add_attachment(buffer.getvalue(), maintype="application", subtype="pdf",
                       filename="advice.pdf")
    return msg


def _xlsx_advice(payer: Customer, items: list[OpenItem], today: date) -> EmailMessage:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Inv No.", "Currency", "Net Paid"])
    for i in items:
        sheet.append([i.invoice_ref, i.currency, format_amount(i.amount, i.currency)])
    buffer = io.BytesIO()
    book.save(buffer)
    msg = _message(payer, f"Remittance advice {payer.name} (group payment)")
    msg.set_content(f"Group payment of {_total(items)} {items[0].currency} "
                    f"on {today.isoformat()}, details attached.")
    msg.add_attachment(buffer.getvalue(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename="payment.xlsx")
    return msg


def _x12_advice(payer: Customer, items: list[OpenItem], today: date) -> EmailMessage:
    day = today.strftime("%Y%m%d")
    segments = [
        f"ISA*00*          *00*          *ZZ*{payer.number:<15}*ZZ*ARBOTSDEMO     *"
        f"{today.strftime('%y%m%d')}*0600*U*00401*000000001*0*P*>",
        f"GS*RA*{payer.number}*ARBOTSDEMO*{day}*0600*1*X*004010",
        "ST*820*0001",
        f"BPR*C*{_total(items)}*C*ACH*CTX*01*021000021*DA*123456789**01*026009593*DA*"
        f"987654321*{day}",
        f"TRN*1*{day}{items[0].document_no[-4:]}",
        f"CUR*PR*{items[0].currency}",
        f"N1*PR*{payer.name}*92*{payer.number}",
        "N1*PE*Arbots Demo Inc.",
    ]
    for i in items:
        amount = format_amount(i.amount, i.currency)
        segments += ["ENT*1", f"RMR*IV*{i.invoice_ref}**{amount}*{amount}"]
    segments += [f"SE*{len(segments) - 1}*0001", "GE*1*1", "IEA*1*000000001"]
    msg = _message(payer, f"EDI 820 remittance {payer.name}")
    msg.set_content("EDI 820 attached.")
    msg.add_attachment("~\n".join(segments).encode() + b"~\n", maintype="application",
                       subtype="edi-x12", filename="remit.820")
    return msg


def _amount_only(payer: Customer, items: list[OpenItem], today: date) -> EmailMessage:
    """A bank's camt.054 credit notification: payer and amount, no invoice reference."""
    amount, cur, day = _total(items), items[0].currency, today.isoformat()
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
 <BkToCstmrDbtCdtNtfctn>
  <GrpHdr><MsgId>DEMO-{day}</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>
  <Ntfctn>
   <Id>NTF-{day}</Id><CreDtTm>{day}T06:00:00</CreDtTm>
   <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
   <Ntry>
    <Amt Ccy="{cur}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
    <NtryDtls><TxDtls>
     <Refs><EndToEndId>E2E-{items[0].document_no}</EndToEndId></Refs>
     <AmtDtls><TxAmt><Amt Ccy="{cur}">{amount}</Amt></TxAmt></AmtDtls>
     <RltdPties><Dbtr><Nm>{escape(payer.name)}</Nm></Dbtr></RltdPties>
     <RmtInf><Ustrd>PAYMENT FOR OPEN INVOICES</Ustrd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
  </Ntfctn>
 </BkToCstmrDbtCdtNtfctn>
</Document>
"""
    msg = _message(Customer("", "Demo Bank AG"), f"Credit notification {day}")
    msg.set_content("Your camt.054 credit notification is attached.")
    msg.add_attachment(xml.encode(), maintype="application", subtype="xml",
                       filename="camt054.xml")
    return msg


def _newsletter() -> EmailMessage:
    msg = _message(Customer("", "Trade Weekly"), "Your weekly trade news")
    msg.set_content("Markets were calm this week. Unsubscribe at any time.")
    return msg


def _corrupt_pdf() -> EmailMessage:
    msg = _message(Customer("", "Unknown Payer"), "Remittance")
    msg.set_content("see attachment")
    msg.add_attachment(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog /Pages 2 0 R"
                       b"\ngarbage\x00\x00 truncated", maintype="application", subtype="pdf",
                       filename="advice.pdf")
    return msg


def _parents(customers: dict[tuple[str, str], Customer], picker: _Picker
             ) -> list[tuple[tuple[str, str, str], list[tuple[str, str, str]]]]:
    """(parent key, subsidiary keys with open invoices), same company code and currency."""
    groups: dict[tuple[str, str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for key in sorted(picker.by_customer):
        c = customers.get(key[:2])
        if c and c.parent and c.parent != c.number and picker.by_customer[key]:
            groups[(key[0], c.parent, key[2])].append(key)
    return [(parent, children[:2]) for parent, children in groups.items()
            if len(children) >= 2 and parent[:2] in customers]
