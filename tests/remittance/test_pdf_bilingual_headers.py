"""Tables whose header cells name one column in two languages, wrapped over two lines.

International payers print ``Rechnungsnr. / Invoice no.``; set in a narrow column the
local word and the slash stand on the first header line and the English half under it
(``Skonto /`` over ``Discount``), and the halves of neighbouring cells run together
(``/ Amount Discount Amount paid``). The causes found on the development families
``dev-portal-de``, ``dev-portal-it`` and ``dev-portal-nl`` of
``tests/remittance/layouts_dev``: a lower-line phrase under three upper labels was kept
whole; a slash ending a run of upper-case labels set close (``PROTOCOLLO VS. RIFERIMENTO
DATA FATTURA /``) kept the run from being cut by the value columns, so the payer's
protocol number was read as our invoice; a slash between two labels of different fields
(``Netto / Factuurbedrag``) or between our invoice and the payer's voucher (``Vs. fattura /
N. registrazione``) must not join them.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bots.remittance.columns import field_for_header, reference_rank
from bots.remittance.pdf import extract_pdf

#: a row of words: (top, [(x0, text), ...]); header rows are set bold
Row = tuple[float, list[tuple[float, str]]]


#: the header and body fonts of a family
FONTS = {"Times": ("Times-Bold", "Times-Roman"), "Helvetica": ("Helvetica-Bold", "Helvetica"),
         "Courier": ("Courier-Bold", "Courier")}


def _pdf(header: list[Row], body: list[Row], size: float, family: str) -> bytes:
    """A one-page PDF: a title, then each word at its x0 and top (A4, points)."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(42, A4[1] - 60, "Payment advice - Umbrella Retail Group")
    canvas.setFont("Helvetica", size)
    canvas.drawString(42, A4[1] - 100, "Payment no.: ZL00013599")
    for rows, font in zip((header, body), FONTS[family], strict=True):
        canvas.setFont(font, size)
        for top, words in rows:
            for x, text in words:
                canvas.drawString(x, A4[1] - top - size, text)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _lines(header: list[Row], body: list[Row], size: float = 9, family: str = "Times"
           ) -> list[tuple[str, Decimal]]:
    remittances = extract_pdf(_pdf(header, body, size, family), "t.pdf", templates=(),
                              known=())
    return [(line.invoice_ref, line.paid_amount) for r in remittances for line in r.lines]


def _rows(top: float, step: float, values: list[list[tuple[float, str]]]) -> list[Row]:
    return [(top + n * step, words) for n, words in enumerate(values)]


def test_a_lower_header_phrase_under_three_labels_is_cut_into_their_english_halves():
    header = [
        (179, [(44, "Bestellnr."), (97, "Rechnungsnr."), (159, "Belegdatum"),
               (215, "Rechnungsbetrag"), (292, "Skonto"), (322, "/"), (357, "Netto"),
               (380, "/")]),
        (190, [(44, "/"), (49, "PO"), (64, "no."), (97, "/"), (102, "Invoice"), (159, "/"),
               (164, "Date"), (246, "/"), (251, "Amount"), (290, "Discount"), (332, "Amount"),
               (366, "paid")]),
    ]
    body = _rows(209, 14, [
        [(44, "4500365258"), (97, "004399/26"), (159, "2026-06-09"), (251, "1.279,23"),
         (304, "38,38"), (352, "1.240,85")],
        [(44, "4500030792"), (97, "004405/26"), (159, "2026-04-27"), (262, "99,77"),
         (309, "2,99"), (363, "96,78")],
        [(44, "4500070322"), (97, "004433/26"), (159, "2026-06-26"), (262, "77,09"),
         (309, "2,31"), (363, "74,78")],
    ]) + [(255, [(44, "Gesamt"), (352, "1.412,41")])]
    assert _lines(header, body) == [("004399/26", Decimal("1240.85")),
                                    ("004405/26", Decimal("96.78")),
                                    ("004433/26", Decimal("74.78"))]


