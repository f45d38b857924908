"""Long advices over several pages, read by structure and arithmetic: a continuation page
whose columns moved and that prints no header, running rows (carried, brought forward,
page subtotals) told by the sums they repeat whatever their words, an abbreviated header
on a later page that no longer says which number is ours, a page number printed beside
the payment number. Each on a small hand-drawn PDF, and the development family
``layouts_dev/multipage2`` as a whole."""

from __future__ import annotations

from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4

from bots.remittance.pdf import extract_pdf
from bots.remittance.pdf_layout import Column, _moved, _row_cents
from tests.remittance import layouts_dev
from tests.remittance.pdf_corpus import Item, drawn_pdf, line_f1


def _pdf(pages: list[list[Item]]) -> bytes:
    return drawn_pdf(*pages, pagesize=A4, invariant=True)


def _rows(rows: list[tuple[str, str, str]], y: float, dx: float = 0.0) -> list[Item]:
    """Invoice rows (reference, date, paid) from ``y`` down, moved ``dx`` to the right."""
    items: list[Item] = []
    for n, (ref, day, paid) in enumerate(rows):
        items += [(40 + dx, y - 14 * n, ref, "l"), (150 + dx, y - 14 * n, day, "l"),
                  (330 + dx, y - 14 * n, paid, "r")]
    return items


def _read(data: bytes) -> tuple[list[tuple[str, Decimal]], list[str], Decimal | None]:
    found = extract_pdf(data, "t.pdf", templates=())
    lines = [(x.invoice_ref, x.paid_amount) for r in found for x in r.lines]
    return lines, [w for r in found for w in r.warnings], found[-1].total


HEAD: list[Item] = [(40, 800, "Zahlungsavis", "l"), (40, 786, "Avis-Nr.: 884411", "l"),
                    (40, 772, "Zahlungsdatum: 04.05.2026", "l"),
                    (40, 758, "Währung: EUR", "l")]
PAGE1 = [("RE-4711", "02.03.2026", "1.200,00"), ("RE-4712", "03.03.2026", "800,50"),
         ("RE-4715", "09.03.2026", "99,50")]
PAGE2 = [("RE-4716", "10.03.2026", "450,00"), ("RE-4720", "11.03.2026", "50,00")]
WANT = [("RE-4711", Decimal("1200.00")), ("RE-4712", Decimal("800.50")),
        ("RE-4715", Decimal("99.50")), ("RE-4716", Decimal("450.00")),
        ("RE-4720", Decimal("50.00"))]


def _header(y: float, labels: tuple[str, str, str] = ("Rechnungsnr.", "Datum", "Zahlbetrag"),
            dx: float = 0.0) -> list[Item]:
    return [(40 + dx, y, labels[0], "l"), (150 + dx, y, labels[1], "l"),
            (330 + dx, y, labels[2], "r")]


def test_a_continuation_page_without_header_whose_columns_moved_is_read_by_its_values():
    # page 2 prints no header and sets the table 60 points further right: the
    # reference lands under page 1's date column unless the columns move with the values
    page1 = HEAD + _header(720) + _rows(PAGE1, 704) + [(40, 650, "Übertrag", "l"),
                                                        (330, 650, "2.100,00", "r")]
    page2 = [(40, 800, "Zahlungsavis 884411", "l"), (100, 760, "Übertrag", "l"),
             (390, 760, "2.100,00", "r")] + _rows(PAGE2, 746, dx=60) \
        + [(100, 700, "Gesamtsumme", "l"), (390, 700, "2.600,00", "r")]
    lines, _, total = _read(_pdf([page1, page2]))
    assert lines == WANT
    assert total == Decimal("2600.00")


def test_running_rows_are_told_by_the_sums_they_repeat_not_by_their_words():
    # a page subtotal and a carried amount under unknown words ("Stand Blatt 1", a
    # label with a page number under the references), a bare amount under a rule, and
    # the brought-forward amount at the next page's head: none of them is a line
    page1 = HEAD + _header(720) + _rows(PAGE1, 704) + [
        (40, 650, "Stand Blatt 1", "l"), (330, 650, "2.100,00", "r"),
        (330, 636, "2.100,00", "r")]
    page2 = _header(800) + [(330, 786, "2.100,00", "r")] + _rows(PAGE2, 772) + [
        (40, 730, "Gesamtsumme", "l"), (330, 730, "2.600,00", "r")]
    lines, warnings, total = _read(_pdf([page1, page2]))
    assert lines == WANT
    assert total == Decimal("2600.00")
    assert not [w for w in warnings if "no invoice reference" in w]


