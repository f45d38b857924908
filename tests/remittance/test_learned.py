"""Learned templates in the readers (issue 9, item 8): a hint for the payer and layout
names the invoice column; other payers and other layouts are read as before."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.pdfgen.canvas import Canvas

from bots.remittance import extract, learned
from bots.remittance.known import KnownItems
from bots.remittance.known import using as using_open_items
from bots.remittance.pdf import extract_pdf

ADVICE = ("Payer: {payer}\nPayment ref: CHK-1\n{heads}\n"
          "5100001,90012345,100.00\n5100002,90012346,50.00\n")
HEADS = "Doc No.,Document,Amount Paid"


def _read(payer: str = "ACME Corp", heads: str = HEADS) -> tuple[list[str], learned.Layout]:
    with learned.recording() as layouts:
        result = extract(ADVICE.format(payer=payer, heads=heads).encode(), "advice.csv")
    [remittance] = result.remittances
    [layout] = layouts
    assert layout.holds(remittance)
    return [line.invoice_ref for line in remittance.lines], layout


def test_the_fingerprint_is_the_layout_not_the_numbers() -> None:
    assert learned.fingerprint(["Doc No.", "Amount 2026"], "csv") == \
        learned.fingerprint(["doc no", "Amount 2025"], "csv")
    assert learned.fingerprint(["Doc No.", "Amount"], "csv") != \
        learned.fingerprint(["Doc No.", "Amount"], "xlsx")
    assert learned.fingerprint(["Doc No.", "Amount"], "csv") != \
        learned.fingerprint(["Document", "Amount"], "csv")
    assert learned.payer_key("ACME Corp.") == learned.payer_key("acme  corp") == "acme corp"


def test_a_correction_names_the_column_that_printed_it() -> None:
    refs, layout = _read()
    assert refs == ["5100001", "5100002"] and layout.chosen == "Doc No."
    assert learned.learn_label(layout, "5100002", "90012346") == "Document"
    assert learned.learn_label(layout, "5100002", "0090012346") == "Document"  # zeros, case
    assert learned.learn_label(layout, "5100002", "777") is None  # printed nowhere


def test_a_hint_reads_the_payers_layout_and_only_that() -> None:
    _refs, layout = _read()
    hint = learned.Hint(layout.payer, layout.fingerprint, "Document")
    with learned.using(learned.Learned((hint,))):
        assert _read()[0] == ["90012345", "90012346"]
        assert _read(payer="Other Ltd")[0] == ["5100001", "5100002"]
        assert _read(heads="Doc No.,Document,Net Paid")[0] == ["5100001", "5100002"]
        # the learned template beats open-item evidence for its payer and layout
        with using_open_items(KnownItems.of([("5100001", Decimal(0)), ("5100002", Decimal(0))])):
            assert _read()[0] == ["90012345", "90012346"]


def _pdf(payer: str) -> bytes:
    """A PDF advice of ``payer``: "Doc No." (the payer's voucher) beside "Document" (ours)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595, 842))
    c.setFont("Helvetica", 9)
    c.drawString(50, 790, "Remittance advice")
    c.drawString(50, 770, "Payment ref.: PAY-4711")
    c.drawString(50, 756, f"Payer: {payer}")
    for x, text in ((50, "Doc No."), (180, "Document"), (400, "Amount Paid")):
        c.drawString(x, 720, text)
    for y, voucher, ours, amount in ((704, "5100001", "90012345", "100.00"),
                                     (690, "5100002", "90012346", "50.00")):
        for x, text in ((50, voucher), (180, ours), (400, amount)):
            c.drawString(x, y, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _read_pdf(payer: str) -> tuple[list[str], list[learned.Layout]]:
    with learned.recording() as layouts:
        [remittance] = extract_pdf(_pdf(payer), "advice.pdf", templates=())
    return [line.invoice_ref for line in remittance.lines], layouts


def test_a_pdf_layout_is_learned_and_read_the_same_way() -> None:
    refs, [layout] = _read_pdf("ACME Corp")
    assert refs == ["5100001", "5100002"] and layout.payer == "acme corp"
    label = learned.learn_label(layout, "5100001", "90012345")
    assert label == "Document"
    with learned.using(learned.Learned((learned.Hint(layout.payer, layout.fingerprint,
                                                     label),))):
        assert _read_pdf("ACME Corp")[0] == ["90012345", "90012346"]
        assert _read_pdf("Other Ltd")[0] == ["5100001", "5100002"]
