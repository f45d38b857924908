"""The generated corpus (bench/cashapp_corpus.py): the tune figures, the truth, the split.

Measured on the tune mix, seeds 7 and 11 (300 customers, ~3,900 open items,
1,500 payments, ~2,800 lines). Before issue 11's treatments (8c4fe28) every
auto row had the right item and cash, but recall was 0.816 / 0.806 once the
treatment must be right too (deductions and write-offs were posted as plain
clearings). With them (engine eec5126, at ba44752): precision 1.0 in item,
cash and treatment (0 wrong of ~2,650 auto rows), recall 0.984 / 0.989, no
false posting of the never kinds. The floor leaves room for generator
changes, not for a rule that starts guessing.
"""

from __future__ import annotations

import pytest

from bench.cashapp_corpus import (
    CALIBRATION_SEEDS,
    HELDOUT,
    HELDOUT2,
    HELDOUT2_SEEDS,
    HELDOUT_SEEDS,
    TUNE,
    Never,
    generate,
)
from bench.cashapp_quality import score
from bots.cashapp import Policy, match
from bots.domain import Treatment, to_minor

RECALL_FLOOR = 0.96
TUNE_SEEDS = (7, 11, 3, 5, 2026)  # the seeds tests and bench/match.py develop on


@pytest.mark.parametrize("seed", [7, 11])
def test_no_wrong_auto_and_recall_floor(seed):
    corpus = generate(seed=seed)
    result = match(corpus.open_items, corpus.remittances, corpus.customers, Policy(),
                   already_applied=corpus.already_applied)
    s = score(corpus, result)
    print(f"seed {seed}: auto precision {s.precision:.4f} (item and cash "
          f"{s.item_precision:.4f}; {s.auto_rows} auto rows), auto recall {s.recall:.4f}, "
          f"units auto-applied {s.auto_share:.4f}, never {dict(s.never)}")
    assert s.auto_rows > 1500
    assert s.wrong_auto_rows == 0 and s.wrong_treatment_rows == 0 and s.precision == 1.0
    assert not s.never_total and not s.wrong_on_account_rows
    assert s.recall >= RECALL_FLOOR
    assert result.stats.duplicates > 0 and result.stats.already_applied > 0


def test_corpus_is_deterministic_and_has_every_trap():
    a, b = generate(seed=3, customers=60, payments=200), generate(seed=3, customers=60,
                                                                 payments=200)
    assert a.remittances == b.remittances and a.open_items == b.open_items
    assert a.truth == b.truth
    assert {e.never for e in a.truth.values()} >= {Never.ALREADY_PAID, Never.DUPLICATE}
    refs = {line.invoice_ref for r in a.remittances for line in r.lines}
    assert any(not ref for ref in refs)  # PO-only lines
    assert any(r.lines == [] for r in a.remittances)  # amount-only payments
    assert any(c.parent for c in a.customers)
    assert any(i.currency == "JPY" for i in a.open_items)
    assert any(i.amount < 0 for i in a.open_items)


def test_truth_knows_the_treatments():
    corpus = generate(seed=7)
    items = {it.key: it for it in corpus.open_items}
    lines = {(r.id, i): x for r in corpus.remittances for i, x in enumerate(r.lines)}
    kinds = {e.kind.partition("/")[2] for e in corpus.truth.values()}
    assert {"deduction", "small", "partial", "overpay", "discount", "discount-late"} <= kinds
    for unit, exp in corpus.truth.items():
        for key, posting in exp.postings.items():
            assert key in items, "a truth names an item that is not open"
            line = lines.get(unit)
            if exp.kind.endswith("/deduction"):
                assert Treatment.RESIDUAL in posting.treatments and line.deduction_reason
            if exp.kind.endswith(("/partial", "/discount-late")):
                assert posting.treatments == {Treatment.PARTIAL, Treatment.RESIDUAL}
            if exp.kind.endswith("/overpay"):
                assert posting.treatments == {Treatment.CLEAR}
                assert posting.cash == items[key].amount_minor
                paid = to_minor(line.paid_amount, items[key].currency)
                assert exp.on_account == paid - posting.cash > 0
        if exp.never is not None:
            assert not exp.certain and (not exp.postings or exp.kind == "paid-twice")


def test_ambiguous_amount_only_payments_name_both_sets():
    corpus = generate(seed=9001, mix=HELDOUT, payments=600)
    amounts = {it.key: it.amount_minor for it in corpus.open_items}
    totals = {r.id: to_minor(r.total, r.currency) for r in corpus.remittances}
    ambiguous = [(u, e) for u, e in corpus.truth.items() if e.review.startswith("two sets")]
    assert ambiguous, "the held-out mix repeats invoice amounts: some payment must be ambiguous"
    for (rid, _), exp in ambiguous:
        assert len(exp.alternatives) >= 2 and exp.alternatives[0] == set(exp.postings)
        for candidate in exp.alternatives:
            assert sum(amounts[k] for k in candidate) == totals[rid]


def test_the_split_is_fixed_and_disjoint():
    seeds = (TUNE_SEEDS, CALIBRATION_SEEDS, HELDOUT_SEEDS, HELDOUT2_SEEDS)
    assert sum(map(len, seeds)) == len(set().union(*seeds))
    assert HELDOUT != TUNE and HELDOUT2 not in (TUNE, HELDOUT)
    for older in (TUNE, HELDOUT):  # the goal's held-out shares no printed word with them
        assert {t for t, _ in HELDOUT2.reasons}.isdisjoint(t for t, _ in older.reasons)
        assert set(HELDOUT2.normalised).isdisjoint(older.normalised)
        assert set(HELDOUT2.currencies) - set(older.currencies) >= {"NOK", "DKK", "PLN"}
    assert set(HELDOUT.currencies) - set(TUNE.currencies) >= {"GBP", "CHF", "SEK"}
    assert {text for text, _ in HELDOUT.reasons}.isdisjoint(text for text, _ in TUNE.reasons)
    assert set(HELDOUT.normalised).isdisjoint(TUNE.normalised)
    assert any("beschädigt" in text for text, _ in HELDOUT.reasons)


def test_the_held_out_part_has_enough_lines():
    """At least 3,000 lines must be auto-applied for the goal to count: 3,000 certain
    units are the least, and the three seeds hold about three times that."""
    certain = 0
    for seed in HELDOUT2_SEEDS:
        corpus = generate(seed=seed, mix=HELDOUT2)
        certain += sum(e.certain for e in corpus.truth.values())
        assert {r.currency for r in corpus.remittances} >= {"NOK", "DKK", "PLN", "AUD", "CAD"}
    assert certain >= 9000
