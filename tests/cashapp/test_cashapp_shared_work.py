"""The fast ways of a large batch give the answer of the slow ones.

* the plain exact reference (:meth:`ExactRef.plain`) finds what the general rule finds;
* the reference rules shared with a forked process (:mod:`bots.cashapp.halves`) give the
  proposals of one process, also when the forked process fails.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from bots.cashapp import Policy, engine, match
from bots.cashapp.halves import halves
from bots.cashapp.index import ItemIndex
from bots.cashapp.memory import Learned
from bots.cashapp.parties import PartyIndex
from bots.cashapp.rows import ProposalRows
from bots.cashapp.rules import Context, ExactRef, Outcome
from bots.domain import Customer, OpenItem, Remittance
from tests.cashapp.cashapp_build import CUSTOMERS, item, line, remit


def _edge_cases() -> tuple[list[OpenItem], list[Remittance]]:
    """Items and advices at the edges of the plain case."""
    items = [
        item("1800000001", "100.00", "90000001"),                      # plain
        item("1800000002", "250.00", "90000002"),                      # paid partly
        item("1800000003", "300.00", "90000003", pct="2"),             # less its discount
        item("1800000004", "-40.00", "90000004"),                      # a credit memo netted
        item("1800000005", "75.00", "90000005"),                       # the same reference ...
        item("1800000006", "75.00", "90000005", customer="0000100043"),  # ... twice
        item("1800000007", "60.00", "90000007", currency="EUR"),       # another currency
        item("1800000008", "80.00", "inv-90000008"),                   # printed otherwise
        item("1800000009", "90.00", "90000009", customer="0000200002"),  # a subsidiary's
        item("1800000010", "55.00", "00090000010"),                    # leading zeros
        replace(item("1800000011", "120.00", "90000011"), company_code="2000"),
        replace(item("1800000012", "120.00", "90000011"), company_code="3000"),
        item("1800000013", "130.00", "1800000001"),                    # a reference that is
    ]                                                                  # another's document
    advices = [
        remit("r-1", line("90000001", "100.00"), line("90000002", "200.00"),
              line("90000003", "294.00", discount="6.00"), line("90000004", "-40.00")),
        remit("r-2", line("90000005", "75.00"), line("90000007", "60.00")),
        remit("r-3", line("INV-90000008", "80.00"), line("90000009", "90.00"),
              line("90000010", "55.00"), line("00090000010", "55.00")),
        remit("r-4", line("90000011", "120.00"), line("1800000001", "130.00"),
              payer="Global Holdings PLC"),
        remit("r-5", line("90000001", "100.00"), payer=None),          # nobody named
        remit("r-6", line("90000001", "100.00", deduction="0.00"), payer="Bolt Industries Inc."),
    ]
    return items, advices


def _units(items: list[OpenItem], advices: list[Remittance],
           customers: list[Customer]) -> tuple[Context, list[engine.Unit]]:
    index = ItemIndex(items)
    parties = PartyIndex(customers, index.customers, {})
    units = [u for r in advices for u in engine._units(r, parties.identify(r))]
    return Context(index, parties, Policy(), Learned()), units


def _corpus() -> tuple[list[OpenItem], list[Remittance], list[Customer], set[str]]:
    from bench.cashapp_corpus import generate

    corpus = generate(seed=5, customers=40, payments=150)
    items, advices = _edge_cases()
    return ([*corpus.open_items, *items], [*corpus.remittances, *advices],
            [*corpus.customers, *CUSTOMERS], set(corpus.already_applied))


def test_the_plain_exact_reference_finds_what_the_general_rule_finds():
    items, advices, customers, _ = _corpus()
    ctx, units = _units(items, advices, customers)
    rule, plain, general_only = ExactRef(), 0, 0
    for unit in units:
        fast = rule.plain(ctx, unit) if unit.ref else None
        slow = rule.general(ctx, unit)
        if fast is not None:
            plain += 1
            assert fast == slow, unit
            assert fast.outcome is Outcome.AUTO and fast.confidence == 0.99
        elif slow is not None:
            general_only += 1
        assert rule.apply(ctx, unit) == slow
    assert plain > 100 and general_only > 10


def test_the_edge_cases_that_are_not_plain():
    items, advices = _edge_cases()
    ctx, units = _units(items, advices, CUSTOMERS)
    rule = ExactRef()
    plain = {(u.remittance.id, u.line_index) for u in units if rule.plain(ctx, u)}
    # the credit memo netted and a reference printed with its leading zeros are plain; a
    # part payment, a discount, a reference two items share (also in two company codes, or
    # as one's reference and another's document number), another currency, a reference
    # printed otherwise, a subsidiary paid by its parent, an unnamed or another payer not
    assert plain == {("r-1", 0), ("r-1", 3), ("r-3", 3)}


def _rows(result) -> list[list[str]]:
    """The proposal rows as the file's cells (the reason sentence formatted)."""
    return [ProposalRows.cells(row) for row in result.proposals.rows]


