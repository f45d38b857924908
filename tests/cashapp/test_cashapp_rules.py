"""One test class per rule of the table, and the traps that must never auto-post."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cashapp_build import ACME, BOLT, PARENT, SUB_A, SUB_B, item, line, only, remit, run

from bots.cashapp import Policy
from bots.cashapp.policy import Limits
from bots.domain import Decision, RemittanceLine, Treatment

AUTO, REVIEW = Decision.AUTO, Decision.REVIEW


class TestExactRef:
    def test_full_payment_auto_with_sentence(self):
        items = [item("1800000123", "10500.00", "90012345", pct="2",
                      discount_date=date(2026, 3, 15)), item("1800000124", "700.00", "90012346")]
        p = only(run(items, remit("r1", line("90012345", "10290.00"))))
        assert (p.document_no, p.decision, p.rule) == ("1800000123", AUTO, "exact-ref")
        assert p.applied_amount == Decimal("10290.00")
        assert p.discount_amount == Decimal("210.00")
        assert p.reason == ("Invoice 90012345 of ACME Corp. paid in full: reference matches "
                            "exactly, amount 10,290.00 USD agrees after the 2% discount "
                            "within terms.")
        assert p.confidence >= 0.9

    def test_same_reference_two_customers_picks_the_payer(self):
        items = [item("1800000001", "100.00", "A-1"),
                 item("1800000002", "100.00", "A-1", customer=BOLT.number)]
        p = only(run(items, remit("r1", line("A-1", "100.00"), payer="Bolt Industries")))
        assert (p.customer, p.decision) == (BOLT.number, AUTO)

    def test_same_reference_two_customers_unknown_payer_is_unmatched(self):
        items = [item("1800000001", "100.00", "A-1"),
                 item("1800000002", "100.00", "A-1", customer=BOLT.number)]
        result = run(items, remit("r1", line("A-1", "100.00"), payer=None))
        assert not result.proposals
        assert "matches 2 open items" in result.unmatched[0].reason

    def test_payer_contradicts_the_invoice_customer(self):
        items = [item("1800000001", "100.00", "A-1", customer=BOLT.number)]
        result = run(items, remit("r1", line("A-1", "100.00"), payer="ACME Corp."))
        assert not result.proposals
        assert result.unmatched[0].reason == (
            "reference 'A-1' is A-1 of Bolt Industries Inc., not of the payer ACME Corp.")

    def test_swapped_digits_that_hit_another_customers_invoice(self):
        # 90012354 exists, but belongs to Bolt; ACME's own 90012345 has the amount.
        items = [item("1800000001", "100.00", "90012354", customer=BOLT.number),
                 item("1800000002", "250.00", "90012345")]
        p = only(run(items, remit("r1", line("90012354", "250.00"), account="100042")))
        assert (p.document_no, p.rule, p.decision) == ("1800000002", "fuzzy-ref", AUTO)


class TestNormalisedRef:
    def test_prefix_case_zeros(self):
        items = [item("1800000123", "250.00", "90012345")]
        for printed in ("inv-0090012345", "INV #90012345", "No. 90012345", "Nr.90 012 345"):
            p = only(run(items, remit("r1", line(printed, "250.00"))))
            assert (p.rule, p.decision) == ("normalised-ref", AUTO), printed
            assert "after normalising" in p.reason


class TestDocumentNoRef:
    def test_payer_prints_our_document_number(self):
        items = [item("1800000123", "250.00", "90012345")]
        p = only(run(items, remit("r1", line("1800000123", "250.00"))))
        assert (p.rule, p.document_no) == ("document-no-ref", "1800000123")
        assert "our document number 1800000123" in p.reason
        assert p.decision is AUTO  # payer known, amount agrees: 0.90

    def test_unknown_payer_autos_only_when_the_amount_agrees(self):
        items = [item("1800000123", "250.00", "90012345")]
        known = only(run(items, remit("r1", line("1800000123", "250.00"))))
        p = only(run(items, remit("r1", line("1800000123", "250.00"), payer=None)))
        assert p.decision is AUTO and p.confidence < known.confidence
        p = only(run(items, remit("r1", line("1800000123", "100.00"), payer=None)))
        assert p.decision is REVIEW and "no identified payer confirms" in p.reason


class TestFuzzyRef:
    def test_ocr_confusion_with_agreeing_amount_autos(self):
        items = [item("1800000123", "250.00", "90012345")]
        p = only(run(items, remit("r1", line("9OO1Z345", "250.00"))))
        assert (p.rule, p.decision) == ("fuzzy-ref", AUTO)
        assert "OCR confusion" in p.reason

    def test_transposition_with_agreeing_amount(self):
        items = [item("1800000123", "250.00", "90012345")]
        p = only(run(items, remit("r1", line("90012354", "250.00"))))
        assert p.rule == "fuzzy-ref" and "swapped" in p.reason
        assert p.decision is AUTO

    def test_trap_fuzzy_ref_with_disagreeing_amount_never_autos(self):
        items = [item("1800000123", "250.00", "90012345")]
        result = run(items, remit("r1", line("90012354", "990.00")))
        p = result.proposals[0]
        assert all(q.decision is REVIEW for q in result.proposals)
        assert p.confidence <= 0.4
        assert "amount disagrees" in p.reason

    def test_swap_into_the_leading_zero(self):
        items = [item("1800000123", "250.00", "90001083")]
        p = only(run(items, remit("r1", line("09001083", "250.00"))))
        assert p.rule == "fuzzy-ref" and "swapped from 90001083" in p.reason

    def test_short_reference_is_never_one_character_off(self):
        items = [item("1800000123", "250.00", "1284")]
        result = run(items, remit("r1", line("1234", "999.00")))
        assert not result.proposals

    def test_ocr_on_the_document_number(self):
        items = [item("1800000123", "250.00", "90012345")]
        p = only(run(items, remit("r1", line("18OOOOO123", "250.00"))))
        assert "read as 1800000123 (OCR confusion)" in p.reason

    def test_one_character_off_needs_the_payer_and_the_amount(self):
        items = [item("1800000123", "250.00", "90012345")]
        p = only(run(items, remit("r1", line("90012845", "250.00"))))
        assert p.rule == "fuzzy-ref" and p.decision is AUTO and p.confidence == 0.90
        assert not run(items, remit("r1", line("90012845", "250.00"), payer=None)).proposals
        p = only(run(items, remit("r1", line("90012845", "240.00"))))
        assert p.decision is REVIEW


class TestSwappedIntoAnotherItem:
    """A transposed reference that is another open item's number (rules._or_swapped)."""

    ITEMS = [item("1800000123", "250.00", "90012345"), item("1800000124", "777.00", "90012354")]

    def test_the_item_one_swap_away_that_the_amount_pays_wins(self):
        p = only(run(self.ITEMS, remit("r1", line("90012354", "250.00"), payer=None)))
        assert (p.document_no, p.rule, p.decision) == ("1800000123", "fuzzy-ref", AUTO)
        assert ("reference '90012354' names 90012354, whose 777.00 USD open the payment does "
                "not fit, and has two characters swapped from 90012345") in p.reason

    def test_its_payer_claims_the_named_item_without_a_conflict(self):
        result = run(self.ITEMS, remit("r1", line("90012354", "250.00"), payer=None),
                     remit("r2", line("90012354", "777.00")))
        assert {(p.remittance_id, p.document_no, p.decision) for p in result.proposals} == {
            ("r1", "1800000123", AUTO), ("r2", "1800000124", AUTO)}

    def test_a_partial_payment_of_the_named_item_stays_with_it(self):
        p = only(run(self.ITEMS, remit("r1", line("90012354", "300.00"), payer=None)))
        assert (p.document_no, p.decision) == ("1800000124", REVIEW)

    def test_the_named_items_stated_open_amount_keeps_it(self):
        r = remit("r1", RemittanceLine("90012354", Decimal("250.00"),
                                       gross_amount=Decimal("777.00")), payer=None)
        p = only(run(self.ITEMS, r))
        assert p.document_no == "1800000124"

    def test_two_items_one_swap_away_that_fit_are_not_guessed(self):
        items = [*self.ITEMS, item("1800000125", "250.00", "90021354")]
        p = only(run(items, remit("r1", line("90012354", "250.00"), payer=None)))
        assert (p.document_no, p.decision) == ("1800000124", REVIEW)

    def test_not_an_item_of_another_customer_than_the_payer(self):
        items = [item("1800000123", "250.00", "90012345", customer=BOLT.number),
                 item("1800000124", "777.00", "90012354")]
        p = only(run(items, remit("r1", line("90012354", "250.00"))))
        assert (p.document_no, p.treatment) == ("1800000124", Treatment.PARTIAL)  # ACME's


