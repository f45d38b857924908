"""Key-value advices whose labels no word list names: structure, arithmetic and shapes decide.

One test per general cause found on the development families
``tests/remittance/layouts_dev/portals2.py`` and ``bankcredit2.py``: labels without
a colon and without a known word, repeated once per invoice; dot leaders; amounts
taken off under labels nobody listed; a label with no value beside a label; a header
row printed over every invoice; a reference and its amount joined by a slash; the
bank's text under a total label read from its words.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bots.domain import Remittance
from bots.remittance.columns import field_for_header
from bots.remittance.label_grammar import field_of_label
from bots.remittance.pdf import extract_pdf
from bots.remittance.pdf_records import _subsets
from tests.remittance.layouts_dev import FAMILIES, make_advice
from tests.remittance.pdf_corpus import line_f1

Items = list[tuple[float, float, str]]


def _read(items: Items) -> Remittance:
    """The remittance read from a one-page PDF with each text at (x, y from the top)."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 9)
    for x, y, text in items:
        canvas.drawString(x, A4[1] - y, text)
    canvas.showPage()
    canvas.save()
    [got] = extract_pdf(buf.getvalue(), "t.pdf", templates=())
    return got


def _lines(got: Remittance) -> list[tuple[str, Decimal]]:
    return [(line.invoice_ref, line.paid_amount) for line in got.lines]


def _blocks(title: str, header: list[tuple[str, str]], blocks: list[list[tuple[str, str]]],
            tab: float = 200, top: float = 120) -> Items:
    """A title, ``Label: value`` header lines, then each block's ``label<gap>value`` lines."""
    items: Items = [(42, 50, title)]
    items += [(42, 80 + 12 * n, f"{label}: {value}") for n, (label, value) in enumerate(header)]
    y = top
    for block in blocks:
        for label, value in block:
            items += [(42, y, label), (tab, y, value)]
            y += 12
        y += 14
    return items


def test_unnamed_labels_repeated_per_invoice_are_read_by_their_values():
    # neither "Paid this run" nor "Billed amount" is in any word list: the arithmetic
    # with the discount and the total printed decide which is paid
    blocks = [[("Supplier invoice #", ref), ("Billed amount", gross), ("Discount applied", disc),
               ("Paid this run", paid)]
              for ref, gross, disc, paid in (("RE-26-2246", "1,000.00", "20.00", "980.00"),
                                             ("RE-26-2254", "500.00", "-", "500.00"))]
    got = _read(_blocks("Remittance Advice", [("Payment Number", "PMT-7354623"),
                                              ("Payment Amount", "1,480.00")], blocks))
    assert _lines(got) == [("RE-26-2246", Decimal("980.00")), ("RE-26-2254", Decimal("500.00"))]


def test_dot_leaders_and_the_reference_of_two_unnamed_numbers():
    # "Interne Nr." is the payer's, "Externe Belegnr." ours; both unnamed by the lists
    blocks = [[("INTERNE NR. ...............", voucher), ("EXTERNE BELEGNR. ..........", ref),
               ("AUSZAHLBETRAG .............", paid)]
              for voucher, ref, paid in (("70806386", "FA26005124", "12033,69"),
                                         ("47620972", "FA26005125", "279,93"))]
    got = _read(_blocks("AVIS ÜBER ZAHLUNG", [("Zahlungsreferenz", "00003585723")], blocks))
    assert _lines(got) == [("FA26005124", Decimal("12033.69")), ("FA26005125", Decimal("279.93"))]


def test_an_unnamed_label_of_what_is_taken_off_makes_the_records_consistent():
    # "Avoir imputé" (a credit note set off) and "Mt réglé" are in no list; "Total TTC"
    # is the gross: gross - discount - the unnamed amount = paid in every block
    blocks = [[("Votre n° de pièce", ref), ("Total TTC", gross), ("Escompte", disc),
               ("Avoir imputé", off), ("Mt réglé", paid)]
              for ref, gross, disc, off, paid in (
                  ("RE-26-1092", "214,17", "6,43", "-", "207,74"),
                  ("RE-26-1110", "289,07", "-", "43,36", "245,71"),
                  ("RE-26-1113", "103,25", "3,10", "-", "100,15"))]
    got = _read(_blocks("Avis de paiement", [("N° d'avis", "00009234686"),
                                             ("Montant du virement", "553,60")], blocks))
    assert _lines(got) == [("RE-26-1092", Decimal("207.74")), ("RE-26-1110", Decimal("245.71")),
                           ("RE-26-1113", Decimal("100.15"))]


