"""Scoring against the truth (bench/cashapp_quality.py): one small corpus written by hand.

ACME owns four items; each test hands :func:`score` proposal rows as an engine
would and checks the verdict: item, cash and treatment; cash on account; the
false postings that must never happen; recall per unit; the intervals.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from cashapp_build import ACME, CUSTOMERS, item, line, remit

from bench.cashapp_corpus import Corpus, Expected, Never, Posting
from bench.cashapp_quality import (
    band,
    calibration,
    clopper_pearson,
    promise,
    score,
)
from bots.cashapp import MatchResult
from bots.cashapp.engine import MatchStats
from bots.domain import Decision, Proposal, Treatment

A = item("1800000001", "100.00", "1001")
B = item("1800000002", "200.00", "1002")
C = item("1800000003", "50.00", "1003")
D = item("1800000004", "300.00", "1004")
CLEAR, RESIDUAL = frozenset({Treatment.CLEAR}), frozenset({Treatment.RESIDUAL})


def _corpus() -> Corpus:
    r1 = remit("r1", line("1001", "100.00"),
               line("1002", "180.00", deduction="20.00", reason="DAMAGED"))
    r2 = remit("r2", line("1003", "60.00"))
    r2dup = remit("r2-dup", line("1003", "60.00"))
    r3 = remit("r3", line("999", "300.00"))  # an invoice cleared long ago
    r4 = remit("r4", line("1001", "100.00"))  # A paid a second time
    truth = {
        ("r1", 0): Expected("exact", {A.key: Posting(10000, CLEAR)}, payer=ACME.number),
        ("r1", 1): Expected("exact/deduction", {B.key: Posting(18000, RESIDUAL)},
                            payer=ACME.number, reason_class="damaged"),
        ("r2", 0): Expected("exact/overpay", {C.key: Posting(5000, CLEAR)}, on_account=1000,
                            payer=ACME.number),
        ("r2-dup", 0): Expected("duplicate", payer=ACME.number, never=Never.DUPLICATE),
        ("r3", 0): Expected("cleared", payer=ACME.number, never=Never.ALREADY_PAID),
        ("r4", 0): Expected("paid-twice", {A.key: Posting(10000, CLEAR)}, payer=ACME.number,
                            never=Never.ALREADY_PAID),
    }
    return Corpus([A, B, C, D], CUSTOMERS, [r1, r2, r2dup, r3, r4], truth)


def _row(rid: str, index: int | None, it, amount: str, treatment=Treatment.CLEAR,
         decision=Decision.AUTO, rule="exact-ref", confidence=0.99, code="") -> Proposal:
    return Proposal(rid, index, it.customer if it else ACME.number,
                    it.document_no if it else "", "2026" if it else "",
                    "001" if it else "", Decimal(amount), decision, confidence, rule, "why",
                    treatment=treatment, reason_code=code)


def _score(*rows: Proposal):
    result = MatchResult(proposals=list(rows), unmatched=[], on_account=[], stats=MatchStats())
    return score(_corpus(), result)


def _perfect() -> list[Proposal]:
    return [_row("r1", 0, A, "100.00"),
            _row("r1", 1, B, "180.00", Treatment.RESIDUAL, confidence=0.96, code="D01"),
            _row("r2", 0, C, "50.00", confidence=0.94),
            _row("r2", 0, None, "10.00", Treatment.ON_ACCOUNT, rule="on-account")]


def test_the_right_answer_scores_full_marks():
    s = _score(*_perfect())
    assert (s.auto_rows, s.precision, s.recall, s.units_certain) == (3, 1.0, 1.0, 3)
    assert s.on_account_rows == 1 and not s.wrong_on_account_rows and not s.never
    assert s.reason_codes == {("damaged", "D01"): 1}


def test_a_wrong_treatment_is_a_wrong_row_but_not_a_wrong_item():
    rows = _perfect()
    rows[1] = _row("r1", 1, B, "180.00", Treatment.CLEAR, confidence=0.96)
    s = _score(*rows)
    assert (s.wrong_auto_rows, s.wrong_treatment_rows) == (0, 1)
    assert s.precision == pytest.approx(2 / 3) and s.item_precision == 1.0
    assert s.units_auto_right == 2  # the short-paid line is not recalled


@pytest.mark.parametrize("wrong", [
    _row("r1", 1, B, "200.00", Treatment.RESIDUAL),  # cash
    _row("r1", 1, D, "180.00", Treatment.RESIDUAL),  # item
])
def test_wrong_cash_or_item(wrong):
    rows = _perfect()
    rows[1] = wrong
    s = _score(*rows)
    assert s.wrong_auto_rows == 1 and s.units_auto_right == 2 and not s.never


def test_an_overpayment_needs_its_surplus_on_account_and_no_more():
    s = _score(*_perfect()[:3])  # the surplus stays in review
    assert s.precision == 1.0 and s.units_auto_right == 2
    too_much = _row("r2", 0, None, "20.00", Treatment.ON_ACCOUNT, rule="on-account")
    s = _score(*_perfect()[:3], too_much)
    assert s.wrong_on_account_rows == 1 and s.units_auto_right == 2


def test_a_review_row_beside_the_auto_rows_is_not_recalled():
    s = _score(*_perfect(), _row("r1", 0, D, "100.00", decision=Decision.REVIEW))
    assert s.precision == 1.0 and s.units_auto_right == 2


@pytest.mark.parametrize(("row", "kind"), [
    (_row("r2-dup", 0, C, "50.00"), Never.DUPLICATE),
    (_row("r2-dup", 0, None, "60.00", Treatment.ON_ACCOUNT), Never.DUPLICATE),
    (_row("r3", 0, D, "300.00"), Never.ALREADY_PAID),
    (_row("r1", 0, item("1899999999", "100.00", "1001"), "100.00"), Never.INVENTED),
    (_row("r9", 0, A, "100.00"), Never.INVENTED),
    (_row("r2", 0, A, "100.00"), Never.ALREADY_PAID),  # A is applied by r1 line 0 too
])
def test_the_false_postings_that_must_never_happen(row, kind):
    s = _score(*_perfect(), row)
    assert s.never[kind] == 1 and s.never_total == 1


def test_cash_of_a_cleared_invoice_may_go_on_account():
    s = _score(*_perfect(), _row("r3", 0, None, "300.00", Treatment.ON_ACCOUNT))
    assert not s.never and not s.wrong_on_account_rows


def test_clopper_pearson_matches_the_textbook_values():
    low, high = clopper_pearson(0, 3000)
    assert low == 0 and high == pytest.approx(1 - 0.025 ** (1 / 3000), rel=1e-9)
    assert clopper_pearson(5, 100) == pytest.approx((0.016431879, 0.112834911), abs=1e-8)
    assert clopper_pearson(95, 100) == pytest.approx((0.887165089, 0.983568121), abs=1e-8)
    assert clopper_pearson(3, 3)[0] == pytest.approx(0.025 ** (1 / 3), rel=1e-9)


def test_bands_and_their_promises():
    assert [band(c) for c in (0.5, 0.9, 0.949, 0.95, 0.99, 1.0)] == [
        "[0.00, 0.90)", "[0.90, 0.95)", "[0.90, 0.95)", "[0.95, 0.99)", "[0.99, 1.00]",
        "[0.99, 1.00]"]
    assert promise("[0.95, 0.99)") == 0.05 and promise("[0.99, 1.00]") == 0.01


def test_calibration_counts_auto_and_review_rows_per_rule_and_band():
    rows = _perfect()
    rows[1] = _row("r1", 1, B, "180.00", Treatment.CLEAR, confidence=0.96)
    table = calibration(_score(*rows, _row("r1", 0, D, "1.00", decision=Decision.REVIEW,
                                           confidence=0.5)))
    cell = table["exact-ref"]["[0.95, 0.99)"]
    assert (cell["auto_rows"], cell["auto_wrong"], cell["promise"]) == (1, 1, 0.05)
    assert table["exact-ref"]["[0.00, 0.90)"]["all_wrong"] == 1
    assert table["exact-ref"]["[0.00, 0.90)"]["auto_rows"] == 0


def test_reason_codes_are_judged_by_the_reason_the_advice_stated():
    from bench.cashapp_heldout import reason_codes_right
    s = _score(*_perfect())
    assert reason_codes_right(s) == (1, 1)  # "damaged" must get DAMAGED's code, D01 in the bench
    s.reason_codes.clear()
    s.reason_codes.update({("damaged", "D01"): 2, ("pricing", "Z99"): 1, ("unexplained", "Z99"): 5})
    assert reason_codes_right(s) == (2, 3)


def test_top_pick_counts_a_right_review_row_that_recall_does_not():
    rows = _perfect()
    rows[0] = _row("r1", 0, A, "100.00", decision=Decision.REVIEW)
    s = _score(*rows)
    assert (s.units_top_right, s.units_auto_right, s.units_certain) == (3, 2, 3)
    assert _score(*_perfect(), _row("r1", 0, D, "100.00", decision=Decision.REVIEW)
                  ).units_top_right == 2


def test_an_invoice_paid_twice_may_take_either_payment_but_not_both():
    both = _score(*_perfect(), _row("r4", 0, A, "100.00"))
    assert both.never[Never.ALREADY_PAID] == 1 and both.wrong_auto_rows == 1
    rows = _perfect()
    rows[0] = _row("r1", 0, A, "100.00", decision=Decision.REVIEW)
    second = _score(*rows, _row("r4", 0, A, "100.00"))
    assert not second.never and second.precision == 1.0