class TestFuzzyAmountCorroborates:
    def test_the_stated_invoice_amount_corroborates_without_a_payer(self):
        items = [item("1800000123", "250.00", "90012345")]
        bare = only(run(items, remit("r1", line("90012354", "249.50"), payer=None)))
        stated = RemittanceLine("90012354", Decimal("249.50"), gross_amount=Decimal("250.00"))
        p = only(run(items, remit("r1", stated, payer=None)))
        assert (bare.decision, p.decision, p.treatment) == (REVIEW, AUTO, Treatment.WRITE_OFF)
        with_deduction = RemittanceLine("90012354", Decimal("240.00"), deduction=Decimal("10.00"),
                                        deduction_reason="damaged")  # 240 + 10 is the open
        p = only(run(items, remit("r1", with_deduction, payer=None)))
        assert (p.decision, p.treatment) == (AUTO, Treatment.RESIDUAL)

    def test_a_swapped_reference_without_a_payer_needs_the_stated_invoice_amount(self):
        items = [item("1800000123", "250.00", "90012345")]
        p = only(run(items, remit("r1", line("90012354", "250.00"), payer=None)))
        assert (p.rule, p.decision, p.confidence) == ("fuzzy-ref", REVIEW, 0.89)
        stated = RemittanceLine("90012354", Decimal("250.00"), gross_amount=Decimal("250.00"))
        p = only(run(items, remit("r1", stated, payer=None)))
        assert (p.rule, p.decision, p.confidence) == ("fuzzy-ref", AUTO, 0.93)

    def test_with_an_unstated_difference_it_needs_more(self):
        items = [item("1800000123", "250.00", "90012345")]
        p = only(run(items, remit("r1", line("90012354", "249.50"), payer=None)))
        assert p.decision is REVIEW and p.confidence < 0.90