def test_what_is_taken_off_never_outweighs_what_is_paid():
    # gross - discount - X = Y holds both ways round: the paid amounts are the heavier
    blocks = [[("Rechnung Nr.", ref), ("Betrag brutto", gross), ("Skonto", disc),
               ("Verrechnung", off), ("Überwiesener Betrag", paid)]
              for ref, gross, disc, off, paid in (
                  ("F0000808", "1.156,39", "23,13", "69,38", "1.063,88"),
                  ("F0000822", "26,41", "0,53", "0,00", "25,88"))]
    got = _read(_blocks("Zahlungsavis", [("Zahlungsnummer", "00000546961")], blocks))
    assert _lines(got) == [("F0000808", Decimal("1063.88")), ("F0000822", Decimal("25.88"))]


def test_a_label_without_value_does_not_take_the_next_label_as_its_value():
    # "Deductions<gap>Amount Settled<gap>9,267.63": the deduction is empty
    items: Items = [(42, 50, "Payment Remittance Details"), (42, 80, "Payment Number: 1351249")]
    y = 120
    for ref, gross, ded, paid in (("FA26001178", "9,267.63", "", "9,267.63"),
                                  ("FA26001189", "239.03", "19.12", "219.91")):
        items += [(42, y, "Bill Ref."), (150, y, ref), (300, y, "Invoice Total"),
                  (420, y, gross), (42, y + 14, "Deductions"), (300, y + 14, "Amount Settled"),
                  (420, y + 14, paid)]
        if ded:
            items.append((150, y + 14, ded))
        y += 44
    items.append((42, y, "Total Paid: 9,487.54"))
    got = _read(items)
    assert _lines(got) == [("FA26001178", Decimal("9267.63")),
                           ("FA26001189", Decimal("219.91"))]


def test_a_total_printed_under_the_last_block_is_no_column_of_the_records():
    blocks = [[("RECHNUNG NR.", ref), ("FORDERUNG", gross), ("ÜBERWIESENER BETRAG", paid)]
              for ref, gross, paid in (("F0001558", "254.60", "246.96"),
                                       ("F0001565", "702.58", "702.58"),
                                       ("F0001575", "136.11", "132.03"))]
    items = _blocks("ZAHLUNGSANZEIGE", [("ZAHLUNGSREFERENZ", "00001762847"),
                                        ("ÜBERWEISUNGSBETRAG", "1081.57")], blocks)
    items.append((42, 330, "ÜBERWEISUNGSBETRAG"))
    items.append((200, 330, "1081.57"))
    got = _read(items)
    assert _lines(got) == [("F0001558", Decimal("246.96")), ("F0001565", Decimal("702.58")),
                           ("F0001575", Decimal("132.03"))]


def test_a_header_row_printed_over_every_invoice_is_read_as_records():
    items: Items = [(42, 50, "REMITTANCE ADVICE"), (42, 70, "PAYMENT NUMBER: 2026-9354773"),
                    (42, 82, "PAYMENT AMOUNT: 12,530.34")]
    y = 120
    for ref, gross, disc, paid in (("2026/04571", "203.99", "", "203.99"),
                                   ("2026/04574", "191.01", "5.73", "185.28"),
                                   ("2026/04575", "12,141.07", "", "12,141.07")):
        items += [(42, y, "INVOICE REF"), (180, y, "TOTAL DUE"), (300, y, "CASH DISC."),
                  (420, y, "NET PAYMENT"), (42, y + 11, ref), (180, y + 11, gross),
                  (420, y + 11, paid)]
        if disc:
            items.append((300, y + 11, disc))
        y += 36
    got = _read(items)
    assert _lines(got) == [("2026/04571", Decimal("203.99")), ("2026/04574", Decimal("185.28")),
                           ("2026/04575", Decimal("12141.07"))]


@pytest.mark.parametrize("text", ["Inv No 2026/01919/1158.48, Inv No 2026/01936/1133.31",
                                  "FAC 2026/01919/1158,48; FAC 2026/01936/1133,31"])
