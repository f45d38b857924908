"""Properties of the harder generated corpus (tests/remittance/layouts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.remittance.locale import read_date
from bots.remittance.values import parse_amount
from tests.remittance.layouts import FAMILIES, STYLES, make_advice
from tests.remittance.layouts.printing import DATE_FORMATS, LOCALES, SWISS, NumberStyle, day, money
from tests.remittance.layouts.vocab import LANGUAGES

_STYLES = sorted({s for styles, _ in LOCALES.values() for s in styles} | {SWISS},
                 key=repr) + [NumberStyle(negative="cr"), NumberStyle(".", ",", "parens")]


def test_families_cover_six_languages_and_split_before_results() -> None:
    assert len(FAMILIES) >= 30
    assert {f.lang for f in FAMILIES} == set(LANGUAGES)
    held = [f for f in FAMILIES if f.held_out]
    assert len(held) == 12
    assert {f.style for f in held} == set(STYLES) and {f.lang for f in held} == set(LANGUAGES)


@settings(max_examples=40, deadline=None)
@given(family=st.sampled_from(FAMILIES), index=st.integers(0, 500))
def test_any_advice_lines_sum_to_its_total(family, index) -> None:
    advice = make_advice(family, index)
    truth = advice.truth
    assert truth.lines and truth.total == sum(line.paid_amount for line in truth.lines)
    assert advice.pdf.startswith(b"%PDF") and advice.pages >= 1
    refs = [line.invoice_ref for line in truth.lines]
    assert len(set(refs)) == len(refs)
    assert set(refs) <= {ref for ref, _ in advice.open_items}


@given(cents=st.integers(-10**11, 10**11), style=st.sampled_from(_STYLES))
def test_printed_amounts_read_back_with_their_decimal_mark(cents, style) -> None:
    amount = Decimal(cents) / 100
    assert parse_amount(money(amount, style), style.mark) == amount


@given(when=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
       form=st.sampled_from(DATE_FORMATS), lang=st.sampled_from(LANGUAGES))
def test_printed_dates_read_back_in_their_locale(when, form, lang) -> None:
    assert read_date(day(when, form, lang), day_first=form.startswith("d")) == when


def test_same_seed_same_bytes() -> None:
    family = FAMILIES[13]
    assert make_advice(family, 3).pdf == make_advice(family, 3).pdf
    assert make_advice(family, 3).pdf != make_advice(family, 4).pdf


def test_long_advices_break_pages() -> None:
    family = next(f for f in FAMILIES if f.style == "long")
    assert any(make_advice(family, i).pages > 1 for i in range(5))
    assert date(2026, 4, 1) + timedelta(days=50) >= make_advice(family, 0).truth.payment_date