class TestCorroboration:
    """An advice naming no payer: its other lines, surely paying one customer's invoices by
    reference, stand in for the payer (rules.corroborate)."""

    ITEMS = [item("1800000123", "250.00", "90012345"), item("1800000124", "400.00", "90012360"),
             item("1800000125", "900.00", "90012371"),
             item("1800000200", "300.00", "90077001", customer=BOLT.number)]

    def test_a_swapped_reference_with_a_difference_written_off(self):
        lone = only(run(self.ITEMS, remit("r1", line("90012354", "249.50"), payer=None)))
        assert (lone.decision, lone.treatment) == (REVIEW, Treatment.WRITE_OFF)
        result = run(self.ITEMS, remit("r1", line("90012354", "249.50"),
                                       line("90012360", "400.00"), payer=None))
        p = result.proposals[0]
        assert (p.decision, p.document_no, p.treatment) == (AUTO, "1800000123",
                                                          Treatment.WRITE_OFF)
        assert p.confidence > lone.confidence
        assert "the advice's other lines pay invoices of ACME Corp." in p.reason
        assert all(q.decision is AUTO for q in result.proposals)

    def test_a_partial_payment_is_confirmed_by_the_other_lines(self):
        alone = run(self.ITEMS, remit("r1", line("90012371", "300.00"), payer=None))
        assert alone.proposals[0].decision is REVIEW
        assert "no identified payer confirms" in alone.proposals[0].reason
        p = run(self.ITEMS, remit("r1", line("90012371", "300.00"), line("90012360", "400.00"),
                                  payer=None)).proposals[0]
        assert (p.decision, p.treatment, p.applied_amount) == (AUTO, Treatment.PARTIAL,
                                                               Decimal("300.00"))

    def test_lines_of_another_customer_do_not_vouch(self):
        result = run(self.ITEMS, remit("r1", line("90012371", "300.00"),
                                       line("90077001", "300.00"), payer=None))
        assert result.proposals[0].decision is REVIEW

    def test_lines_of_two_customers_vouch_for_nobody(self):
        items = [*self.ITEMS, item("1800000201", "500.00", "90077002", customer=BOLT.number)]
        result = run(items, remit("r1", line("90012371", "300.00"), line("90012360", "400.00"),
                                  line("90077002", "500.00"), payer=None))
        assert result.proposals[0].decision is REVIEW

    def test_a_named_payer_is_never_overruled(self):
        result = run(self.ITEMS, remit("r1", line("90012371", "300.00"),
                                       line("90012360", "400.00"), payer="Bolt Industries Inc."))
        assert all(p.decision is REVIEW for p in result.proposals if p.document_no)

    def test_no_amount_only_match_from_the_other_lines(self):
        result = run(self.ITEMS, remit("r1", line("", "900.00"), line("90012360", "400.00"),
                                       payer=None))
        assert all(p.line_index == 1 for p in result.proposals if p.document_no)


