"""The PDF reader on layouts it was not written against (tests/remittance/layouts).

Tune families must read exactly; held-out families are measured, never tuned
on (``bench/extract_heldout.py`` gives the full per-family table). Plus the
rules the corpus exercises, one at a time: which document-number column is
ours, the payment labels of six languages, the locale decision, open items.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.columns import field_for_header, reference_rank
from bots.remittance.known import KnownItems, using
from bots.remittance.labels import is_payment_label
from bots.remittance.locale import decide_day_first, decide_mark, guess_language, read_date
from bots.remittance.pdf import extract_pdf
from tests.remittance.layouts import FAMILIES, Advice, advices
from tests.remittance.pdf_corpus import line_f1

REPO = Path(__file__).resolve().parents[2]
HEADER_FIELDS = ("payment_date", "total", "currency", "payment_ref", "payer_account")


def _read(advice: Advice, known: bool = False):
    found = extract_pdf(advice.pdf, advice.name, templates=(),
                        known=advice.open_items if known else None)
    assert len(found) == 1, advice.name
    return found[0]


@pytest.mark.parametrize("family", [f for f in FAMILIES if not f.held_out], ids=str)
def test_tune_families_read_every_line_and_header_field(family) -> None:
    for advice in advices(family, 4, seed=5):
        got = _read(advice)
        assert sorted((x.invoice_ref, x.paid_amount) for x in got.lines) == sorted(
            (x.invoice_ref, x.paid_amount) for x in advice.truth.lines), advice.name
        for name in HEADER_FIELDS:
            assert getattr(got, name) == getattr(advice.truth, name), (advice.name, name)
        assert not any("add up" in w for w in got.warnings), advice.name


def test_held_out_families_overall() -> None:
    """A regression guard on the held-out part (measured, not tuned on)."""
    pairs = [(_read(a), a.truth) for f in FAMILIES if f.held_out for a in advices(f, 3, seed=5)]
    assert line_f1(pairs) >= 0.98


def test_open_items_give_the_same_lines() -> None:
    family = next(f for f in FAMILIES if f.name == "grid-de")
    for advice in advices(family, 3, seed=5):
        assert _read(advice, known=True).lines == _read(advice).lines


def _two_numbers_pdf(ours_first: bool) -> bytes:
    """A table whose two number columns are both just "Doc No." / "Document": only
    the open items can say which is ours."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595, 842))
    c.setFont("Helvetica-Bold", 12)
    c.drawString(50, 790, "Remittance advice")
    c.setFont("Helvetica", 9)
    c.drawString(50, 770, "Payment ref.: PAY-4711")
    heads = ["Document", "Doc No."] if ours_first else ["Doc No.", "Document"]
    for x, head in zip((50, 160, 300), heads + ["Paid"], strict=True):
        c.drawString(x, 730, head)
    y = 715
    for ours, voucher, paid in (("90012345", "5100000017", "1,200.00"),
                                ("90012399", "5100000018", "300.50")):
        cells = [ours, voucher] if ours_first else [voucher, ours]
        c.drawString(50, y, cells[0])
        c.drawString(160, y, cells[1])
        c.drawRightString(330, y, paid)
        y -= 14
    c.showPage()
    c.save()
    return buf.getvalue()


def test_open_items_decide_which_number_column_is_ours() -> None:
    pdf = _two_numbers_pdf(ours_first=False)
    [blind] = extract_pdf(pdf, "t.pdf", templates=())
    assert [x.invoice_ref for x in blind.lines] == ["5100000017", "5100000018"]
    known = KnownItems.of([("90012345", Decimal("1200.00")), ("90012399", Decimal("300.50")),
                           ("90000001", Decimal("10.00"))])
    with using(known):
        [seen] = extract_pdf(pdf, "t.pdf", templates=())
    assert [x.invoice_ref for x in seen.lines] == ["90012345", "90012399"]
    assert [x.paid_amount for x in seen.lines] == [Decimal("1200.00"), Decimal("300.50")]