def test_upper_case_labels_set_close_with_a_trailing_slash_are_cut_by_the_values():
    """``PROTOCOLLO`` (the payer's registration number) and ``VS. RIFERIMENTO`` (our
    invoice) run together on the first line: our invoice is read, not the protocol."""
    header = [
        (179, [(44, "PROTOCOLLO"), (120, "VS."), (137, "RIFERIMENTO"), (214, "DATA"),
               (243, "FATTURA"), (292, "/"), (318, "PAGATO"), (367, "IMPORTO"),
               (416, "FATTURA"), (471, "ABBUONO"), (522, "/")]),
        (190, [(44, "/"), (49, "VOUCHER"), (120, "/"), (125, "INVOICE"), (214, "INVOICE"),
               (258, "DATE"), (331, "/"), (336, "PAID"), (413, "/"), (418, "AMOUNT"),
               (474, "DISCOUNT")]),
    ]
    body = _rows(210, 14.5, [
        [(44, "000094038"), (120, "1800005979"), (214, "18-11-25"), (304, "EUR"),
         (326, "2.208,76"), (407, "EUR"), (428, "2.208,76")],
        [(44, "000036589"), (120, "1800005991"), (214, "11-12-25"), (311, "EUR"),
         (333, "519,44"), (414, "EUR"), (436, "597,06"), (500, "77,62")],
        [(44, "000028101"), (120, "1800006000"), (214, "14-12-25"), (304, "EUR"),
         (326, "1.964,02"), (407, "EUR"), (428, "1.964,02")],
    ])
    assert _lines(header, body, size=9.5) == [("1800005979", Decimal("2208.76")),
                                              ("1800005991", Decimal("519.44")),
                                              ("1800006000", Decimal("1964.02"))]


def test_a_slash_between_labels_of_two_fields_ends_the_first_label():
    """``Netto / Factuurbedrag``: ``Netto /`` over the paid amounts (``Amount paid`` under
    it), ``Factuurbedrag`` over the invoice amounts (``/ Amount`` under it)."""
    header = [
        (178, [(44, "Order"), (71, "/"), (102, "Factuurnr."), (149, "/"), (192, "Netto"),
               (217, "/"), (228, "Factuurbedrag"), (299, "Betalingskorting")]),
        (189, [(44, "PO"), (60, "no."), (102, "Invoice"), (136, "no."), (165, "Amount"),
               (202, "paid"), (252, "/"), (257, "Amount"), (326, "/"), (332, "Discount")]),
    ]
    body = _rows(208, 14, [
        [(44, "4500091505"), (102, "2026-007691"), (193, "661,66"), (264, "675,16"),
         (348, "13,50")],
        [(44, "4500171011"), (102, "2026-007694"), (185, "4.512,85"), (256, "4.512,85"),
         (367, "-")],
        [(44, "4500213247"), (102, "2026-007698"), (193, "431,98"), (264, "431,98"),
         (367, "-")],
    ]) + [(254, [(44, "Totaal"), (185, "5.606,49")])]
    assert _lines(header, body, family="Helvetica") == [("2026-007691", Decimal("661.66")),
                                    ("2026-007694", Decimal("4512.85")),
                                    ("2026-007698", Decimal("431.98"))]