def test_a_slash_between_a_reference_and_its_amount(text):
    mark = "," if "," in text.split("/")[-1] else "."
    total = "2291,79" if mark == "," else "2291.79"
    got = _read([(42, 50, "Credit Advice"), (42, 80, "Transaction reference: 0001254507"),
                 (42, 92, f"Amount credited: {total}"), (42, 116, "Details of payment:"),
                 (42, 128, text)])
    assert _lines(got) == [("2026/01919", Decimal("1158.48")),
                           ("2026/01936", Decimal("1133.31"))]


def test_a_lone_invoice_takes_the_amount_of_a_total_label_read_from_its_words():
    got = _read([(42, 50, "Aviso de abono"),
                 (42, 80, "Importe de la transferencia: EUR 7.582,41"),
                 (42, 92, "Ref. pago: REM1462490"), (42, 116, "Concepto de la transferencia:"),
                 (42, 128, "FRA F0005652")])
    assert _lines(got) == [("F0005652", Decimal("7582.41"))]


def test_headerless_rows_that_miss_a_line_give_way_to_the_free_text():
    # the first invoice shares its line with the label: the rows without header miss it
    got = _read([(42, 50, "Avis d'opération au crédit"), (42, 80, "N° d'avis: REM8548490"),
                 (42, 92, "Montant total: 9.123,09"), (42, 116, "Libellé:"),
                 (120, 116, "FACT A003118"), (300, 116, "177,39"),
                 (120, 129, "FACT A003127"), (300, 129, "8.953,03"),
                 (120, 142, "FACT A003143"), (300, 142, "-7,33")])
    assert _lines(got) == [("A003118", Decimal("177.39")), ("A003127", Decimal("8953.03")),
                           ("A003143", Decimal("-7.33"))]


def test_each_label_on_its_line_over_its_value_and_an_empty_value_between():
    # Tungsten-like: "Invoice Ref" over "RE-26-8674", ...; a discount printed as nothing
    # leaves a gap that must not cut the record
    items: Items = [(42, 50, "Supplier Payment Advice"), (42, 70, "Payment Number: 0006080777"),
                    (42, 82, "Total Payment Amount: 437.35")]
    y = 120.0
    for block in ((("Invoice Ref", "RE-26-8674"), ("Gross Value", "266.68"),
                   ("Cash Disc.", "8.00"), ("Net Payment", "258.68")),
                  (("Invoice Ref", "RE-26-8707"), ("Gross Value", "178.67"), ("Cash Disc.", ""),
                   ("Net Payment", "178.67"))):
        for label, value in block:
            items.append((42, y, label))
            if value:
                items.append((42, y + 9, value))
            y += 9 + 13 if value else 22 + 9
        y += 14
    assert _lines(_read(items)) == [("RE-26-8674", Decimal("258.68")),
                                    ("RE-26-8707", Decimal("178.67"))]


def test_cards_of_unnamed_labels_each_over_its_value():
    # one label of three named ("Your Document"): no header row by its words
    items: Items = [(42, 50, "Remittance Advice"), (42, 70, "Payment Number: 2026-8812"),
                    (42, 82, "Total Payment Amount: 1,096.50")]
    y = 120.0
    for ref, gross, disc, paid in (("90007380", "720.00", "23.82", "696.18"),
                                   ("90007385", "400.32", "0.00", "400.32")):
        items += [(42, y, "Your Document"), (220, y, "Request ID"), (400, y, "Doc. Date"),
                  (42, y + 10, ref), (220, y + 10, "35392865"), (400, y + 10, "04/29/26"),
                  (42, y + 24, "Billed Amount"), (220, y + 24, "Cash Disc."),
                  (400, y + 24, "Paid This Run"), (42, y + 34, gross), (220, y + 34, disc),
                  (400, y + 34, paid)]
        y += 60
    assert _lines(_read(items)) == [("90007380", Decimal("696.18")),
                                    ("90007385", Decimal("400.32"))]


def test_an_unnamed_outside_reference_wins_over_the_payers_own_named_one():
    blocks = [[("EXTERNE BELEGNR.:", ref), ("UNSERE BELEGNR.:", ours), ("GEZAHLT:", paid)]
              for ref, ours, paid in (("INV-2026-05863", "INV-2026-05309", "149,24"),
                                      ("INV-2026-05871", "INV-2026-05168", "241,93"))]
    got = _read(_blocks("ZAHLUNGSAVIS", [("ZAHLUNGSREFERENZ", "0007158736")], blocks))
    assert _lines(got) == [("INV-2026-05863", Decimal("149.24")),
                           ("INV-2026-05871", Decimal("241.93"))]