def test_a_total_row_holding_only_this_pages_sum_is_a_page_total():
    # "Summe Blatt 2" reads as a total by its word, but its amount is page 2's sum, not
    # the whole's: the advice's total is the one after it
    page1 = HEAD + _header(720) + _rows(PAGE1, 704)
    page2 = _header(800) + _rows(PAGE2, 786) + [
        (40, 744, "Summe Blatt 2", "l"), (330, 744, "500,00", "r"),
        (40, 730, "Zahlbetrag gesamt", "l"), (330, 730, "2.600,00", "r")]
    lines, warnings, total = _read(_pdf([page1, page2]))
    assert lines == WANT
    assert total == Decimal("2600.00")
    assert not [w for w in warnings if "Total row" in w]


def test_a_box_of_keys_atop_a_page_without_header_gives_no_rows():
    # "Lieferantennr. | Datum | Seite" over "70012 | 04.05.2026 | 2" where the table's
    # reference, date and amount columns stand: the page number is no amount like theirs
    page1 = HEAD + _header(720) + _rows(PAGE1, 704)
    page2 = [(40, 800, "Lieferantennr.", "l"), (150, 800, "Datum", "l"),
             (300, 800, "Seite", "l"), (40, 786, "70012", "l"), (150, 786, "04.05.2026", "l"),
             (330, 786, "2", "r")] + _rows(PAGE2, 750) + [
        (40, 700, "Gesamtsumme", "l"), (330, 700, "2.600,00", "r")]
    lines, _, total = _read(_pdf([page1, page2]))
    assert lines == WANT
    assert total == Decimal("2600.00")


def test_a_row_split_at_the_page_break_is_one_row():
    # RE-4715's reference and date at the foot of page 1 (the carried sum without it),
    # its amount atop page 2 under the brought-forward row
    page1 = HEAD + _header(720) + _rows(PAGE1[:2], 704) + [
        (40, 676, "RE-4715", "l"), (150, 676, "09.03.2026", "l"),
        (40, 662, "Übertrag", "l"), (330, 662, "2.000,50", "r")]
    page2 = [(40, 800, "Übertrag", "l"), (330, 800, "2.000,50", "r"),
             (330, 786, "99,50", "r")] + _rows(PAGE2, 772) + [
        (40, 730, "Gesamtsumme", "l"), (330, 730, "2.600,00", "r")]
    lines, warnings, total = _read(_pdf([page1, page2]))
    assert lines == WANT
    assert total == Decimal("2600.00")
    assert not [w for w in warnings if "no invoice reference" in w]


def test_a_bare_amount_after_the_last_row_is_still_the_total():
    page = HEAD + _header(720) + _rows(PAGE1, 704) + [(330, 650, "2.100,00", "r")]
    lines, warnings, total = _read(_pdf([page]))
    assert lines == WANT[:3]
    assert total == Decimal("2100.00")
    assert not [w for w in warnings if "no invoice reference" in w]


def test_an_abbreviated_header_on_a_later_page_keeps_which_number_is_ours():
    # page 1: "Unsere Belegnr. | Ihre Rechnung"; page 2: "Beleg | Beleg-Nr.", which says
    # nothing about whose number is whose: the columns keep page 1's roles by position
    def rows(data: list[tuple[str, str, str]], y: float) -> list[Item]:
        return [item for n, (ref, _, paid) in enumerate(data) for item in (
            (40, y - 14 * n, f"51000{n}{len(data)}7", "l"), (150, y - 14 * n, ref, "l"),
            (330, y - 14 * n, paid, "r"))]

    page1 = HEAD + [(40, 720, "Unsere Belegnr.", "l"), (150, 720, "Ihre Rechnung", "l"),
                    (330, 720, "Zahlbetrag", "r")] + rows(PAGE1, 704)
    page2 = [(40, 800, "Beleg", "l"), (150, 800, "Beleg-Nr.", "l"),
             (330, 800, "Betrag", "r")] + rows(PAGE2, 786) + [
        (40, 740, "Gesamtsumme", "l"), (330, 740, "2.600,00", "r")]
    lines, _, _ = _read(_pdf([page1, page2]))
    assert lines == WANT


