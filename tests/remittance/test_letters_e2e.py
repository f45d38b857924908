"""How bench/intake_e2e.py builds its ERP world and counts autos and false postings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

import bench.intake_e2e as e2e
from bots.cashapp.engine import MatchResult, MatchStats
from bots.domain import Decision, Proposal, Remittance
from tests.remittance.letters_corpus import FAMILIES, make_letter


def _doc(index: int = 1) -> e2e.Doc:
    letter = make_letter(next(f for f in FAMILIES if f.name == "inline-de"), index)
    return e2e.Doc("letter:inline-de", letter.name, letter.eml, letter.truth,
                   dict(letter.open_items))


def test_the_world_holds_what_is_paid_once_and_distractors_at_the_same_amounts() -> None:
    doc = _doc()
    items, customers, owner = e2e.world([doc])
    refs = [i.invoice_ref for i in items]
    assert len(refs) == len(set(refs))  # every invoice number is open once
    paid = {x.invoice_ref for x in doc.truth.lines}
    assert paid <= set(refs) and len(items) > len(paid)
    amounts = {i.invoice_ref: i.amount for i in items}
    near = [r for r in refs if r not in paid]
    assert any(amounts[r] in doc.paid_items.values() for r in near)  # same-amount decoys
    assert {i.customer for i in items} == {c.number for c in customers}
    assert all(owner[i.document_no] == (0, i.invoice_ref) for i in items)


def test_truth_given_to_the_engine_is_applied_without_false_postings() -> None:
    doc = _doc()
    items, customers, owner = e2e.world([doc])
    truth = replace(doc.truth, id="r-truth", lines=list(doc.truth.lines))
    tally = e2e.judge([doc], [truth], items, customers, owner)
    assert tally.lines == len(doc.truth.lines) and tally.false_postings == 0
    assert tally.auto_right == tally.lines


def _proposal(remittance: Remittance, document_no: str, amount: Decimal) -> Proposal:
    return Proposal(remittance.id, 0, "c", document_no, "2026", "001", amount, Decision.AUTO,
                    1.0, "exact-ref", "test")


@pytest.mark.parametrize("wrong", ["item", "amount", "twice"])
def test_an_auto_row_on_another_item_or_amount_is_a_false_posting(monkeypatch, wrong) -> None:  # type: ignore[no-untyped-def]
    doc = _doc()
    items, customers, owner = e2e.world([doc])
    read = replace(doc.truth, id="r-read")
    line = doc.truth.lines[0]
    own = next(i for i in items if i.invoice_ref == line.invoice_ref)
    decoy = next(i for i in items if i.invoice_ref not in doc.paid_items)
    rows = [_proposal(read, own.document_no, line.paid_amount)]
    rows.append({"item": _proposal(read, decoy.document_no, line.paid_amount),
                 "amount": _proposal(read, own.document_no, line.paid_amount + 1),
                 "twice": _proposal(read, own.document_no, line.paid_amount)}[wrong])
    monkeypatch.setattr(e2e, "match", lambda *a, **k: MatchResult(rows, [], [], MatchStats()))
    tally = e2e.judge([doc], [read], items, customers, owner)
    assert (tally.auto_right, tally.false_postings) == (1, 1)
