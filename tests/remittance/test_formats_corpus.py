"""Line-level accuracy on the generated corpus (tests/remittance/corpus.py).

A line is correct when its invoice reference and paid amount both match the
ground truth. The floors are what the readers measured when written, minus a
small margin; run with ``pytest -s`` to see the figures.
"""

from __future__ import annotations

import pytest
from corpus import cases, line_f1

from bots.remittance import extract

FLOORS = {"email-plain": 0.95, "email-html": 0.95, "csv": 0.97, "xlsx": 0.97, "x12-820": 0.99}
CORPUS = cases(seed=7, per_format=30)


@pytest.mark.parametrize("kind", sorted(CORPUS))
def test_corpus_line_f1(kind):
    pairs = []
    for case in CORPUS[kind]:
        result = extract(case.data, case.name)
        assert result.failures == [], (case.name, result.failures)
        assert [r.format for r in result.remittances] == [case.fmt]  # one advice, one payment
        got = [(line.invoice_ref, line.paid_amount) for r in result.remittances
               for line in r.lines]
        pairs.append((got, case.truth))
    precision, recall, f1 = line_f1(pairs)
    print(f"\n{kind:12s} files={len(pairs):3d} precision={precision:.3f} recall={recall:.3f} "
          f"F1={f1:.3f}")
    assert f1 >= FLOORS[kind]


def test_corpus_is_deterministic():
    again = cases(seed=7, per_format=30)
    assert [c.data for c in again["csv"]] == [c.data for c in CORPUS["csv"]]
    assert [c.truth for c in again["x12-820"]] == [c.truth for c in CORPUS["x12-820"]]