@pytest.mark.parametrize(("title", "of", "day"), [
    ("Fattura n.", "del", "15/03/2026"), ("Facture n° :", "du", "15 mars 2026"),
    ("Rechnung Nr.", "vom", "15.03.2026"), ("Factura nº", "de", "15 de marzo de 2026"),
    ("Invoice", "dated", "03/15/2026")])
def test_a_reference_printed_with_its_date(title, of, day):
    items: Items = [(42, 50, "Payment advice"), (42, 70, "Payment number: 2026-8812"),
                    (42, 82, "Total paid: 1096.50")]
    y = 120.0
    for ref, gross, paid in (("FT-0123", "720.00", "696.18"), ("FT-0131", "400.32", "400.32")):
        items += [(42, y, f"{title} {ref} {of} {day}"), (54, y + 12, f"Gross: {gross}"),
                  (54, y + 24, f"Paid: {paid}")]
        y += 48
    assert _lines(_read(items)) == [("FT-0123", Decimal("696.18")),
                                    ("FT-0131", Decimal("400.32"))]


def test_amounts_with_a_currency_sign_after_them_and_a_block_counter_for_a_title():
    # "Documento 1/2" counts the blocks: "Documento" names a document, "1/2" is none
    items: Items = [(42, 50, "Detalle de pago a proveedor"), (42, 70, "Nº de pago: PMT-2746178"),
                    (42, 82, "Importe de la transferencia: 513,78 €")]
    y = 110.0
    for n, (ref, gross, disc, paid) in enumerate((("FA26002962", "220,41 €", "6,61 €",
                                                    "213,80 €"),
                                                   ("FA26002963", "299,98 €", "-", "299,98 €"))):
        items += [(42, y, f"Documento {n + 1}/2"), (42, y + 14, "Nº asiento: FA26002358"),
                  (42, y + 27, f"Nº de documento: {ref}"), (42, y + 40, f"Total factura: {gross}"),
                  (42, y + 53, f"Descuento: {disc}"), (42, y + 66, f"Importe pagado: {paid}")]
        y += 92
    assert _lines(_read(items)) == [("FA26002962", Decimal("213.80")),
                                    ("FA26002963", Decimal("299.98"))]


def test_invoice_s_names_the_invoice_column():
    assert field_for_header("Invoice(s)") == "invoice_ref"


@pytest.mark.parametrize("text", ["Facture: A006448/241,90 FACT A006453/4 249,24",
                                  "Facture: A006448 241,90, A006453 4 249,24"])
def test_the_texts_first_line_may_look_like_a_field_and_amounts_group_with_spaces(text):
    got = _read([(42, 50, "Avis de crédit"), (42, 80, "N° d'avis: REM8548490"),
                 (42, 92, "Montant total: 4 491,14"), (42, 116, "Motif:"), (42, 128, text)])
    assert _lines(got) == [("A006448", Decimal("241.90")), ("A006453", Decimal("4249.24"))]


def test_swift_instructed_amount_names_the_total():
    assert field_of_label("Instructed amount") == ("total", 2)


def test_the_reference_for_the_beneficiary_is_the_remittance_text():
    got = _read([(42, 50, "Credit Advice - Incoming Payment"),
                 (42, 80, "Related reference: 0001817676"),
                 (42, 92, "Transaction amount: USD 544.81"),
                 (42, 116, "Reference for beneficiary:"),
                 (160, 116, "Bill FT04123/26/281.73 Bill"), (42, 128, "FT04133/26/263.08")])
    assert _lines(got) == [("FT04123/26", Decimal("281.73")),
                           ("FT04133/26", Decimal("263.08"))]


def test_subsets_smallest_first():
    assert list(_subsets(["a", "b", "c"], 2)) == [(), ("a",), ("b",), ("c",), ("a", "b"),
                                                   ("a", "c"), ("b", "c")]


@pytest.mark.parametrize("template", ["portals2", "bankcredit2"])
def test_the_development_families_read_right(template):
    """Four documents of each language of the second-round families read exactly."""
    for family in (f for f in FAMILIES if f.template == template):
        got = []
        for index in range(4):
            advice = make_advice(family, index)
            [read] = extract_pdf(advice.pdf, advice.name, templates=())
            got.append((read, advice.truth))
        assert line_f1(got) == 1.0, family.name
