"""How a payment's proposals become one FB05 request: the four postings kept apart.

Pure: hand-made proposals and open items, no SAP. What SAP then does with
the request is in tests/sap/test_sap_posting_kinds.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bots.cashapp.engine import MatchResult, MatchStats, Unmatched
from bots.domain import Decision, OpenItem, Proposal, Remittance, RemittanceLine, Treatment
from bots.pipeline.cashapp import Batch, clearing_request, items_by_document, plan_postings

TODAY = date(2026, 11, 24)
CODES = {"DEFAULT": "Z99", "BANK_CHARGES": "Z05", "UNAPPLIED": "Z10", "PRICING": "P01"}


def item(doc: str, amount: str, currency: str = "USD") -> OpenItem:
    return OpenItem("1000", "0000100001", doc, "2026", "001", currency, Decimal(amount),
                    TODAY, TODAY, invoice_ref=f"INV-{doc}")


ITEMS = [item("1800000001", "100.00"), item("1800000002", "250.00"),
         item("1800000003", "40.00")]


def proposal(doc: str, applied: str, decision: Decision = Decision.AUTO, index: int = 0,
             **kw: object) -> Proposal:
    return Proposal("r-1", index, "0000100001", doc, "2026" if doc else "",
                    "001" if doc else "", Decimal(applied), decision, 0.99, "ref", "why",
                    **kw)  # type: ignore[arg-type]


def remittance(total: str | None, *lines: RemittanceLine) -> Remittance:
    return Remittance("r-1", "test", "camt054", "USD", list(lines), payer_name="Payer",
                      payment_ref="E2E-1", total=Decimal(total) if total else None)


def request(proposals: list[Proposal], r: Remittance | None = None):  # noqa: ANN201
    r = r or remittance(None, RemittanceLine("x", Decimal("1")))
    return clearing_request(r, proposals, items_by_document(ITEMS), CODES, "113100", TODAY)


def plan(r: Remittance, proposals: list[Proposal], unmatched: list[Unmatched] = (),
         items: list[OpenItem] = ITEMS, **kw: object):  # noqa: ANN201
    batch = Batch({r.id: r}, {r.id: "h"}, MatchResult(proposals, list(unmatched), [],
                                                      MatchStats()))
    return plan_postings(batch, items_by_document(items), CODES, "113100", TODAY, **kw)


def test_each_treatment_is_its_own_posting() -> None:
    req = request([
        proposal("1800000001", "90.00", treatment=Treatment.RESIDUAL, reason_code="P01"),
        proposal("1800000002", "249.50", treatment=Treatment.WRITE_OFF, reason_code="Z02"),
        proposal("1800000003", "15.00", treatment=Treatment.PARTIAL),
        proposal("", "5.00", treatment=Treatment.ON_ACCOUNT, reason_code="Z11")])
    [residual] = req.residuals
    assert (residual.document_no, residual.amount, residual.reason_code) == \
        ("1800000001", Decimal("10.00"), "P01")
    write_off = next(c for c in req.items if c.document_no == "1800000002")
    assert (write_off.write_off, write_off.reason_code, write_off.discount) == \
        (Decimal("0.50"), "Z02", Decimal(0))
    [part] = req.partials
    assert (part.document_no, part.amount) == ("1800000003", Decimal("15.00"))
    assert [c.document_no for c in req.items] == ["1800000001", "1800000002"]  # not the part
    [cash] = req.on_account
    assert (cash.amount, cash.reason_code, cash.assignment) == (Decimal("5.00"), "Z11", "E2E-1")
    assert req.amount == Decimal("359.50")


def test_bank_charges_are_a_deduction_with_their_own_reason_code() -> None:
    line = RemittanceLine("INV-1800000001", Decimal("85.00"), gross_amount=Decimal("100.00"),
                          deduction=Decimal("15.00"), deduction_reason="bank charges")
    req = request([proposal("1800000001", "85.00", deduction_amount=Decimal("15.00"))],
                  remittance("85.00", line))
    [residual] = req.residuals
    assert (residual.amount, residual.reason_code) == (Decimal("15.00"), "Z05")


def test_the_unsure_rest_goes_on_account_with_why() -> None:
    r = remittance("350.00", RemittanceLine("INV-1800000001", Decimal("100.00")),
                   RemittanceLine("INV-180000002", Decimal("250.00")))
    proposals = [proposal("1800000001", "100.00"),
                 proposal("1800000002", "250.00", Decision.REVIEW, index=1)]
    [posting], waits = plan(r, proposals)
    assert waits == {} and posting.parked == "why"
    assert [c.document_no for c in posting.request.items] == ["1800000001"]
    [cash] = posting.request.on_account
    assert (cash.amount, cash.reason_code, posting.request.amount) == \
        (Decimal("250.00"), "Z10", Decimal("350.00"))


def test_an_unexplained_surplus_goes_on_account_too() -> None:
    r = remittance("130.00", RemittanceLine("INV-1800000001", Decimal("100.00")))
    [posting], _ = plan(r, [proposal("1800000001", "100.00")],
                        [Unmatched("r-1", None, "0000100001", Decimal("30.00"), "USD",
                                   "30.00 not explained")])
    assert posting.parked == "30.00 not explained"
    assert posting.request.on_account[0].amount == Decimal("30.00")


@pytest.mark.parametrize(("case", "why"), [
    ("policy_off", "why"),
    ("nothing_sure", "why"),
    ("overapplied", "the advice states 90.00 but its lines apply 100.00"),
    ("currency", "the payment is in USD, its invoices in EUR"),
])
def test_what_waits_whole(case: str, why: str) -> None:
    r = remittance("350.00" if case != "overapplied" else "90.00",
                   RemittanceLine("INV-1800000001", Decimal("100.00")),
                   RemittanceLine("INV-1800000002", Decimal("250.00")))
    proposals = [proposal("1800000001", "100.00",
                          Decision.REVIEW if case == "nothing_sure" else Decision.AUTO),
                 proposal("1800000002", "250.00", Decision.REVIEW, index=1)]
    kw: dict = {"park": lambda company_code: False} if case == "policy_off" else {}
    if case == "currency":
        kw["items"] = [*ITEMS, item("1800000009", "100.00", "EUR")]
        proposals[0] = proposal("1800000009", "100.00")
    postings, waits = plan(r, proposals, **kw)
    assert postings == [] and why in waits["r-1"]


def test_a_payment_parked_before_waits_for_its_person() -> None:
    r = remittance("100.00", RemittanceLine("INV-1800000001", Decimal("100.00")))
    postings, waits = plan(r, [proposal("1800000001", "100.00")],
                           parked={"r-1": "on account (document 1400000001)"})
    assert postings == [] and waits == {"r-1": "on account (document 1400000001)"}


def test_a_payment_marked_wrong_waits_and_posts_under_a_new_key() -> None:
    r = remittance("100.00", RemittanceLine("INV-1800000001", Decimal("100.00")))
    [first], _ = plan(r, [proposal("1800000001", "100.00")])
    postings, waits = plan(r, [proposal("1800000001", "100.00")], marked_wrong={"r-1"})
    assert postings == [] and "reset its posting as wrong" in waits["r-1"]
    again = request([proposal("1800000001", "100.00")], r)
    assert again.reference == first.request.reference
    anew = clearing_request(r, [proposal("1800000001", "100.00")], items_by_document(ITEMS),
                            CODES, "113100", TODAY, generation=1)
    assert anew.reference != first.request.reference and len(anew.reference) <= 16


def test_cash_the_engine_parked_posts_with_a_review_item() -> None:
    r = remittance("350.00", RemittanceLine("INV-1800000001", Decimal("100.00")),
                   RemittanceLine("INV-180000002", Decimal("250.00")))
    parked = proposal("", "250.00", index=None, treatment=Treatment.ON_ACCOUNT,  # type: ignore[arg-type]
                      reason_code="Z10")
    [posting], waits = plan(r, [proposal("1800000001", "100.00"), parked,
                                proposal("1800000002", "250.00", Decision.REVIEW, index=1)])
    assert waits == {} and posting.parked == "why"
    assert [(x.amount, x.reason_code) for x in posting.request.on_account] == \
        [(Decimal("250.00"), "Z10")]  # the engine's row, not a second one


def test_an_overpayment_surplus_on_account_is_certain() -> None:
    r = remittance("130.00", RemittanceLine("INV-1800000001", Decimal("130.00")))
    surplus = proposal("", "30.00", treatment=Treatment.ON_ACCOUNT, reason_code="Z11")
    [posting], waits = plan(r, [proposal("1800000001", "100.00"), surplus])
    assert waits == {} and posting.parked == ""
    assert posting.request.on_account[0].amount == Decimal("30.00")
