"""Header fields under labels no list names: the label grammar, value shapes, dates in words.

Issue 9 items 2 and 3: a payer's system prints its own labels
(``Überweisungsdatum``, ``Remittance total``, ``Cód. proveedor``); the reader
understands them from the words they are made of
(:mod:`bots.remittance.label_grammar`), takes a value only when it has the
field's shape, and reads dates in words as real advices print them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bots.remittance.label_grammar import field_of_label
from bots.remittance.locale import decide_day_first, read_date
from bots.remittance.pdf_fields import is_number, read_header
from bots.remittance.pdf_layout import lines_of
from bots.remittance.pdf_words import Word

SIZE = 9.0


def _page(*rows: list[tuple[float, str]]):
    """Lines from rows of (x, text) chunks; words 2.5 pt apart inside a chunk."""
    words = []
    for n, chunks in enumerate(rows):
        top = 50 + 14 * n
        for x, text in chunks:
            for word in text.split():
                width = 0.5 * SIZE * len(word)
                words.append(Word(word, x, x + width, top, top + SIZE))
                x += width + 2.5
    return lines_of([words])


@pytest.mark.parametrize(("label", "field"), [
    # dates: a date word, with or without a payment word (compounds included)
    ("Überweisungsdatum", "payment_date"), ("Buchungstag", "payment_date"),
    ("Date du virement", "payment_date"), ("Uitvoeringsdatum", "payment_date"),
    ("Fecha de abono", "payment_date"), ("Data accredito", "payment_date"),
    ("Remittance date", "payment_date"), ("Zahltag", "payment_date"),
    # payment numbers: a payment word and an identifier word
    ("Zahllauf-Nr.", "payment_ref"), ("Avisnummer", "payment_ref"),
    ("Réf. virement", "payment_ref"), ("Betaalopdracht", "payment_ref"),
    ("Nº de remesa", "payment_ref"), ("N. distinta", "payment_ref"),
    ("Transaction ID", "payment_ref"), ("Batch number", "payment_ref"),
    # the payer's number for us, or ours for the payer
    ("Kreditorennummer", "payer_account"), ("Ihre Lieferantennr. bei uns", "payer_account"),
    ("Compte fournisseur", "payer_account"), ("Relatienummer", "payer_account"),
    ("Cód. proveedor", "payer_account"), ("Codice fornitore", "payer_account"),
    ("Vendor ID", "payer_account"), ("Kundennummer", "payer_account"),
    # the amount of the payment
    ("Remittance total", "total"), ("Auszahlungsbetrag", "total"),
    ("Montant du paiement", "total"), ("Bedrag betaling", "total"),
    ("Importe pagado", "total"), ("Importo pagato", "total"), ("Betrag", "total"),
    ("Betrag EUR", "total"), ("Amount paid USD", "total"),
])
def test_a_label_is_read_from_its_words(label: str, field: str) -> None:
    found = field_of_label(label)
    assert found is not None and found[0] == field


@pytest.mark.parametrize("label", [
    "Rechnungsdatum", "Due date", "Fecha de vencimiento", "Data scadenza", "IBAN",
    "Zahlungsempfänger", "Payer name", "Skonto", "Seite", "Bestellnummer",
    "Factuurnummer", "Kontonummer", "Suministros Ruiz S.L.", "Invoice amount",
    "Lieferdatum", "Payment currency",
])
def test_labels_of_other_things_name_no_payment_field(label: str) -> None:
    assert field_of_label(label) is None


def test_a_label_naming_the_payment_wins_over_a_bare_date() -> None:
    header = read_header(_page([(50, "Date: 2026-04-01")],
                               [(50, "Remittance date: 2026-04-03")]))
    assert header.payment_date == date(2026, 4, 3)


def test_unlisted_labels_with_a_colon_across_a_gap_and_stacked() -> None:
    header = read_header(_page(
        [(50, "Überweisungsdatum: 07.04.2026"), (300, "Zahllauf-Nr."), (400, "0000072850")],
        [(50, "Kreditorennummer"), (200, "Summe Zahlung")],
        [(50, "V19340"), (200, "47.615,39 EUR")]), day_first=True, decimal=",")
    assert (header.payment_date, header.payment_ref, header.payer_account) == (
        date(2026, 4, 7), "0000072850", "V19340")
    assert (header.total, header.currency) == (Decimal("47615.39"), "EUR")


def test_a_number_field_takes_no_date_amount_or_iban() -> None:
    assert not is_number("24.07.2026") and not is_number("10.479,83")
    assert not is_number("DE44 5001 0517 5407 3249 31")
    assert is_number("2026-30806") and is_number("20260424") and is_number("K-04023")
    assert is_number("ACH 000123987") and not is_number("codes 474, 475 and 395. Number")
    header = read_header(_page([(50, "Account No.: DE44 5001 0517 5407 3249 31")],
                               [(50, "Vendor No.: K-51549")]))
    assert header.payer_account == "K-51549"


def test_a_letter_dated_by_place_and_date_gives_the_payment_date() -> None:
    letter = _page([(50, "Acme GmbH")], [(300, "Hamburg, 24. April 2026")],
                   [(50, "Zahlungsavis")])
    assert read_header(letter, day_first=True).payment_date == date(2026, 4, 24)
    two_dates = _page([(300, "24.04.2026")], [(300, "01.05.2026")])
    assert read_header(two_dates, day_first=True).payment_date is None  # which one?
    labelled = _page([(50, "Fälligkeit:"), (200, "24.04.2026")])
    assert read_header(labelled, day_first=True).payment_date is None  # another label's


@pytest.mark.parametrize(("text", "day"), [
    ("Freitag, den 24. April 2026", date(2026, 4, 24)),
    ("le 1er avril 2026", date(2026, 4, 1)),
    ("Monday, April 24th, 2026", date(2026, 4, 24)),
    ("the 3rd of May 2026", date(2026, 5, 3)),
    ("1º de abril de 2026", date(2026, 4, 1)),
    ("Lunes, 24 de abril de 2026", date(2026, 4, 24)),
    ("giovedì 24 aprile 2026", date(2026, 4, 24)),
    ("24 mrt. 2026", date(2026, 3, 24)),
    ("24/Apr/2026", date(2026, 4, 24)),
    ("Apr-24-2026", date(2026, 4, 24)),
])
def test_dates_in_words_with_weekdays_articles_and_ordinals(text: str, day: date) -> None:
    assert read_date(text, day_first=True) == day


def test_an_english_advice_in_pounds_or_euros_writes_the_day_first() -> None:
    assert decide_day_first(["04/05/26"], "en", "GBP") == (True, False)
    assert decide_day_first(["04/05/26"], "en", "EUR") == (True, False)
    assert decide_day_first(["04/05/26"], "en", "USD") == (False, False)
    assert decide_day_first(["04/05/26", "13/05/26"], "en", "USD") == (True, False)


def test_words_that_are_no_date_stay_none() -> None:
    assert read_date("12 Main Street") is None and read_date("Mai 2026") is None


@pytest.mark.slow
def test_header_fields_on_the_tune_families_of_the_blind_corpus() -> None:
    """Tune families only (the held-out ones are measured by the bench, never here)."""
    from bench.extract_heldout import HEADER_FIELDS, header_hits, read
    from tests.remittance.layouts2 import FAMILIES, advices
    hits = [header_hits(read(advice, False), advice.truth)
            for family in FAMILIES if not family.held_out
            for advice in advices(family, 3, 11)]
    rates = {f: sum(h[f] for h in hits) / len(hits) for f in HEADER_FIELDS}
    assert min(rates.values()) >= 0.95, rates