class TestPoNumber:
    def test_po_without_reference(self):
        items = [item("1800000001", "300.00", "9001", po="PO-7781"),
                 item("1800000002", "450.00", "9002", po="PO-7781")]
        p = only(run(items, remit("r1", line("", "450.00", po="po 7781"))))
        assert (p.rule, p.document_no, p.decision) == ("po-number", "1800000002", AUTO)

    def test_po_set_summing_up(self):
        items = [item("1800000001", "300.00", "9001", po="PO-7781"),
                 item("1800000002", "450.00", "9002", po="PO-7781"),
                 item("1800000003", "999.00", "9003", po="PO-7781")]
        result = run(items, remit("r1", line("", "750.00", po="PO-7781")))
        assert sorted(p.document_no for p in result.proposals) == ["1800000001", "1800000002"]

    def test_a_partial_payment_of_the_pos_one_item_is_sure_as_for_a_reference(self):
        items = [item("1800000001", "1000.00", "9001", po="PO-7781")]
        p = only(run(items, remit("r1", line("", "400.00", po="PO-7781"))))
        assert (p.rule, p.decision, p.treatment) == ("po-number", AUTO, Treatment.PARTIAL)
        p = only(run(items, remit("r1", line("", "400.00", po="PO-7781"), payer=None)))
        assert p.decision is REVIEW and "no identified payer confirms" in p.reason

    def test_another_open_item_the_amount_fits_keeps_it_for_review(self):
        items = [item("1800000001", "1000.00", "9001", po="PO-7781"),
                 item("1800000002", "400.00", "9002")]
        p = only(run(items, remit("r1", line("", "400.00", po="PO-7781"))))
        assert p.decision is REVIEW and "fits open item 9002" in p.reason