def test_a_later_header_naming_fewer_columns_leaves_the_first_headers_columns():
    # page 2 labels only "Rechnung | Zahlbetrag", and sets its columns narrower: the
    # dates, vouchers and gross amounts keep their columns, moved with the values
    def rows(data: list[tuple[str, str, str]], y: float, xs: tuple[float, ...]) -> list[Item]:
        return [item for n, (ref, day, paid) in enumerate(data) for item in (
            (xs[0], y - 14 * n, day, "l"), (xs[1], y - 14 * n, ref, "l"),
            (xs[2], y - 14 * n, f"51000{n}{len(data)}7", "l"), (xs[3], y - 14 * n, paid, "r"),
            (xs[4], y - 14 * n, paid, "r"))]

    page1 = HEAD + [(40, 720, "Datum", "l"), (110, 720, "Rechnung", "l"),
                    (190, 720, "Unser Beleg", "l"), (330, 720, "Bruttobetrag", "r"),
                    (430, 720, "Zahlbetrag", "r")] + rows(PAGE1, 704, (40, 110, 190, 330, 430))
    page2 = [(95, 800, "Rechnung", "l"), (380, 800, "Zahlbetrag", "r")] \
        + rows(PAGE2, 786, (40, 95, 160, 290, 380)) + [
        (40, 740, "Gesamtsumme", "l"), (380, 740, "2.600,00", "r")]
    lines, _, total = _read(_pdf([page1, page2]))
    assert lines == WANT
    assert total == Decimal("2600.00")


def test_a_page_number_beside_the_payment_number_is_no_new_advice():
    page1 = [(40, 800, "Zahlungsavis", "l"), (40, 786, "Avis-Nr.: 884411   Seite 1 von 2", "l"),
             (40, 772, "Währung: EUR", "l")] + _header(720) + _rows(PAGE1, 704)
    page2 = [(40, 786, "Avis-Nr.: 884411   Seite 2 von 2", "l")] + _header(720) \
        + _rows(PAGE2, 704) + [(40, 660, "Gesamtsumme", "l"), (330, 660, "2.600,00", "r")]
    found = extract_pdf(_pdf([page1, page2]), "t.pdf", templates=())
    assert len(found) == 1
    assert [(x.invoice_ref, x.paid_amount) for x in found[0].lines] == WANT


def test_payment_numbers_after_one_word_still_tell_two_advices_apart():
    def advice(number: str, rows: list[tuple[str, str, str]]) -> list[Item]:
        return [(40, 786, f"Payment No.: PAY {number}   Page 1", "l")] + _header(720) \
            + _rows(rows, 704)

    found = extract_pdf(_pdf([advice("4711", PAGE1), advice("4712", PAGE2)]), "t.pdf",
                        templates=())
    assert [len(r.lines) for r in found] == [3, 2]


def test_amounts_compare_in_minor_units_whatever_their_marks():
    assert _row_cents({"paid_amount": "1.234,56"}) == _row_cents(
        {"paid_amount": "1,234.56"}) == 123456
    assert _row_cents({"paid_amount": "51,90-"}) == -5190
    assert _row_cents({"gross_amount": "(51.90)"}) == -5190
    assert _row_cents({"paid_amount": "Seite 2"}) is None


def test_columns_move_with_the_value_edges_one_by_one_or_all_by_one_shift():
    columns = [Column("invoice_ref", 40, 90, "Invoice"), Column("paid_amount", 280, 330, "Paid")]
    # the same kinds of edge left to right: each column moves with its own edge
    moved = _moved(columns, [(40.0, False), (330.0, True)], [(52.0, False), (321.0, True)])
    assert [(c.x0, c.x1) for c in moved] == [(52, 102), (271, 321)]
    # an edge on the new page only (a column filled on few rows): the others pair in
    # order, the shifts changing least from pair to pair
    moved = _moved(columns, [(40.0, False), (150.0, False), (330.0, True)],
                   [(60.0, False), (170.0, False), (350.0, True), (400.0, True)])
    assert [(c.x0, c.x1) for c in moved] == [(60, 110), (300, 350)]
    moved = _moved(columns, [(40.0, False), (250.0, True), (330.0, True)],
                   [(40.0, False), (300.0, True)])  # narrower: paid pairs, not the other
    assert [(c.x0, c.x1) for c in moved] == [(40, 90), (250, 300)]
    # nothing lines up: the columns stay
    assert _moved(columns, [(40.0, False), (330.0, True)], [(13.0, True)]) == columns


@pytest.mark.parametrize("lang", layouts_dev.LANGS)
def test_the_long_advices_of_the_development_family_read_whole(lang):
    family = next(f for f in layouts_dev.FAMILIES
                  if f.template == "multipage2" and f.lang == lang)
    pairs = []
    for advice in layouts_dev.advices(family, 8):
        found = extract_pdf(advice.pdf, advice.name, templates=())
        found[0].lines = [line for r in found for line in r.lines]
        pairs.append((found[0], advice.truth))
        assert found[0].total == advice.truth.total, advice.name
    assert line_f1(pairs) == 1.0
