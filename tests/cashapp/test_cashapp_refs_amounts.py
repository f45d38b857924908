"""Reference normalisation, amount fits and the subset-sum search."""

from __future__ import annotations

from datetime import date

import pytest
from cashapp_build import item

from bots.cashapp import Policy
from bots.cashapp.amounts import combinations, fit, terms_discount
from bots.cashapp.refs import normalise, ref_key, transpositions
from bots.domain import Treatment


@pytest.mark.parametrize("printed, expected", [
    ("INV-0090012345", "90012345"), ("inv 90012345", "90012345"), ("#90012345", "90012345"),
    ("No. 90012345", "90012345"), ("Nr.: 0090-012-345", "90012345"),
    ("Invoice 90012345", "90012345"), ("  90012345 ", "90012345"), ("A-17/2026", "A172026"),
    ("", ""), ("000", "0"),
])
def test_normalise(printed, expected):
    assert normalise(printed) == expected


def test_ref_key_folds_ocr_confusions():
    assert ref_key("9OO1Z345") == ref_key("90012345") == "90012345"
    assert ref_key("INV-I2SB") == ref_key("1258")
    assert ref_key("O0123") == "123"  # a folded leading O is a leading zero


def test_transpositions():
    assert sorted(transpositions("1223")) == ["1232", "2123"]
    assert "90001083" in set(transpositions("09001083"))  # a swap into the leading zero


class TestFit:
    policy = Policy()

    def fit(self, amount: str, paid: int, discount: int = 0, deduction: int = 0,
            reason: str | None = None, paid_on: date = date(2026, 3, 12), **kw):
        it = item("1", amount, "9001", **kw)
        return fit(it, it.amount_minor, paid, discount, deduction, reason, paid_on,
                   self.policy)

    def test_kinds(self):
        terms = {"pct": "2", "discount_date": date(2026, 3, 10)}
        assert self.fit("100.00", 10000).kind == "full"
        f = self.fit("100.00", 9800, **terms)
        assert (f.kind, f.discount, f.problem) == ("discount", 200, "")
        f = self.fit("100.00", 9800, paid_on=date(2026, 3, 20), **terms)  # too late: unearned
        assert (f.kind, f.discount, f.deduction, f.problem, f.treatment) == (
            "unearned", 0, 200, "", Treatment.RESIDUAL)
        f = self.fit("100.00", 9000, deduction=1000, reason="PRICING")
        assert (f.kind, f.treatment, f.reason_key) == ("deduction", Treatment.RESIDUAL, "PRICING")
        f = self.fit("100.00", 9990)
        assert (f.kind, f.writeoff, f.agrees, f.treatment) == ("writeoff", 10, True,
                                                               Treatment.WRITE_OFF)
        f = self.fit("100.00", 5000)
        assert (f.kind, f.open_rest, f.agrees, f.problem, f.treatment) == (
            "partial", 5000, False, "", Treatment.PARTIAL)
        f = self.fit("100.00", 10500)
        assert (f.kind, f.applied, f.on_account) == ("overpay", 10000, 500)
        assert self.fit("-50.00", -5000).kind == "full"

    def test_writeoff_is_bounded_by_percent_too(self):
        # 0.5% of 10.00 is 0.05: a 0.10 difference is not written off
        assert self.fit("10.00", 990).kind == "partial"

    def test_terms_discount_rounds_half_up(self):
        assert terms_discount(item("1", "10.25", pct="2"), 1025) == 21


class TestCombinations:
    def test_unique(self):
        found, finished = combinations([500, 300, 120, 77], 377, 4, 1000)
        assert (found, finished) == ([(1, 3)], True)

    def test_ambiguous_stops_at_two(self):
        found, _ = combinations([100, 60, 40, 25, 75], 100, 4, 1000)
        assert len(found) == 2

    def test_negative_values(self):
        assert combinations([1000, -200, 333], 800, 4, 1000) == ([(0, 1)], True)

    def test_budget_refuses_to_claim_uniqueness(self):
        assert combinations(list(range(1, 200)), 100_000, 8, 1000) == ([], False)

    def test_size_limit(self):
        assert combinations([1, 2, 4, 8, 16], 31, 4, 1000) == ([], True)
        assert combinations([1, 2, 4, 8, 16], 31, 5, 1000) == ([(0, 1, 2, 3, 4)], True)