class TestAmountOnly:
    def test_unique_single_item(self):
        items = [item("1800000001", "300.00", "9001"), item("1800000002", "450.10", "9002")]
        p = only(run(items, remit("r1", total="450.10")))
        assert (p.rule, p.document_no, p.line_index, p.decision) == (
            "amount-only", "1800000002", None, AUTO)

    def test_unique_combination_autos(self):
        items = [item("1800000001", "300.00", "9001"), item("1800000002", "450.10", "9002"),
                 item("1800000003", "75.25", "9003")]
        result = run(items, remit("r1", total="375.25"))
        assert {p.document_no for p in result.proposals} == {"1800000001", "1800000003"}
        assert {p.rule for p in result.proposals} == {"amount-combination"}
        assert all(p.decision is AUTO and p.alternative == "" for p in result.proposals)
        assert all("only these 2 open items of the payer add up to the payment" in p.reason
                   for p in result.proposals)

    def test_trap_two_equally_good_combinations_never_auto(self):
        items = [item("1800000001", "100.00", "9001"), item("1800000002", "60.00", "9002"),
                 item("1800000003", "40.00", "9003"), item("1800000004", "55.00", "9004")]
        result = run(items, remit("r1", total="100.00"))
        assert result.proposals and not result.unmatched
        assert all(p.decision is REVIEW for p in result.proposals)
        assert {p.alternative for p in result.proposals} == {"a1", "a2"}
        assert "2 sets of open items fit the amount" in result.proposals[0].reason

    def test_customer_alone_never_matches(self):
        items = [item("1800000001", "300.00", "9001")]
        result = run(items, remit("r1", total="123.45"))
        assert not result.proposals and result.unmatched[0].customer == ACME.number

    def test_unknown_payer_is_unmatched(self):
        items = [item("1800000001", "300.00", "9001")]
        result = run(items, remit("r1", total="300.00", payer=None))
        assert not result.proposals
        assert "payer is not identified" in result.unmatched[0].reason

    def test_the_exact_amount_beats_a_decoy_a_few_cents_away(self):
        items = [item("1800000001", "300.00", "9001"), item("1800000002", "300.04", "9002")]
        p = only(run(items, remit("r1", total="300.00")))
        assert (p.document_no, p.decision, p.treatment) == ("1800000001", AUTO, Treatment.CLEAR)

    def test_two_items_a_few_cents_away_means_review(self):
        items = [item("1800000001", "300.03", "9001"), item("1800000002", "300.04", "9002")]
        result = run(items, remit("r1", total="300.00"))
        assert not any(p.decision is AUTO for p in result.proposals)
        assert {p.alternative for p in result.proposals} == {"a1", "a2"}

    def test_credit_memo_netted_in_a_combination(self):
        items = [item("1800000001", "1000.00", "9001"), item("1800000002", "-200.00", "CM-1"),
                 item("1800000003", "333.33", "9003")]
        result = run(items, remit("r1", total="800.00"))
        assert {p.document_no for p in result.proposals} == {"1800000001", "1800000002"}


class TestDiscounts:
    terms = {"pct": "2", "discount_date": date(2026, 3, 10)}

    def test_within_grace_days(self):
        items = [item("1800000001", "1000.00", "9001", **self.terms)]
        p = only(run(items, remit("r1", line("9001", "980.00"), paid_on=date(2026, 3, 13))))
        assert p.decision is AUTO and p.discount_amount == Decimal("20.00")

    def test_trap_discount_taken_after_the_discount_date(self):
        items = [item("1800000001", "1000.00", "9001", **self.terms)]
        p = only(run(items, remit("r1", line("9001", "980.00", discount="20.00"),
                                  paid_on=date(2026, 3, 20))))
        # not granted: the 20.00 stays open as a residual item, the invoice is cleared
        assert (p.discount_amount, p.deduction_amount, p.treatment) == (
            Decimal("0.00"), Decimal("20.00"), Treatment.RESIDUAL)
        assert "taken 10 days after the discount date 2026-03-10, is not granted" in p.reason

    def test_discount_without_terms(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "980.00", discount="20.00"))))
        assert p.treatment is Treatment.RESIDUAL and "no discount terms" in p.reason
        assert p.deduction_amount == Decimal("20.00") and p.discount_amount == 0

    def test_jpy_discount_in_whole_yen(self):
        items = [item("1800000001", "123457", "9001", currency="JPY", **self.terms)]
        p = only(run(items, remit("r1", line("9001", "120988"), currency="JPY")))
        assert p.decision is AUTO
        assert (p.applied_amount, p.discount_amount) == (Decimal("120988"), Decimal("2469"))
        assert "120,988 JPY" in p.reason