def test_reference_rules_in_two_processes_give_the_proposals_of_one(monkeypatch):
    items, advices, customers, applied = _corpus()
    one = match(items, advices, customers, Policy(), already_applied=applied)
    monkeypatch.setattr(engine, "SHARED_RULES_MIN", 2)
    calls = []
    real = engine.halves

    def spy(work, n, processes=1, minimum=2, share=0.5):
        calls.append((n, processes, minimum, share))
        return real(work, n, processes, minimum, share)

    monkeypatch.setattr(engine, "halves", spy)
    two = match(items, advices, customers, Policy(), already_applied=applied, processes=2)
    assert calls and calls[0][1:] == (2, 2, engine.SHARED_RULES_SECOND) and calls[0][0] > 250
    assert _rows(two) == _rows(one)
    assert two.unmatched == one.unmatched
    assert two.stats == one.stats and one.stats.auto > 100


def test_halves_runs_the_second_half_in_another_process():
    parent = os.getpid()
    first, second = halves(lambda a, b: [(n, os.getpid()) for n in range(a, b)], 10, 2)
    assert [n for n, _ in first + second] == list(range(10))
    assert {pid for _, pid in first} == {parent}
    assert {pid for _, pid in second} != {parent}
    assert halves(lambda a, b: (a, b), 9, processes=1) == ((0, 5), (5, 9))
    assert halves(lambda a, b: os.getpid(), 9, processes=2, minimum=10) == (parent, parent)
    assert halves(lambda a, b: (a, b), 100, processes=2, share=0.45) == ((0, 55), (55, 100))
    assert halves(lambda a, b: (a, b), 100, processes=1, share=0.45) == ((0, 55), (55, 100))


@pytest.mark.parametrize("how", ["raises", "dies", "garbage"])
def test_a_failing_second_process_leaves_its_half_to_this_one(how, capfd):
    parent = os.getpid()

    def work(start: int, stop: int) -> list[int]:
        if os.getpid() != parent:
            if how == "raises":
                raise RuntimeError("the forked half failed")
            if how == "dies":
                os._exit(7)
            return _Unpicklable()  # type: ignore[return-value]
        return list(range(start, stop))

    assert halves(work, 10, 2) == ([0, 1, 2, 3, 4], [5, 6, 7, 8, 9])
    if how == "raises":
        assert "the forked half failed" in capfd.readouterr().err


class _Unpicklable:
    def __reduce__(self):
        return (_refuse, ())


def _refuse():
    raise ValueError("cannot be read back")


def test_a_finding_pickles_as_its_fields():
    import pickle

    items, advices = _edge_cases()
    ctx, units = _units(items, advices, CUSTOMERS)
    found = [f for u in units if (f := ExactRef().apply(ctx, u)) is not None]
    assert len(found) > 3
    assert pickle.loads(pickle.dumps(found)) == found


def test_reference_keys_of_digits_leading_zeros_and_letters():
    """Keys of digits: other scripts' digits, leading zeros and letters stay apart."""
    refs = ["3", "\u0663", "0003", "INV-3", "90000001", "1800000002", "0", "00", "A7", ""]
    index = ItemIndex([item(f"77{n:08d}", "1.00", ref) for n, ref in enumerate(refs)])
    assert index.by_key("3") == [0, 2, 3]           # "3", "0003" and "INV-3" share the key
    assert index.by_key("\u0663") == [1]             # an Arabic-Indic three is another key
    assert index.by_key("90000001") == [4] and index.only("90000001") == 4
    assert index.by_key("1800000002") == [5]        # a reference, and a document number
    assert index.by_key("7700000005") == [5]        # the document number of "1800000002"
    assert index.only("3") is None and index.by_key("03") == []
    assert index.by_key("A7") == [8] and index.by_key("0") == []
