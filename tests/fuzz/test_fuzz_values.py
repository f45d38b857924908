"""Properties of the value parsers every reader uses (hypothesis).

Whatever text a payer prints, :mod:`bots.remittance.values` gives a Decimal the
interchange can carry, or says plainly that it cannot: ``ValueError`` (not an
amount) or ``AmountOutOfRange`` (an amount, but one the spec forbids). Nothing
else escapes, and nothing out of range is ever returned as a rounded guess.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bots.domain import format_amount
from bots.interchange import FieldError, field_amount
from bots.remittance.values import (
    INVISIBLE,
    MAX_DIGITS,
    AmountOutOfRange,
    check_amount,
    clean_text,
    collecting_notes,
    parse_amount,
    parse_plain_amount,
    probe_amount,
    try_amount,
    try_date,
)

FAST = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
CURRENCIES = st.sampled_from(["USD", "EUR", "JPY", "KWD", "CHF"])
AMOUNT_ALPHABET = st.sampled_from(list("0123456789.,-+()eE $€'") + ["\u2212", "\u00a0", "١",
                                                                     "５", "CR", "NaN", "inf"])
amount_texts = st.one_of(st.text(max_size=40), st.lists(AMOUNT_ALPHABET, max_size=30).map(
    "".join))


def _digits(value: Decimal) -> int:
    return len(value.as_tuple().digits)


@FAST
@given(amount_texts, st.sampled_from([None, ".", ","]))
@example("1e309", None)
@example("1" * 30, None)
@example("NaN", None)
@example("-Infinity", None)
@example("١٢٣.٤٥", None)
def test_parse_amount_returns_a_carriable_decimal_or_says_why(text, mark):
    try:
        value = parse_amount(text, mark)
    except AmountOutOfRange as exc:
        assert exc.code == "out-of-range" and exc.reason.startswith("amount out of range")
        return
    except ValueError:
        return
    assert value.is_finite() and _digits(value) <= MAX_DIGITS


@FAST
@given(st.decimals(allow_nan=False, allow_infinity=False, places=2,
                   min_value=Decimal("-9999999999999999.99"),
                   max_value=Decimal("9999999999999999.99")),
       st.sampled_from(["us", "eu", "ch", "plain", "paren"]))
def test_printed_amounts_read_back_exactly(value, style):
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = f"{int(whole):,}"
    printed = {"us": f"{groups}.{cents}", "eu": f"{groups.replace(',', '.')},{cents}",
               "ch": f"{groups.replace(',', chr(39))}.{cents}", "plain": f"{whole}.{cents}",
               "paren": f"({groups}.{cents})"}[style]
    negative = value < 0 or (style == "paren" and value != 0)
    if value < 0 and style != "paren":
        printed = "-" + printed
    expected = -abs(value) if negative else abs(value)
    assert parse_amount(printed) == expected


@FAST
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=-400, max_value=400),
       st.sampled_from(["e", "E", "e+", "E-", " e "]))
def test_exponent_notation_is_always_out_of_range(mantissa, power, marker):
    text = f"{mantissa}{marker}{abs(power)}"
    with pytest.raises(AmountOutOfRange):
        parse_amount(text)
    with pytest.raises(AmountOutOfRange):
        parse_plain_amount(text)
    assert probe_amount(text) is None


@FAST
@given(st.text(alphabet="0123456789", min_size=MAX_DIGITS + 1, max_size=60))
def test_more_than_18_digits_is_out_of_range(digits):
    if digits.lstrip("0") and len(digits.lstrip("0")) > MAX_DIGITS:
        with pytest.raises(AmountOutOfRange):
            try_amount(digits)
        with pytest.raises(AmountOutOfRange):
            parse_plain_amount(digits)


@FAST
@given(st.text(max_size=40))
def test_parse_plain_amount_only_value_or_value_error(text):
    try:
        value = parse_plain_amount(text)
    except ValueError:
        return
    except AmountOutOfRange:
        return
    assert value.is_finite() and _digits(value) <= MAX_DIGITS


@FAST
@given(st.decimals(allow_nan=True, allow_infinity=True), CURRENCIES)
@example(Decimal("1E+309"), "USD")
@example(Decimal("1234.00"), "JPY")
@example(Decimal("12.345"), "USD")
def test_check_amount_accepts_only_what_formats_within_18_digits(value, currency):
    try:
        check_amount(value, currency)
    except AmountOutOfRange:
        return
    written = format_amount(value, currency)  # never raises InvalidOperation once checked
    assert sum(c.isdigit() for c in written) <= MAX_DIGITS
    assert Decimal(written) == value  # nothing rounded away


@FAST
@given(st.text(max_size=30), st.booleans())
@example("2026-02-30", False)
@example("31.04.2026", True)
@example("20261399", False)
def test_try_date_is_a_date_or_none_and_notes_impossible_ones(text, day_first):
    with collecting_notes() as notes:
        found = try_date(text, day_first)
    assert found is None or isinstance(found, date)
    assert found is None or not notes
    assert all(note.startswith("impossible date") for note in notes)


@pytest.mark.parametrize("text", ["2026-02-30", "31.04.2026", "02/30/2026", "2026-02-29"])
def test_impossible_dates_are_noted(text):
    with collecting_notes() as notes:
        assert try_date(text) is None
    assert notes == [f"impossible date {text!r} ignored"]


@FAST
@given(st.text(alphabet=st.sampled_from(sorted(INVISIBLE) + list("INV-0123 abc")),
               max_size=30))
def test_clean_text_removes_every_invisible_character_once(text):
    cleaned, changed = clean_text(text)
    assert not set(cleaned) & INVISIBLE
    assert changed == (cleaned != text)
    assert clean_text(cleaned) == (cleaned, False)


@FAST
@given(st.one_of(amount_texts, st.floats(), st.integers(), st.none()), CURRENCIES)
@example("1e309", "USD")
@example("1" * 19, "USD")
def test_interchange_amounts_only_field_errors(value, currency):
    try:
        amount = field_amount(value, "amount", currency)
    except FieldError:
        return
    assert amount.is_finite() and _digits(amount) <= MAX_DIGITS
