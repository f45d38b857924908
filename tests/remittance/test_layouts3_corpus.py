"""Properties of the third, blind layout corpus (``tests/remittance/layouts3``).

These tests check the measuring instrument (same seed, same bytes; truth that
adds up and is printed; the documented split; held-out words unseen by the
tune files), never the reader it measures.
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import pdfplumber
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.remittance.layouts3 import (
    FAMILIES,
    LANGS,
    TEMPLATES,
    advices,
    heldout_words,
    make_advice,
    words,
)
from tests.remittance.layouts3.formats import Money
from tests.remittance.layouts3.templates import english_words

families = st.sampled_from(FAMILIES)
indexes = st.integers(0, 500)
seeds = st.integers(0, 10_000)


def test_the_split_is_the_documented_rule() -> None:
    held = [f for f in FAMILIES if f.held_out]
    assert len(FAMILIES) == 36 and len(held) == 12
    assert {f.lang for f in FAMILIES} == set(LANGS) == {"en", "de", "fr", "nl", "es", "it"}
    assert Counter(f.template for f in held) == {t: 2 for t in TEMPLATES}
    assert Counter(f.lang for f in held) == {lang: 2 for lang in LANGS}
    assert {f.name for f in held} == {
        "printer-en", "printer-nl", "statement-de", "statement-es", "portal-fr", "portal-it",
        "credit-en", "credit-nl", "multipage-de", "multipage-es", "cheque-fr", "cheque-it"}


def test_held_out_labels_are_not_in_the_tune_words() -> None:
    for lang in LANGS:
        tune, held = words.VOCAB[lang], heldout_words.VOCAB[lang]
        assert tune.keys() == held.keys()
        for group in ("cols", "fields"):
            for role, labels in held[group].items():  # type: ignore[attr-defined]
                assert not set(labels) & set(tune[group][role]), (lang, role)  # type: ignore[index]


def test_every_family_renders() -> None:
    for family in FAMILIES:
        (advice,) = advices(family, 1, seed=3)
        assert advice.pdf.startswith(b"%PDF") and advice.family is family
        assert advice.name == f"{family.name}-000"


@settings(max_examples=20, deadline=None)
@given(family=families, index=indexes, seed=seeds)
def test_same_seed_same_document(family, index, seed) -> None:
    first, again = make_advice(family, index, seed), make_advice(family, index, seed)
    assert first.pdf == again.pdf
    assert first.truth == again.truth and first.open_items == again.open_items


@settings(max_examples=60, deadline=None)
@given(family=families, index=indexes, seed=seeds)
def test_truth_adds_up(family, index, seed) -> None:
    advice = make_advice(family, index, seed)
    truth = advice.truth
    assert truth.lines
    assert sum(line.paid_amount for line in truth.lines) == truth.total > 0
    refs = [line.invoice_ref for line in truth.lines]
    assert len(set(refs)) == len(refs)
    assert truth.currency in ("EUR", "USD", "GBP", "CAD", "CHF")
    assert truth.payment_date is not None and truth.payment_ref and truth.payer_name
    assert set(refs) <= {ref for ref, _ in advice.open_items}
    assert len(advice.open_items) == 2 * len(refs)


@settings(max_examples=36, deadline=None)
@given(family=families, index=indexes, seed=seeds)
def test_every_document_prints_its_truth(family, index, seed) -> None:
    assert make_advice(family, index, seed).unprinted_truth() == []


def test_long_advices_run_over_pages() -> None:
    family = next(f for f in FAMILIES if f.name == "multipage-en")
    long = [a for a in advices(family, 4) if a.pages > 1]
    assert long
    for advice in long:
        with pdfplumber.open(io.BytesIO(advice.pdf)) as pdf:
            assert all(advice.truth.payer_name in (page.extract_text() or "")
                       for page in pdf.pages)


@given(cents=st.integers(-10**10, 10**10),
       style=st.sampled_from([("", "."), (",", "."), (".", ","), (" ", ","), ("'", ".")]),
       sign=st.sampled_from(["minus", "trailing", "parens", "cr", "dr"]))
def test_money_prints_the_amount_it_was_given(cents, style, sign) -> None:
    amount = Decimal(cents) / 100
    text = Money(style[0], style[1], sign)(amount)
    negative = text.startswith(("-", "(")) or text.endswith(("-", " CR", "DR"))
    digits = text.strip("-()").removesuffix(" CR").removesuffix("DR").replace(style[0] or "~", "")
    assert (-1 if negative else 1) * Decimal(digits.replace(style[1], ".")) == amount


def test_cheque_words() -> None:
    assert english_words(0) == "ZERO"
    assert english_words(1_234_017) == "ONE MILLION TWO HUNDRED THIRTY-FOUR THOUSAND SEVENTEEN"
    assert english_words(900) == "NINE HUNDRED"
