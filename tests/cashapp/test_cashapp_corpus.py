"""The generated corpus: zero wrong autos, and auto recall above the measured floor.

Measured on seeds 1, 2, 3, 7, 11 (300 customers, ~3,900 open items, 1,500
payments, ~2,800 lines): precision 100% everywhere (0 wrong of ~2,300 auto
rows per seed), auto recall 0.852-0.873, share of lines auto-applied
0.808-0.825. The rest is review by design: discounts taken late, partial and
over-payments, sets of items found by amount alone (0.88), document numbers
quoted by an unknown payer, conflicts. The floor leaves room for generator
changes, not for a rule that starts guessing.
"""

from __future__ import annotations

import pytest

from bench.cashapp_corpus import generate, score
from bots.cashapp import Policy, match

RECALL_FLOOR = 0.83


@pytest.mark.parametrize("seed", [7, 11])
def test_no_wrong_auto_and_recall_floor(seed):
    corpus = generate(seed=seed)
    result = match(corpus.open_items, corpus.remittances, corpus.customers, Policy(),
                   already_applied=corpus.already_applied)
    s = score(corpus, result)
    print(f"seed {seed}: auto precision {s.precision:.4f} ({s.auto_rows} auto rows, "
          f"{s.wrong_auto_rows} wrong), auto recall {s.recall:.4f}, "
          f"units auto-applied {s.auto_share:.4f}")
    assert s.auto_rows > 1500
    assert s.wrong_auto_rows == 0 and s.precision == 1.0
    assert s.recall >= RECALL_FLOOR
    assert result.stats.duplicates > 0 and result.stats.already_applied > 0


def test_corpus_is_deterministic_and_has_every_trap():
    a, b = generate(seed=3, customers=60, payments=200), generate(seed=3, customers=60,
                                                                 payments=200)
    assert a.remittances == b.remittances and a.open_items == b.open_items
    never = [u for u, t in a.truth.items() if t is None]
    assert never, "the corpus has no traps"
    refs = {line.invoice_ref for r in a.remittances for line in r.lines}
    assert any(not ref for ref in refs)  # PO-only lines
    assert any(r.lines == [] for r in a.remittances)  # amount-only payments
    assert any(c.parent for c in a.customers)
    assert any(i.currency == "JPY" for i in a.open_items)
    assert any(i.amount < 0 for i in a.open_items)