class TestShortAndOverPay:
    def test_short_pay_with_deduction_reason_leaves_a_residual(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "850.00", deduction="150.00",
                                             reason="DAMAGED"))))
        assert (p.applied_amount, p.deduction_amount) == (Decimal("850.00"), Decimal("150.00"))
        assert p.decision is AUTO
        assert p.reason == ("Invoice 9001 of ACME Corp. paid short: reference matches exactly, "
                            "850.00 USD paid, 150.00 USD deducted for DAMAGED and left open as "
                            "a residual item.")

    def test_deduction_without_reason_that_explains_the_difference(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "850.00", deduction="150.00"))))
        assert (p.decision, p.treatment) == (AUTO, Treatment.RESIDUAL)
        assert "without a reason, which explains the difference exactly" in p.reason

    def test_small_difference_written_off(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "997.50"))))
        assert p.decision is AUTO and "2.50 USD short, written off" in p.reason

    def test_tolerance_is_a_policy_limit(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "997.50")),
                     policy=Policy(limits=Limits(write_off_max={"default": Decimal("1.00")}))))
        assert p.treatment is Treatment.PARTIAL and "partly paid" in p.reason

    def test_partial_payment_stays_open(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "400.00"))))
        assert (p.decision, p.treatment, p.applied_amount) == (
            AUTO, Treatment.PARTIAL, Decimal("400.00"))
        assert "600.00 USD stays open on the invoice" in p.reason

    def test_overpay_goes_on_account(self):
        items = [item("1800000001", "1000.00", "9001")]
        result = run(items, remit("r1", line("9001", "1050.00")))
        p, surplus = result.proposals
        assert p.applied_amount == Decimal("1000.00") and p.decision is AUTO
        assert (surplus.treatment, surplus.document_no, surplus.applied_amount) == (
            Treatment.ON_ACCOUNT, "", Decimal("50.00"))
        assert [(o.customer, o.amount) for o in result.on_account] == [
            (ACME.number, Decimal("50.00"))]
        assert "excess goes on account" in p.reason

    def test_credit_memo_line_netted(self):
        items = [item("1800000001", "1000.00", "9001"), item("1800000002", "-200.00", "CM-1")]
        result = run(items, remit("r1", line("9001", "1000.00"), line("CM-1", "-200.00")))
        assert [(p.document_no, p.applied_amount, p.decision) for p in result.proposals] == [
            ("1800000001", Decimal("1000.00"), AUTO), ("1800000002", Decimal("-200.00"), AUTO)]
        assert result.proposals[1].reason.startswith("Credit memo CM-1 of ACME Corp. netted")


class TestCustomers:
    def test_parent_pays_for_subsidiaries(self):
        items = [item("1800000001", "500.00", "", customer=SUB_A.number),
                 item("1800000002", "700.00", "", customer=SUB_B.number),
                 item("1800000003", "123.00", "", customer=BOLT.number)]
        p = only(run(items, remit("r1", total="700.00", payer="Global Holdings")))
        assert (p.customer, p.decision) == (SUB_B.number, AUTO)
        assert f"paid by {PARENT.name}" in p.reason

    def test_trap_alias_shared_by_two_customers_does_not_decide(self):
        items = [item("1800000001", "500.00", "", customer=ACME.number),
                 item("1800000002", "900.00", "", customer=BOLT.number)]
        from bots.cashapp import match
        from bots.domain import Customer
        shared = [Customer(ACME.number, ACME.name, aliases=("Consolidated",)),
                  Customer(BOLT.number, BOLT.name, aliases=("Consolidated",))]
        result = match(items, [remit("r1", total="500.00", payer="Consolidated")], shared)
        assert not result.proposals
        assert "fits 2 customers" in result.unmatched[0].reason

    def test_similar_name_alone_does_not_auto_an_amount_match(self):
        items = [item("1800000001", "500.00", "", customer=BOLT.number)]
        p = only(run(items, remit("r1", total="500.00", payer="Bolt Industrie")))
        assert p.decision is REVIEW and "similar name" in p.reason

    def test_a_name_with_two_letters_swapped_decides_like_the_name(self):
        items = [item("1800000001", "500.00", "", customer=BOLT.number)]
        p = only(run(items, remit("r1", total="500.00", payer="Bolt Industires")))
        assert (p.decision, p.rule) == (AUTO, "amount-only")

    def test_account_number_without_leading_zeros(self):
        items = [item("1800000001", "500.00", "", customer=BOLT.number)]
        p = only(run(items, remit("r1", total="500.00", payer=None, account="100043")))
        assert (p.customer, p.decision) == (BOLT.number, AUTO)