def test_a_slash_between_our_invoice_and_the_payers_voucher_ends_the_first_label():
    """``Vs. fattura / N. registrazione``: our invoice (``Invoice no.`` under it) and the
    payer's registration number (``/ Voucher`` under it), not one label of both."""
    header = [  # the words of a cell set as one text, as a line printer spaces them
        (179, [(44, "Vs. fattura / N. registrazione"), (227, "Importo fattura"),
               (326, "Sconto /"), (403, "Netto"), (439, "Saldo residuo")]),
        (190.5, [(44, "Invoice no."), (126, "/ Voucher"), (267, "/ Amount"), (326, "Discount"),
                 (403, "/ Net"), (462, "/ Balance")]),
    ]
    body = _rows(210, 14.5, [
        [(44, "RG-2026-08622"), (127, "000068851"), (267, "2'792.93"), (349, "0.00"),
         (386, "2'792.93"), (491, "0.00")],
        [(44, "RG-2026-08633"), (127, "000062883"), (284, "89.61"), (349, "0.00"),
         (403, "89.61"), (491, "0.00")],
        [(44, "RG-2026-08636"), (127, "000028429"), (262, "15'919.38"), (349, "0.00"),
         (380, "15'919.38"), (491, "0.00")],
        [(44, "RG-2026-08647"), (127, "000006620"), (279, "688.56"), (349, "0.00"),
         (397, "688.56"), (491, "0.00")],
        [(44, "RG-2026-08651"), (127, "000051957"), (284, "67.67"), (349, "0.00"),
         (403, "67.67"), (491, "0.00")],
        [(44, "RG-2026-08654"), (127, "000077763"), (267, "4'135.61"), (349, "0.00"),
         (386, "4'135.61"), (491, "0.00")],
        [(44, "RG-2026-08668"), (127, "000007731"), (267, "2'385.84"), (349, "0.00"),
         (386, "1'908.67"), (479, "477.17")],
    ]) + [(314, [(44, "Totale"), (380, "25'602.43")])]
    assert _lines(header, body, size=9.5, family="Courier") == [
        ("RG-2026-08622", Decimal("2792.93")), ("RG-2026-08633", Decimal("89.61")),
        ("RG-2026-08636", Decimal("15919.38")), ("RG-2026-08647", Decimal("688.56")),
        ("RG-2026-08651", Decimal("67.67")), ("RG-2026-08654", Decimal("4135.61")),
        ("RG-2026-08668", Decimal("1908.67"))]


def test_of_two_equally_named_readings_the_one_without_overlapping_columns_wins():
    """``ABBUONO /`` and ``TRATTENUTA`` over ``DISCOUNT`` and ``/ DEDUCTION``: one row
    only has a deduction, so the value columns show none; the header cut by its lower
    line keeps the deduction column apart, and that row is read."""
    header = [
        (130, [(44, "VS."), (60.9, "RIFERIMENTO"), (138, "SCADENZA"), (192.6, "/"),
               (205.3, "IMPORTO"), (254.1, "LORDO"), (297, "ABBUONO"), (347.3, "/"),
               (358, "TRATTENUTA"), (434.3, "NETTO")]),
        (141.5, [(43.9, "/"), (49, "INVOICE"), (93.1, "NO."), (138, "DUE"), (160.5, "DATE"),
                 (240.6, "/"), (245.7, "AMOUNT"), (299.9, "DISCOUNT"), (360.9, "/"),
                 (365.9, "DEDUCTION"), (443, "/"), (448.1, "NET")]),
    ]
    body = _rows(161, 14.5, [
        [(44, "V26002131"), (138, "07-06-26"), (262.8, "174,22"), (441.5, "174,22")],
        [(44, "V26002132"), (138, "30-04-26"), (253.3, "43757,70"), (319.1, "1312,73"),
         (432, "42444,97")],
        [(44, "V26002141"), (138, "20-05-26"), (263, "895,31"), (329, "26,86"),
         (441.5, "868,45")],
        [(44, "V26002199"), (138, "10-04-26"), (263, "721,21"), (329, "14,42"),
         (398, "100,97"), (441.5, "605,82")],
    ]) + [(220, [(44, "Totale"), (432, "44093,46")])]
    assert _lines(header, body, size=9.5) == [
        ("V26002131", Decimal("174.22")), ("V26002132", Decimal("42444.97")),
        ("V26002141", Decimal("868.45")), ("V26002199", Decimal("605.82"))]


@pytest.mark.parametrize("label", ["Nuestra ref.", "Nuestra referencia", "Nostra rif.",
                                   "Nuestras facturas", "Nostra fattura"])
def test_the_payers_own_reference_in_the_feminine_is_the_payers(label):
    assert field_for_header(label) == "invoice_ref"
    assert reference_rank(label) == 0


@pytest.mark.parametrize("label", ["Vostra fattura", "Vuestra factura", "Vuestro documento"])
def test_your_reference_in_the_feminine_is_ours(label):
    assert field_for_header(label) == "invoice_ref"
    assert reference_rank(label) == 3
