"""The generated prose letters (tests/remittance/letters_corpus) and the reader on them."""

from __future__ import annotations

from decimal import Decimal
from email import message_from_bytes

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.remittance import extract
from tests.remittance.letters_corpus import FAMILIES, PHRASINGS, letters, make_letter
from tests.remittance.letters_corpus.vocab import LANGUAGES
from tests.remittance.pdf_corpus import line_f1


def test_families_cover_twelve_phrasings_in_six_languages_split_up_front() -> None:
    assert len(PHRASINGS) >= 12 and len(FAMILIES) == len(PHRASINGS) * len(LANGUAGES)
    held = [f for f in FAMILIES if f.held_out]
    assert len(held) == 24
    assert {f.phrasing for f in held} == set(PHRASINGS)
    assert {f.lang for f in held} == set(LANGUAGES)


@settings(max_examples=40, deadline=None)
@given(family=st.sampled_from(FAMILIES), index=st.integers(0, 500))
def test_any_letter_is_a_mail_whose_truth_adds_up(family, index) -> None:  # type: ignore[no-untyped-def]
    letter = make_letter(family, index)
    truth = letter.truth
    paid = sum((line.paid_amount for line in truth.lines), Decimal(0))
    assert truth.lines and (truth.total is None or truth.total == paid)
    refs = [line.invoice_ref for line in truth.lines]
    assert len(set(refs)) == len(refs) and set(refs) == {ref for ref, _ in letter.open_items}
    for line in truth.lines:
        assert line.paid_amount == (line.gross_amount or 0) - line.discount - line.deduction
    message = message_from_bytes(letter.eml)
    assert message["From"] and message.get_content_type() in ("text/plain", "text/html")
    assert make_letter(family, index).eml == letter.eml  # deterministic


@settings(max_examples=30, deadline=None)
@given(family=st.sampled_from([f for f in FAMILIES if not f.held_out]),
       index=st.integers(0, 500))
def test_tune_letters_read_back_as_their_truth(family, index) -> None:  # type: ignore[no-untyped-def]
    letter = make_letter(family, index)
    result = extract(letter.eml, letter.name + ".eml")
    assert not result.failures
    (got,) = result.remittances
    assert [(x.invoice_ref, x.paid_amount) for x in got.lines] == [
        (x.invoice_ref, x.paid_amount) for x in letter.truth.lines]
    assert got.payer_name == letter.truth.payer_name and got.currency == letter.truth.currency
    assert got.total == letter.truth.total or letter.truth.total is None


def test_tune_families_line_f1() -> None:
    pairs = []
    for family in FAMILIES:
        if family.held_out:
            continue
        for letter in letters(family, count=5):
            found = extract(letter.eml, letter.name + ".eml").remittances
            pairs.append((found[0] if found else None, letter.truth))
    assert line_f1(pairs) >= 0.98