class TestTraps:
    def test_already_cleared_invoice_is_never_matched_to_another(self):
        # 90012345 was paid last week; only a same-amount invoice of the payer is open.
        items = [item("1800000200", "250.00", "90099999")]
        result = run(items, remit("r1", line("90012345", "250.00")))
        assert not result.proposals
        assert result.unmatched[0].reason == ("reference '90012345' is not among the open items "
                                              "(already cleared, or not ours)")

    def test_already_cleared_invoice_with_a_po_shared_by_an_open_one(self):
        items = [item("1800000200", "250.00", "90099999", po="PO-1")]
        p = only(run(items, remit("r1", line("90012345", "250.00", po="PO-1"))))
        assert p.decision is REVIEW and "already cleared, or not ours" in p.reason

    def test_duplicate_advice_in_the_batch(self):
        items = [item("1800000001", "1000.00", "9001")]
        first = remit("r1", line("9001", "1000.00"), payment_ref="CHK 5521")
        again = remit("r2", total="1000.00", payment_ref="0005521", payer=None,
                      account="100042")  # the bank's record of the same cheque
        result = run(items, first, again)
        assert [(p.remittance_id, p.decision) for p in result.proposals] == [("r1", AUTO)]
        assert result.unmatched[0].remittance_id == "r2"
        assert "duplicate advice of remittance r1" in result.unmatched[0].reason
        assert result.stats.duplicates == 1

    def test_remittance_already_applied(self):
        items = [item("1800000001", "1000.00", "9001")]
        result = run(items, remit("r1", line("9001", "1000.00")), already_applied={"r1"})
        assert not result.proposals and result.stats.already_applied == 1

    def test_copy_of_a_remittance_applied_earlier(self):
        items = [item("1800000001", "1000.00", "9001")]
        result = run(items, remit("r1", line("9001", "1000.00"), payment_ref="CHK 77"),
                     remit("r1-copy", line("9001", "1000.00"), payment_ref="CHK 77"),
                     already_applied={"r1"})
        assert not result.proposals
        assert "duplicate advice of remittance r1" in result.unmatched[1].reason

    def test_two_payments_claiming_one_invoice_both_review(self):
        items = [item("1800000001", "1000.00", "9001")]
        result = run(items, remit("r1", line("9001", "1000.00")),
                     remit("r2", line("9001", "1000.00"), payer="ACME Corp", paid_on=date(
                         2026, 3, 14)))
        assert [p.decision for p in result.proposals] == [REVIEW, REVIEW]
        assert "also claimed by remittance r2" in result.proposals[0].reason

    def test_lines_not_adding_up_to_the_total(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "1000.00"), total="1100.00")))
        assert p.decision is REVIEW and "lines add up to 1000.00" in p.reason

    def test_above_the_auto_limit(self):
        items = [item("1800000001", "300000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "300000.00"))))
        assert p.decision is REVIEW and "auto limit of 250000.00 USD" in p.reason

    def test_other_currency_is_not_matched(self):
        items = [item("1800000001", "1000.00", "9001", currency="EUR")]
        result = run(items, remit("r1", line("9001", "1000.00")))
        assert not result.proposals and "in EUR" in result.unmatched[0].reason
