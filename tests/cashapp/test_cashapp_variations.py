"""References inside longer text, partial payments that state what stays open, and the
tune variations (bench/cashapp_variations.py): habits the tune generator lacks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cashapp_build import BOLT, item, line, only, remit, run

from bench.cashapp_quality import score
from bench.cashapp_variations import HABITS, varied
from bots.cashapp import Policy, match
from bots.cashapp.refs import parts
from bots.domain import Decision, RemittanceLine, Treatment

AUTO, REVIEW = Decision.AUTO, Decision.REVIEW


@pytest.mark.parametrize(("printed", "expected"), [
    ("Rechnung Nr. 90012345 vom 14.03.2026", ["90012345"]),  # a day and a year: too short
    ("2026-90012345", ["90012345"]),
    ("90012345/2026", ["90012345"]),
    ("100123-90012345", ["100123", "90012345"]),
    ("Facture n° INV-90012345", ["90012345"]),
    ("Rechnung90012345", ["90012345"]),
    ("AB 12345", ["12345"]),
    ("Inv/90012345", []),  # normalising alone reads it
])
def test_parts_of_a_reference_text(printed, expected):
    assert parts(printed) == expected


class TestRefInText:
    ITEMS = [item("1800000001", "1500.00", "90012345"), item("1800000002", "700.00", "90012346")]

    @pytest.mark.parametrize("printed", ["Zahlung Rechnung 90012345 vom 14.03.2026",
                                         "2026-90012345", "100042/90012345",
                                         "Fattura n. 90012345"])
    def test_reference_in_text_autos(self, printed):
        p = only(run(self.ITEMS, remit("r1", line(printed, "1500.00"))))
        assert (p.document_no, p.decision, p.rule) == ("1800000001", AUTO, "ref-in-text")
        assert "contains 90012345" in p.reason

    def test_two_invoices_named_in_one_text_is_not_guessed(self):
        result = run(self.ITEMS, remit("r1", line("Inv 90012345 + 90012346", "1500.00")))
        assert not any(p.decision is AUTO for p in result.proposals)

    def test_two_invoices_named_in_one_text_with_their_sum_autos(self):
        result = run(self.ITEMS, remit("r1", line("Inv 90012345 / 90012346", "2200.00")))
        assert {(p.document_no, p.decision, p.applied_amount) for p in result.proposals} == {
            ("1800000001", AUTO, Decimal("1500.00")), ("1800000002", AUTO, Decimal("700.00"))}

    def test_amount_disagrees_and_no_payer_only_review(self):
        result = run(self.ITEMS, remit("r1", line("Rechnung 90012345", "1200.00"), payer=None))
        assert all(p.decision is REVIEW for p in result.proposals)

    @pytest.mark.parametrize(("printed", "said"), [
        ("Rechnung Nr. 9OO12345", "contains 9OO12345, read as 90012345 (OCR confusion)"),
        ("Facture n° 90012354", "contains 90012354, which has two characters swapped from "
                                "90012345"),
        ("Factura 09012345", "contains 09012345, which has two characters swapped from "
                             "90012345"),
    ])
    def test_misread_or_mistyped_reference_in_text(self, printed, said):
        p = only(run(self.ITEMS, remit("r1", line(printed, "1500.00"))))
        assert (p.document_no, p.decision, p.rule) == ("1800000001", AUTO, "fuzzy-ref")
        assert said in p.reason

    def test_misread_reference_in_text_with_the_amount_of_none(self):
        result = run(self.ITEMS, remit("r1", line("Rechnung Nr. 9OO12345", "1400.00"),
                                       payer=None))
        assert not result.proposals

    def test_a_swapped_piece_naming_another_customers_item(self):
        items = [*self.ITEMS, item("1800000009", "300.00", "90012354", customer=BOLT.number)]
        p = only(run(items, remit("r1", line("Facture 90012354", "1500.00"))))
        assert (p.document_no, p.decision) == ("1800000001", AUTO)

    def test_an_item_of_another_customer_is_not_taken(self):
        items = [item("1800000001", "1500.00", "90012345", customer=BOLT.number)]
        result = run(items, remit("r1", line("Rechnung 90012345", "1500.00")))
        assert not any(p.decision is AUTO for p in result.proposals)


class TestStatedOpenAmount:
    ITEMS = [item("1800000001", "1000.00", "90012345")]

    def test_stated_partial_without_payer_autos(self):
        p = only(run(self.ITEMS, remit("r1", line("90012345", "400.00", deduction="600.00",
                                                  reason="Teilzahlung"), payer=None)))
        assert (p.decision, p.treatment, p.applied_amount) == (AUTO, Treatment.PARTIAL,
                                                               Decimal("400.00"))

    def test_invoice_amount_stated_confirms_an_overpayment(self):
        r = remit("r1", RemittanceLine("90012345", Decimal("1010.00"),
                                       gross_amount=Decimal("1000.00")), payer=None)
        rows = run(self.ITEMS, r).proposals
        assert {(p.treatment, p.decision) for p in rows} == {(Treatment.CLEAR, AUTO),
                                                             (Treatment.ON_ACCOUNT, AUTO)}

    def test_unstated_partial_without_payer_stays_review(self):
        p = only(run(self.ITEMS, remit("r1", line("90012345", "400.00"), payer=None)))
        assert p.decision is REVIEW


def test_variations_keep_precision_and_recall():
    corpus = varied(7, payments=400)
    habits = {exp.kind.split("/")[0] for exp in corpus.truth.values()}
    assert {f"var:{h}" for h in HABITS} - habits <= {"var:partial-stated", "var:lumped"}
    s = score(corpus, match(corpus.open_items, corpus.remittances, corpus.customers, Policy(),
                            already_applied=corpus.already_applied))
    assert s.precision == 1.0 and s.never_total == 0
    assert s.recall >= 0.97
