"""Properties of the second, blind layout corpus (``tests/remittance/layouts2``).

The corpus is a measuring instrument: these tests check the instrument (same
seed, same bytes; truth that adds up; every document readable and carrying
what its truth says), never the reader it measures.
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import pdfplumber
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.remittance.layouts2 import FAMILIES, LANGS, TEMPLATES, advices, make_advice
from tests.remittance.layouts2.formats import Money

families = st.sampled_from(FAMILIES)
indexes = st.integers(0, 400)
seeds = st.integers(0, 10_000)


def test_the_split_is_the_documented_rule() -> None:
    held = [f for f in FAMILIES if f.held_out]
    assert len(FAMILIES) == 36 and len(held) == 12
    assert Counter(f.template for f in held) == {t: 2 for t in TEMPLATES}
    assert Counter(f.lang for f in held) == {lang: 2 for lang in LANGS}
    assert {f.name for f in held} == {
        "avis-fr", "avis-it", "erp-en", "erp-nl", "stub-de", "stub-es",
        "portal-fr", "portal-it", "ledger-en", "ledger-nl", "bank-de", "bank-es"}


@settings(max_examples=25)
@given(family=families, index=indexes, seed=seeds)
def test_same_seed_same_document(family, index, seed) -> None:
    first, again = make_advice(family, index, seed), make_advice(family, index, seed)
    assert first.pdf == again.pdf
    assert first.truth == again.truth
    assert first.open_items == again.open_items


@settings(max_examples=60)
@given(family=families, index=indexes, seed=seeds)
def test_truth_adds_up(family, index, seed) -> None:
    advice = make_advice(family, index, seed)
    truth = advice.truth
    assert truth.lines, "an advice pays at least one invoice"
    assert sum(line.paid_amount for line in truth.lines) == truth.total > 0
    assert all(line.paid_amount == line.paid_amount.quantize(Decimal("0.01"))
               for line in truth.lines)
    refs = [line.invoice_ref for line in truth.lines]
    assert len(set(refs)) == len(refs)
    assert truth.currency in ("EUR", "USD", "GBP", "CAD", "CHF")
    assert truth.payment_date is not None and truth.payment_ref
    known = {ref for ref, _ in advice.open_items}
    assert set(refs) <= known and len(advice.open_items) == 2 * len(refs)


@settings(max_examples=30)
@given(family=families, index=indexes, seed=seeds)
def test_every_document_is_readable_and_prints_its_truth(family, index, seed) -> None:
    assert make_advice(family, index, seed).unprinted_truth() == []


def test_long_advices_run_over_pages_and_repeat_their_header() -> None:
    ledger = next(f for f in FAMILIES if f.name == "ledger-de")
    long = [a for a in advices(ledger, 6) if a.pages > 1]
    assert long, "some ledger advices run over more than one page"
    for advice in long:
        with pdfplumber.open(io.BytesIO(advice.pdf)) as pdf:
            firsts = [(page.extract_text() or "") for page in pdf.pages]
        assert all(advice.truth.payer_name in page for page in firsts)


@given(cents=st.integers(-10**9, 10**9),
       style=st.sampled_from([("", "."), (",", "."), (".", ","), (" ", ","), ("'", ".")]),
       negative=st.sampled_from(["lead", "trail", "paren", "cr"]))
def test_money_prints_the_amount_it_was_given(cents, style, negative) -> None:
    amount = Decimal(cents) / 100
    text = Money(style[0], style[1], negative)(amount)
    sign = -1 if text.startswith(("-", "(")) or text.endswith(("-", " CR")) else 1
    digits = text.strip("-()").removesuffix(" CR")
    if style[0]:
        digits = digits.replace(style[0], "")
    assert sign * Decimal(digits.replace(style[1], ".")) == amount
