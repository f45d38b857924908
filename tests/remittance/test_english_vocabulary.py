"""English remittance prints the reader was not written against (issue 9).

The habits of SAP F110 payment advices, Dynamics / NetSuite / Sage / Oracle
remittance prints, US cheque stubs and UK BACS remittances, one class each:

- column labels of English AP systems: ``External Document No.`` (Dynamics: the
  vendor's invoice number), ``Their Ref``, ``Supplier's Ref``, ``Invoice/Credit
  No.``, ``Balance Due``, ``Open Amount``, ``Amount Invoiced``, ``Invoice
  Value``, ``Net Payable``, ``Paid This Check``, ``Pmt Amt``, ``Amount
  Applied``, ``Short Paid``, ``Write-off``, ``Withholding Tax``, ``Net Due
  Date``; and ``Doc. Amount`` is an amount, never a document number;
- which of two document numbers is ours: the payer's ``Transaction No.``,
  ``Journal No.``, ``Entry No.``, ``Posting Ref``, ``Clearing Doc.``,
  ``Payment Voucher`` never beat ``Reference`` / ``Your Ref``; beside a bare
  ``Doc. No.`` a bare ``Reference`` is ours (SAP's XBLNR beside its BELNR);
- totals and running rows: ``Payment Total``, ``Check Total``, ``Net Total``
  are the total; ``Balance brought forward``, ``Balance b/f``, ``c/f``,
  ``Carried fwd``, ``Continued``, ``Total this page`` are neither lines nor
  the total;
- a two-line header whose lower line completes the upper labels (``Payment``
  over ``Voucher``, ``Vendor`` over ``Inv No``) beats the upper line read alone.

The documents are drawn here (:func:`_advice`), by a generator that mixes those
labels with column order, upper case, stacked headers, credits as ``(x)``,
``x-``, ``-x``, ``x CR`` and carried-forward rows.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.columns import field_for_header, reference_rank, split_labels
from bots.remittance.labels import is_payment_label
from bots.remittance.pdf import extract_pdf
from bots.remittance.pdf_layout import _RUNNING, _TOTAL


@pytest.mark.parametrize(("label", "field"), [
    ("External Document No.", "invoice_ref"), ("Ext. Doc. No.", "invoice_ref"),
    ("Their Ref", "invoice_ref"), ("Supplier's Ref", "invoice_ref"),
    ("Vendor's Invoice No.", "invoice_ref"), ("Invoice/Credit No.", "invoice_ref"),
    ("Payee Ref", "invoice_ref"), ("Trans. Ref", "invoice_ref"),
    ("Balance Due", "gross_amount"), ("Open Amount", "gross_amount"),
    ("Amount Invoiced", "gross_amount"), ("Invoice Value", "gross_amount"),
    ("Doc. Amount", "gross_amount"), ("Amount Before Discount", "gross_amount"),
    ("Invoice Balance", "gross_amount"),
    ("Net Payable", "paid_amount"), ("Paid This Check", "paid_amount"),
    ("Pmt Amt", "paid_amount"), ("Remittance Amount", "paid_amount"),
    ("Amount Applied", "paid_amount"), ("This Payment", "paid_amount"),
    ("Early Pay Discount", "discount"), ("Terms Discount", "discount"),
    ("Short Paid", "deduction"), ("Write-off", "deduction"),
    ("Withholding Tax", "deduction"), ("Retention", "deduction"),
    ("Net Due Date", "invoice_date"), ("Posting Date", "invoice_date"),
    ("Trans Date", "invoice_date"), ("P.O. No.", "po_number"),
    ("Description", None), ("Currency", None),
])
def test_english_ap_column_labels(label, field):
    assert field_for_header(label) == field


@pytest.mark.parametrize(("ours", "payers"), [
    ("Reference", "Doc. No."), ("Reference", "Document"), ("Document Reference", "Doc. Number"),
    ("Your Ref", "Transaction No."), ("Their Ref", "Journal No."), ("Invoice #", "Entry No."),
    ("External Document No.", "Posting Ref"), ("Vendor Reference", "Clearing Doc."),
    ("Inv No", "Payment Voucher"), ("Supplier's Ref", "Our Ref"), ("Payee Ref", "AP Voucher"),
])
def test_of_two_document_numbers_ours_ranks_higher(ours, payers):
    assert field_for_header(payers) == "invoice_ref"
    assert reference_rank(ours) > reference_rank(payers)


@pytest.mark.parametrize("text", ["Payment Total 1,234.00", "Check Total", "Net Total USD",
                                  "Vendor Total", "Grand Total", "Total Payment"])
def test_totals_rows(text):
    assert _TOTAL.match(text) and not _RUNNING.match(text)


@pytest.mark.parametrize("text", ["Balance brought forward 1,234.00", "Balance b/f", "C/F",
                                  "Carried fwd", "Total carried forward", "Continued",
                                  "Total this page", "Amount brought forward"])
def test_running_rows(text):
    assert _RUNNING.match(text)


OURS = ["Invoice No.", "Your Ref", "Their Ref", "Supplier's Ref", "External Document No.",
        "Vendor Inv No", "Invoice/Credit No.", "Reference", "Inv. Ref", "Payee Ref"]
PAYERS = ["Voucher No.", "Our Ref", "Doc. No.", "Transaction No.", "Journal No.", "Entry No.",
          "Posting Ref", "Clearing Doc.", "Payment Voucher", None]
GROSS = ["Gross Amt", "Invoice Amount", "Balance Due", "Open Amount", "Amount Invoiced",
         "Invoice Value", "Doc. Amount", "Orig. Amt", None]
DISCOUNT = ["Disc Taken", "Discount Amt", "Early Pay Discount", "Terms Discount", None]
DEDUCTION = ["Adj.", "Short Paid", "Write-off", "Withholding Tax", None]
PAID = ["Net Paid", "Amount Paid", "Net Payable", "Paid This Check", "Pmt Amt",
        "Remittance Amount", "Amount Applied", "This Payment", "Net Amt"]
DATE = ["Inv Date", "Posting Date", "Trans Date", "Net Due Date", None]
EXTRA = ["Description", "Balance", "CCY", None]
TOTALS = ["Total", "Grand Total", "Payment Total", "Check Total", "Net Total", "Total Paid"]
RUNNING = ["Carried forward", "Balance c/f", "Total carried forward", "Sub-total"]


def _money(value: Decimal, rng: random.Random) -> str:
    text = f"{abs(value):,.2f}"
    return rng.choice([f"-{text}", f"({text})", f"{text}-", f"{text} CR"]) if value < 0 else text


def _advice(seed: int) -> tuple[bytes, list[tuple[str, Decimal]]]:
    """An English AP remittance print, labels drawn from the lists above; its lines."""
    rng = random.Random(seed)
    ours, payers = rng.choice(OURS), rng.choice(PAYERS)
    gross = rng.choice(GROSS)
    discount, deduction = (rng.choice(DISCOUNT), rng.choice(DEDUCTION)) if gross else (None, None)
    paid, date, extra = rng.choice(PAID), rng.choice(DATE), rng.choice(EXTRA)
    order = [payers, ours] if rng.random() < 0.5 else [ours, payers]
    heads = [h for h in [*order, date, gross, discount, deduction, paid, extra] if h]
    amounts = {gross, discount, deduction, paid, "Balance"}
    rows, truth = [], []
    for _ in range(rng.randint(2, 11)):
        ref = rng.choice(["INV-{:05d}", "90{:06d}", "SI{:06d}"]).format(rng.randint(1, 99999))
        full = Decimal(rng.randint(100, 5_000_000)) / 100 * (-1 if rng.random() < 0.1 else 1)
        off = (full * Decimal("0.02")).quantize(Decimal("0.01")) \
            if discount and full > 0 and rng.random() < 0.5 else Decimal(0)
        cut = Decimal(rng.randint(100, 5000)) / 100 \
            if deduction and full > 100 and rng.random() < 0.3 else Decimal(0)
        truth.append((ref, full - off - cut))
        cells = {ours: ref, paid: _money(full - off - cut, rng), "Balance": "0.00",
                 "Description": rng.choice(["Parts", "Freight May", "Services"]), "CCY": "USD"}
        if payers:
            cells[payers] = rng.choice(["5100{:06d}", "VCH{:06d}"]).format(rng.randint(1, 99999))
        if date:
            cells[date] = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026"
        if gross:
            cells[gross] = _money(full, rng)
        if discount:
            cells[discount] = _money(off, rng) if off else "0.00"
        if deduction:
            cells[deduction] = _money(cut, rng) if cut else ""
        rows.append(cells)
    upper = rng.random() < 0.3
    stacked = rng.random() < 0.4
    total = sum((p for _, p in truth), Decimal(0))
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=landscape(A4), invariant=1)
    font, size = rng.choice(["Helvetica", "Times-Roman", "Courier"]), 8.5
    canvas.setFont(font, size)
    y = 560.0
    for text in ("Remittance Advice", "Payment Ref: EFT20231", "Payment Date: 10/21/2026",
                 "Vendor ID: V16403", f"Total Paid: USD {total:,.2f}"):
        canvas.drawString(40, y, text)
        y -= 12
    y -= 10
    labels = {h: h.upper() if upper else h for h in heads}
    width = {h: max([stringWidth(labels[h], font, size)]
                    + [stringWidth(r.get(h, ""), font, size) for r in rows]) for h in heads}
    x, spans = 40.0, {}
    for h in heads:
        spans[h] = (x, x + width[h])
        x += width[h] + 16

    def put(head: str, text: str, at: float) -> None:
        if head in amounts:
            canvas.drawRightString(spans[head][1], at, text)
        else:
            canvas.drawString(spans[head][0], at, text)

    for h in heads:
        for k, part in enumerate(labels[h].split(" ", 1) if stacked else [labels[h]]):
            put(h, part, y - 10 * k)
    y -= 22 if stacked else 12
    running = Decimal(0)
    for n, (cells, (_, amount)) in enumerate(zip(rows, truth, strict=True)):
        if n and n % 4 == 0 and rng.random() < 0.5:
            canvas.drawString(40, y, rng.choice(RUNNING))
            put(paid, _money(running, rng), y)
            y -= 11
        running += amount
        for h in heads:
            if cells.get(h):
                put(h, cells[h], y)
        y -= 11
    canvas.drawString(40, y - 4, rng.choice(TOTALS))
    put(paid, _money(total, rng), y - 4)
    canvas.showPage()
    canvas.save()
    return buf.getvalue(), truth


@pytest.mark.parametrize("seed", range(40))
def test_english_ap_prints_read_right(seed):
    pdf, truth = _advice(seed)
    got = [(line.invoice_ref, line.paid_amount)
           for found in extract_pdf(pdf, f"en-{seed}.pdf", templates=()) for line in found.lines]
    assert sorted(got) == sorted(truth)


def test_a_stacked_header_completing_its_upper_labels_wins():
    """``Payment``/``Voucher``, ``Vendor``/``Inv No``: the upper line alone names as many
    fields (``Payment`` as a paid amount) but leaves ``Vendor`` naming nothing."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(40, 800, "Payment Advice")
    canvas.drawString(40, 788, "EFT No.: EFT25579")
    xs = (40, 110, 180, 250, 320)
    for x, upper, lower in zip(xs, ("Payment", "Vendor", "Invoice", "Disc", "Amt"),
                               ("Voucher", "Inv No", "Amt", "Taken", "Paid"), strict=True):
        canvas.drawString(x, 760, upper)
        canvas.drawString(x, 750, lower)
    for y, cells in ((738, ("AP0040813", "INV-61351", "100.00", "2.00", "98.00")),
                     (727, ("AP0040814", "INV-61352", "50.00", "", "50.00"))):
        for x, text in zip(xs, cells, strict=True):
            canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    [got] = extract_pdf(buf.getvalue(), "stacked.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        ("INV-61351", Decimal("98.00")), ("INV-61352", Decimal("50.00"))]


@pytest.mark.parametrize(("label", "field"), [
    ("Due Date", "invoice_date"), ("Net Due Date", "invoice_date"), ("Échéance", "invoice_date"),
    ("Vencimiento", "invoice_date"), ("Data scadenza", "invoice_date"),
    ("Fällig am", "invoice_date"), ("Montant TTC", "gross_amount"),
    ("Retenue de garantie", "deduction"), ("Bon de commande", "po_number"),
    ("VAT Amount", None), ("Tax", None),
    # a due-date word is no header word: a run of labels holding it is not one date label
    ("Fecha factura Vencimiento Fra. nº", None),
])
def test_due_dates_and_tax_words(label, field):
    assert field_for_header(label) == field


def _one_line_advice(header: list[tuple[float, str]], row: list[tuple[float, str]]) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(40, 800, "Payment Advice")
    canvas.drawString(40, 788, "Payment No.: 395273")
    canvas.drawString(40, 776, "Total paid: 14.72")
    for y, cells in ((750, header), (738, row)):
        for x, text in cells:
            canvas.drawRightString(x, y, text) if text[0].isdigit() and "." in text \
                else canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def test_two_labels_set_close_over_two_value_columns_are_cut_by_them():
    """``Invoice Amt Payment`` printed as one phrase over two amount columns, one row
    whose reference and voucher print as one run: the value columns under the phrase
    cut it, though there are no more value runs than header phrases."""
    header = [(40, "Invoice No."), (100, "Voucher"), (170, "Invoice Amt Payment")]
    row = [(40, "2026-007203"), (97, "VCH010975"), (214, "14.72"), (262, "14.72")]
    [got] = extract_pdf(_one_line_advice(header, row), "close.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        ("2026-007203", Decimal("14.72"))]


def test_a_lower_header_line_cuts_upper_labels_set_close():
    """``Disc. Payment`` over ``Taken`` and ``Amount``: the lower line's phrases cut the
    upper one, so the discount and the paid amount are two columns."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(40, 800, "Payment Advice")
    canvas.drawString(40, 788, "EFT reference: ZL00067169")
    for x, upper, lower in ((40, "Your", "Invoice"), (110, "Invoice", "Total")):
        canvas.drawString(x, 760, upper)
        canvas.drawString(x, 750, lower)
    canvas.drawRightString(212, 760, "Disc.")
    canvas.drawString(215, 760, "Payment")
    canvas.drawRightString(212, 750, "Taken")
    canvas.drawRightString(260, 750, "Amount")
    for y, (ref, gross, disc, paid) in ((738, ("V26001275", "44471.17", "889.42", "43581.75")),
                                        (727, ("V26001283", "6652.03", "199.56", "6452.47"))):
        canvas.drawString(40, y, ref)
        canvas.drawRightString(160, y, gross)
        canvas.drawRightString(212, y, disc)
        canvas.drawRightString(260, y, paid)
    canvas.showPage()
    canvas.save()
    [got] = extract_pdf(buf.getvalue(), "stacked-close.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount, x.discount) for x in got.lines] == [
        ("V26001275", Decimal("43581.75"), Decimal("889.42")),
        ("V26001283", Decimal("6452.47"), Decimal("199.56"))]


def _labels(run: str) -> list[tuple[str, str | None]] | None:
    words = tuple(run.split())
    split = split_labels(words)
    if split is None:
        return None
    out, i = [], 0
    for length, field in split:
        out.append((" ".join(words[i:i + length]), field))
        i += length
    return out


def test_a_run_of_english_labels_set_close_splits_into_its_labels():
    assert _labels("YOUR REF OUR DOC NO PO NUMBER GROSS AMOUNT CASH DISCOUNT DEDUCTION "
                   "NET PAID USD") == [
        ("YOUR REF", "invoice_ref"), ("OUR DOC NO", "invoice_ref"), ("PO NUMBER", "po_number"),
        ("GROSS AMOUNT", "gross_amount"), ("CASH DISCOUNT", "discount"),
        ("DEDUCTION", "deduction"), ("NET PAID USD", "paid_amount")]
    assert _labels("Invoice Number Invoice Date Amount Paid") == [
        ("Invoice Number", "invoice_ref"), ("Invoice Date", "invoice_date"),
        ("Amount Paid", "paid_amount")]
    assert _labels("OUR DOCUMENT YOUR INVOICE INVOICE DATE GROSS AMOUNT DISCOUNT NET AMOUNT") \
        == [("OUR DOCUMENT", "invoice_ref"), ("YOUR INVOICE", "invoice_ref"),
            ("INVOICE DATE", "invoice_date"), ("GROSS AMOUNT", "gross_amount"),
            ("DISCOUNT", "discount"), ("NET AMOUNT", "paid_amount")]


@pytest.mark.parametrize("run", ["Amount of Invoice Paid", "Invoice Amount Paid",
                                 "Ihre Referenz / Your Reference", "Net Paid USD"])
def test_one_label_or_a_short_run_is_not_split(run):
    assert _labels(run) is None



@pytest.mark.parametrize("label", [
    "EFT No.", "EFT Reference", "Payment Run No.", "Bank Reference", "Remittance Date",
    "Transfer Date", "Run Date", "Your Vendor No.", "Your Supplier No.", "Vendor ID",
    "Supplier Code", "Payee ID", "Account Number with us", "Payment Currency",
    "Currency Code"])
def test_english_payment_labels(label):
    assert is_payment_label(label)


def test_a_row_of_english_payment_labels_over_values_is_no_table():
    """``EFT NO. | YOUR VENDOR NO. | AMOUNT PAID | REMITTANCE DATE`` over their values: a
    box of payment fields, not a table whose line is the vendor number."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(40, 800, "REMITTANCE ADVICE")
    for x, label, value in ((40, "EFT NO.", "EFT093697"), (130, "YOUR VENDOR NO.", "V16403"),
                            (230, "AMOUNT PAID", "1,476.00"),
                            (330, "REMITTANCE DATE", "10/21/2026")):
        canvas.drawString(x, 780, label)
        canvas.drawString(x, 769, value)
    for x, label in ((40, "Invoice No."), (130, "Gross Amount"), (230, "Net Paid")):
        canvas.drawString(x, 740, label)
    for y, cells in ((728, ("INV-10234", "1,200.00", "1,176.00")),
                     (717, ("INV-10240", "300.00", "300.00"))):
        for x, text in zip((40, 130, 230), cells, strict=True):
            canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    [got] = extract_pdf(buf.getvalue(), "labels-en.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        ("INV-10234", Decimal("1176.00")), ("INV-10240", Decimal("300.00"))]
    assert (got.payment_ref, got.payer_account) == ("EFT093697", "V16403")


@pytest.mark.parametrize(("label", "field"), [
    ("Balance", "balance"), ("Remaining Balance", "balance"), ("Restant", "balance"),
    ("Saldo", "balance"), ("Solde", "balance"), ("Kredietbeperking", "discount"),
    ("Bestelnummer", "po_number"), ("Balance Due", "gross_amount")])
def test_what_stays_open_is_a_column_of_its_own(label, field):
    assert field_for_header(label) == field


def test_a_balance_column_under_a_stacked_paid_label_is_no_paid_amount():
    """``BETAALD`` over ``BEDRAG RESTANT`` (paid amount, then what stays open), set
    close: the balance beside the paid amount is neither the paid amount nor a second
    amount in its cell."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(40, 800, "Betalingsadvies")
    canvas.drawString(40, 788, "Referentie betaling: EFT093697")
    canvas.drawString(40, 776, "Bedrag betaling: 2.683,94")
    canvas.drawString(230, 752, "BETAALD")
    for x, label in ((40, "FACTUURNUMMER"), (120, "FACTUURBEDRAG"), (230, "BEDRAG"),
                     (269, "RESTANT")):
        canvas.drawString(x, 742, label)
    for y, cells in ((730, ("AR0001050", "2.363,84", "2.292,92", "-")),
                     (719, ("AR0001051", "482,74", "391,02", "91,72"))):
        canvas.drawString(40, y, cells[0])
        for x1, text in zip((175, 257, 302), cells[1:], strict=True):
            canvas.drawRightString(x1, y, text)
    canvas.showPage()
    canvas.save()
    [got] = extract_pdf(buf.getvalue(), "restant.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        ("AR0001050", Decimal("2292.92")), ("AR0001051", Decimal("391.02"))]


def test_french_labels_set_close_are_cut_into_their_labels():
    """``Bon de commande Vos réf.`` as one phrase: two listed labels, the PO number and
    our invoice reference."""
    assert field_for_header("Bon de commande") == "po_number"
    assert field_for_header("Vos réf.") == "invoice_ref"
    assert field_for_header("Montant TTC") == "gross_amount"