def test_cli_extract_takes_open_items(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(_two_numbers_pdf(ours_first=False))
    with (tmp_path / "open.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["company_code", "customer", "document_no", "fiscal_year", "line_item",
                         "invoice_ref", "po_number", "doc_date", "due_date", "currency",
                         "amount", "discount_pct", "discount_date"])
        for n, (ref, amount) in enumerate((("90012345", "1200.00"), ("90012399", "300.50"))):
            writer.writerow(["1000", "0000100042", f"180000000{n}", "2026", "001", ref, "",
                             "2026-03-01", "2026-04-01", "USD", amount, "", ""])
    run = subprocess.run([str(REPO / ".venv" / "bin" / "arbots"), "extract",
                          str(tmp_path / "a.pdf"), "--open-items", str(tmp_path / "open.csv")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    [advice] = [json.loads(line) for line in run.stdout.splitlines()]
    assert [x["invoice_ref"] for x in advice["lines"]] == ["90012345", "90012399"]


@pytest.mark.parametrize(("ours", "theirs"), [
    ("Your Reference", "Document No."), ("Ihre Referenz", "Beleg-Nr."),
    ("Uw referentie", "Boekstuk"), ("Votre référence", "Pièce"),
    ("Su referencia", "Nº documento"), ("Vs. riferimento", "Ns. protocollo"),
    ("Rechnungsnr. / Invoice No.", "Unser Beleg / Our Voucher"),
])
def test_the_column_naming_our_invoice_outranks_the_payers_voucher(ours, theirs) -> None:
    assert field_for_header(ours) == field_for_header(theirs) == "invoice_ref"
    assert reference_rank(ours) > reference_rank(theirs)


@pytest.mark.parametrize(("text", "field"), [
    ("Rechnungsbetrag", "gross_amount"), ("Skontobetrag", "discount"),
    ("Betaald bedrag", "paid_amount"), ("Importe pagado", "paid_amount"),
    ("Montant facture", "gross_amount"), ("Datum / Date", "invoice_date"),
    ("Trattenuta", "deduction"), ("Motivo", "deduction_reason"),
])
def test_column_words_of_six_languages(text, field) -> None:
    assert field_for_header(text) == field


@pytest.mark.parametrize("text", ["Zahlungsdatum", "N° d'avis / Payment ref.",
                                  "Unsere Kundennr. bei Ihnen", "Fecha valor", "N. assegno"])
def test_payment_labels_are_not_column_headers(text) -> None:
    assert is_payment_label(text)


def test_locale_is_decided_once_from_the_evidence() -> None:
    assert decide_mark(["1.234,56", "12,00"]) == (",", False)
    assert decide_mark(["1,234", "2,500"]) == (".", True)  # either way, nothing says
    assert decide_mark(["1,234", "2,500"], lang="de") == (",", False)
    assert decide_mark(["1,234", "2,500"], lang="de", currency="USD") == (".", False)
    assert decide_mark(["1,234"], known=[Decimal("1.234")]) == (",", False)
    assert decide_mark(["12.50"]) == (".", False)
    assert decide_day_first(["04/05/26", "04/13/26"]) == (False, False)
    assert decide_day_first(["04/05/26"], lang="fr") == (True, False)
    assert decide_day_first(["04/05/26"]) == (False, True)
    assert guess_language(["Ihre Rechnung / Your invoice", "Zahlbetrag / Amount paid",
                           "Datum / Date", "Summe"]) == "de"


@pytest.mark.parametrize(("text", "day"), [
    ("24 avril 2026", date(2026, 4, 24)), ("24. März 2026", date(2026, 3, 24)),
    ("24 de abril de 2026", date(2026, 4, 24)), ("April 24, 2026", date(2026, 4, 24)),
    ("24-Apr-2026", date(2026, 4, 24)), ("3 maart 2026", date(2026, 3, 3)),
    ("23.04.2026", date(2026, 4, 23)), ("2 agosto 2026", date(2026, 8, 2)),
])
def test_dates_with_month_names(text, day) -> None:
    assert read_date(text) == day


def test_the_reading_that_adds_up_to_the_total_wins() -> None:
    """A line of labels and values above the table looks like a table of its own; the
    lines add up to the stated total only without it."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595, 842))
    c.setFont("Helvetica", 9)
    for x, y, text in ((50, 790, "Remittance advice"), (50, 760, "Document"), (250, 760, "Net"),
                       (50, 746, "Q-2026-17"), (250, 746, "12.00"), (50, 700, "Invoice"),
                       (250, 700, "Paid"), (50, 686, "90012345"), (250, 686, "100.00"),
                       (50, 672, "90012346"), (250, 672, "50.00"),
                       (50, 640, "Total paid: 150.00 USD")):
        c.drawString(x, y, text)
    c.showPage()
    c.save()
    [got] = extract_pdf(buf.getvalue(), "t.pdf", templates=())
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        ("90012345", Decimal("100.00")), ("90012346", Decimal("50.00"))]
    assert got.total == Decimal("150.00")


def test_open_items_choose_the_reference_column_of_a_sheet_too() -> None:
    from bots.remittance import extract

    sheet = (b"Doc No.,Document,Amount Paid\n5100000017,90012345,1200.00\n"
             b"5100000018,90012399,300.50\n")
    [blind] = extract(sheet, "a.csv").remittances
    assert [x.invoice_ref for x in blind.lines] == ["5100000017", "5100000018"]
    with using(KnownItems.of([("90012345", Decimal("1200.00")),
                              ("90012399", Decimal("300.50"))])):
        [seen] = extract(sheet, "a.csv").remittances
    assert [x.invoice_ref for x in seen.lines] == ["90012345", "90012399"]
