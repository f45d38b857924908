"""Treatments (clear, residual, partial, write-off, on account), the on-account remainder,
alternatives, per-company limits, reason codes in several languages, and the never-cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from cashapp_build import ACME, BOLT, CUSTOMERS, item, line, only, remit, run

from bots.cashapp import Memory, Policy, learn, match, policy_from_config, policy_from_options
from bots.cashapp.policy import Limits
from bots.cashapp.reasons import classify, reason_code
from bots.config import ConfigError
from bots.domain import Decision, Proposal, Treatment

AUTO, REVIEW = Decision.AUTO, Decision.REVIEW
CODES = {"DAMAGED": "D01", "PRICING": "P01", "SHORTAGE": "S01", "FREIGHT": "F01",
         "BANK_CHARGES": "B01", "UNEARNED_DISCOUNT": "U01", "WRITE_OFF": "W01",
         "OVERPAYMENT": "O01", "UNAPPLIED": "A01", "DMG": "D02", "DEFAULT": "Z99"}
POLICY = Policy(reason_codes=CODES)


def on_account(rows: list[Proposal]) -> list[Proposal]:
    return [p for p in rows if p.treatment is Treatment.ON_ACCOUNT]


def items_of(rows: list[Proposal]) -> list[Proposal]:
    return [p for p in rows if p.treatment is not Treatment.ON_ACCOUNT]


class TestReasonCodes:
    @pytest.mark.parametrize("printed, key", [
        ("damaged", "DAMAGED"), ("beschädigt", "DAMAGED"), ("endommagé", "DAMAGED"),
        ("Transportschaden", "DAMAGED"), ("danneggiato", "DAMAGED"),
        ("pricing", "PRICING"), ("Price difference", "PRICING"), ("Preisdifferenz", "PRICING"),
        ("écart de prix", "PRICING"), ("prijsverschil", "PRICING"),
        ("freight", "FREIGHT"), ("Frachtkosten", "FREIGHT"), ("frais de port", "FREIGHT"),
        ("shortage", "SHORTAGE"), ("Fehlmenge", "SHORTAGE"), ("SHORT SHIPMENT", "SHORTAGE"),
        ("bank charges", "BANK_CHARGES"), ("Bankgebühren", "BANK_CHARGES"),
        ("frais bancaires", "BANK_CHARGES"), ("Teilzahlung", "PARTIAL"),
        ("2% Skonto", "DISCOUNT"), ("VAT withheld", "TAX"), ("see letter", "DEDUCTION"),
    ])
    def test_synonyms_in_several_languages(self, printed, key):
        assert classify(printed) == key

    @pytest.mark.parametrize("printed, key", [
        ("uszkodzony towar", "DAMAGED"), ("błędna cena", "PRICING"), ("brak towaru", "SHORTAGE"),
        ("koszty transportu", "FREIGHT"), ("opłata bankowa", "BANK_CHARGES"),
        ("rabat promocyjny", "PROMOTION"), ("płatność częściowa", "PARTIAL"),
        ("skadad vara", "DAMAGED"), ("felaktigt pris", "PRICING"), ("saknas", "SHORTAGE"),
        ("fraktkostnad", "FREIGHT"), ("kampanjrabatt", "PROMOTION"), ("kassarabatt", "DISCOUNT"),
        ("beskadiget", "DAMAGED"), ("ødelagt", "DAMAGED"), ("prisafvigelse", "PRICING"),
        ("manglende levering", "SHORTAGE"), ("fragt", "FREIGHT"), ("markedsføringsbidrag",
                                                                   "PROMOTION"),
        ("prisavvik", "PRICING"), ("delbetaling", "PARTIAL"), ("vaurioitunut", "DAMAGED"),
        ("hintaero", "PRICING"), ("puuttuva", "SHORTAGE"), ("rahti", "FREIGHT"),
        ("kampanja-alennus", "PROMOTION"), ("danificado", "DAMAGED"),
        ("diferença de preço", "PRICING"), ("falta de mercadoria", "SHORTAGE"),
        ("frete", "FREIGHT"), ("devolução", "RETURN"), ("poškozeno", "DAMAGED"),
        ("cenový rozdíl", "PRICING"), ("chybějící zboží", "SHORTAGE"), ("doprava", "FREIGHT"),
        ("bankovní poplatek", "BANK_CHARGES"), ("částečná platba", "PARTIAL"),
        ("reklamace", "QUALITY"), ("Transportbeschädigung", "DAMAGED"),
        # stems carry the endings; the longer phrase at one place wins
        ("Uszkodzenie towaru", "DAMAGED"), ("vahingoittuneet tuotteet", "DAMAGED"),
        ("Brakujący towar", "SHORTAGE"), ("Koszty wysyłki", "FREIGHT"),
        ("gazetka promocyjna", "PROMOTION"), ("reklama", "PROMOTION"),
        ("reklamacji", "QUALITY"), ("Reklamation", "QUALITY"), ("Transport damage", "DAMAGED"),
        ("koszty transportu", "FREIGHT"), ("dostawa częściowa", "SHORTAGE"),
        ("Sonderrabatt", "DEDUCTION"),  # not a broken ("sönder") good
    ])
    def test_polish_nordic_portuguese_czech(self, printed, key):
        """Letters NFKD leaves alone (ł, ø, æ) are folded too: "błędna" is "bledna"."""
        assert classify(printed) == key

    def test_short_words_only_match_whole_words(self):
        assert classify("taxi") == "DEDUCTION"  # not TAX
        assert classify("tax") == "TAX"

    def test_lookup_order_printed_then_key_then_default(self):
        assert reason_code(CODES, "DMG") == "D02"  # the customer's own code, configured
        assert reason_code(CODES, "beschädigt") == "D01"
        assert reason_code(CODES, "promo allowance") == "Z99"  # PROMOTION not configured
        assert reason_code(CODES, None, "OVERPAYMENT") == "O01"

    def test_configured_synonyms(self):
        policy = policy_from_config({"reason_synonyms": {"damaged": ["kaputt"]}},
                                    reason_codes=CODES)
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "900.00", deduction="100.00",
                                             reason="alles kaputt")), policy=policy))
        assert (p.treatment, p.reason_code) == (Treatment.RESIDUAL, "D01")


class TestPolicyTable:
    def test_company_code_inherits_the_defaults_and_overrides_some(self):
        p = policy_from_config({"write_off_max": "10.00", "auto_residual_max": "500.00",
                                "company_codes": {"2000": {"write_off_max": "0",
                                                           "auto_on_account": False}}})
        assert p.for_company("1000").write_off_cap("USD") == 1000
        other = p.for_company("2000")
        assert other.write_off_cap("USD") == 0 and other.residual_cap("USD") == 50000
        assert other.auto_on_account is False and p.for_company("1000").auto_on_account

    def test_old_names_are_still_read(self):
        p = policy_from_config({"writeoff_limit": "2.00", "writeoff_pct": "1"})
        assert p.limits.write_off_cap("USD") == 200
        assert p.limits.write_off_max_pct == Decimal("1")

    @pytest.mark.parametrize("table, message", [
        ({"short_pay": "ignore"}, "cashapp.short_pay: expected one of partial, residual"),
        ({"company_codes": {"2000": {"write_off_maximum": "1"}}},
         "cashapp.company_codes.2000.write_off_maximum: unknown key"),
        ({"dispute_min": {"USD": "5"}}, "cashapp.dispute_min: needs a .default"),
        ({"reason_synonyms": {"DAMAGED": "kaputt"}}, "cashapp.reason_synonyms.DAMAGED"),
    ])
    def test_bad_values_name_the_key(self, table, message):
        with pytest.raises(ConfigError, match=message):
            policy_from_config(table, "site.toml")

    def test_options_set_one_company_code(self):
        p = policy_from_options(["company_codes.2000.write_off_max=0",
                                 "company_codes.2000.auto_partial=false"])
        assert p.for_company("2000").write_off_cap("EUR") == 0
        assert p.for_company("2000").auto_partial is False
        assert p.for_company("1000").auto_partial is True


class TestTreatments:
    terms = {"pct": "2", "discount_date": date(2026, 3, 10)}

    def test_discount_within_terms_clears(self):
        items = [item("1800000001", "1000.00", "9001", **self.terms)]
        p = only(run(items, remit("r1", line("9001", "980.00")), policy=POLICY))
        assert (p.decision, p.treatment, p.reason_code) == (AUTO, Treatment.CLEAR, "")

    def test_stated_deduction_in_german_is_a_residual_with_its_code(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "850.00", deduction="150.00",
                                             reason="Ware beschädigt")), policy=POLICY))
        assert (p.decision, p.treatment, p.reason_code) == (AUTO, Treatment.RESIDUAL, "D01")
        assert p.deduction_amount == Decimal("150.00")
        assert "150.00 USD deducted for Ware beschädigt and left open as a residual" in p.reason

    def test_bank_charges_deducted_from_a_wire(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "985.00", deduction="15.00",
                                             reason="Bankgebühren")), policy=POLICY))
        assert (p.treatment, p.reason_code) == (Treatment.RESIDUAL, "B01")

    def test_late_discount_is_a_residual_with_the_unearned_discount_code(self):
        items = [item("1800000001", "1000.00", "9001", **self.terms)]
        p = only(run(items, remit("r1", line("9001", "980.00"), paid_on=date(2026, 3, 25)),
                     policy=POLICY))
        assert (p.decision, p.treatment, p.reason_code) == (AUTO, Treatment.RESIDUAL, "U01")
        assert (p.discount_amount, p.deduction_amount) == (Decimal("0.00"), Decimal("20.00"))

    def test_unexplained_short_within_tolerance_is_written_off(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "997.50")), policy=POLICY))
        assert (p.decision, p.treatment, p.reason_code) == (AUTO, Treatment.WRITE_OFF, "W01")
        assert p.applied_amount == Decimal("997.50") and p.deduction_amount == 0

    def test_or_left_as_a_residual_when_the_policy_says_so(self):
        policy = replace(POLICY, limits=Limits(short_within_tolerance="residual"))
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "997.50")), policy=policy))
        assert (p.decision, p.treatment, p.deduction_amount) == (
            AUTO, Treatment.RESIDUAL, Decimal("2.50"))

    def test_partial_payment_or_residual_per_policy(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "600.00")), policy=POLICY))
        assert (p.decision, p.treatment, p.deduction_amount) == (AUTO, Treatment.PARTIAL, 0)
        policy = replace(POLICY, limits=Limits(short_pay="residual"))
        p = only(run(items, remit("r1", line("9001", "600.00")), policy=policy))
        assert (p.decision, p.treatment, p.deduction_amount) == (
            AUTO, Treatment.RESIDUAL, Decimal("400.00"))
        policy = replace(POLICY, limits=Limits(auto_partial=False))
        p = only(run(items, remit("r1", line("9001", "600.00")), policy=policy))
        assert p.decision is REVIEW and "the policy reviews partial payments" in p.reason

    def test_stated_partial_payment_keeps_the_invoice_open(self):
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "600.00", deduction="400.00",
                                             reason="Teilzahlung")), policy=POLICY))
        assert (p.decision, p.treatment, p.deduction_amount) == (AUTO, Treatment.PARTIAL, 0)

    def test_residual_limits(self):
        policy = replace(POLICY, limits=Limits(auto_residual_max={"default": Decimal("100")},
                                               dispute_min={"default": Decimal("300")}))
        items = [item("1800000001", "1000.00", "9001")]
        p = only(run(items, remit("r1", line("9001", "850.00", deduction="150.00",
                                             reason="pricing")), policy=policy))
        assert p.decision is REVIEW and p.treatment is Treatment.RESIDUAL
        assert "above the limit for unattended residuals of 100.00 USD" in p.reason
        p = only(run(items, remit("r1", line("9001", "600.00", deduction="400.00",
                                             reason="pricing")), policy=policy))
        assert p.decision is REVIEW and "reaches the dispute threshold of 300.00 USD" in p.reason

    def test_write_off_limit_per_company_code(self):
        policy = replace(POLICY, company_codes={"2000": Limits(write_off_max={
            "default": Decimal("0")})})
        here = item("1800000001", "1000.00", "9001")
        there = replace(item("1800000002", "1000.00", "9002"), company_code="2000")
        result = run([here, there], remit("r1", line("9001", "997.50")),
                     remit("r2", line("9002", "997.50"), paid_on=date(2026, 3, 13)),
                     policy=policy)
        assert [p.treatment for p in result.proposals] == [Treatment.WRITE_OFF,
                                                          Treatment.PARTIAL]

    def test_overpayment_clears_and_puts_the_surplus_on_account(self):
        items = [item("1800000001", "1000.00", "9001")]
        result = run(items, remit("r1", line("9001", "1050.00")), policy=POLICY)
        p, surplus = result.proposals
        assert (p.decision, p.treatment, p.applied_amount) == (
            AUTO, Treatment.CLEAR, Decimal("1000.00"))
        assert (surplus.decision, surplus.customer, surplus.applied_amount,
                surplus.reason_code, surplus.line_index) == (
            AUTO, ACME.number, Decimal("50.00"), "O01", 0)
        assert surplus.reason == ("50.00 USD put on account of ACME Corp.: line 0 paid more "
                                  "than the 1,000.00 USD open on 9001, so the excess stays on "
                                  "account.")

    def test_on_account_off_in_one_company_code_reviews_the_surplus_only(self):
        policy = replace(POLICY, company_codes={"1000": Limits(auto_on_account=False)})
        items = [item("1800000001", "1000.00", "9001")]
        p, surplus = run(items, remit("r1", line("9001", "1050.00")), policy=policy).proposals
        assert (p.decision, surplus.decision) == (AUTO, REVIEW)
        assert "the policy reviews cash put on account" in surplus.reason


class TestOnAccountRemainder:
    def test_certain_line_posts_and_the_unknown_line_is_parked(self):
        items = [item("1800000001", "1000.00", "9001")]
        result = run(items, remit("r1", line("9001", "1000.00"), line("7777", "300.00")),
                     policy=POLICY)
        clear, parked = result.proposals
        assert (clear.decision, clear.document_no) == (AUTO, "1800000001")
        assert (parked.treatment, parked.decision, parked.applied_amount, parked.customer,
                parked.line_index, parked.reason_code) == (
            Treatment.ON_ACCOUNT, AUTO, Decimal("300.00"), ACME.number, None, "A01")
        assert parked.reason.startswith("300.00 USD put on account of ACME Corp.: line 1 of "
                                        "payment ACH r1 needs a person")
        assert "its cash is put on account of ACME Corp. until a person applies it" \
            in result.unmatched[0].reason
        assert [(o.customer, o.amount) for o in result.on_account] == [
            (ACME.number, Decimal("300.00"))]
        assert (result.stats.auto, result.stats.unmatched, result.stats.on_account) == (1, 1, 1)

    def test_review_line_points_at_the_on_account_row(self):
        items = [item("1800000001", "1000.00", "9001"), item("1800000002", "400.00", "9005")]
        result = run(items, remit("r1", line("9001", "1000.00"), line("9O05", "390.00")),
                     policy=POLICY)
        clear, review, parked = result.proposals
        assert (clear.decision, review.decision, parked.decision) == (AUTO, REVIEW, AUTO)
        assert "its cash is put on account of ACME Corp." in review.reason
        assert parked.applied_amount == Decimal("390.00")

    def test_policy_off_keeps_the_remainder_for_review(self):
        policy = replace(POLICY, limits=Limits(auto_on_account=False))
        items = [item("1800000001", "1000.00", "9001")]
        result = run(items, remit("r1", line("9001", "1000.00"), line("7777", "300.00")),
                     policy=policy)
        assert [p.decision for p in result.proposals] == [AUTO, REVIEW]

    def test_nothing_is_parked_for_an_unknown_payer_of_two_customers(self):
        items = [item("1800000001", "1000.00", "9001"),
                 item("1800000002", "500.00", "9002", customer=BOLT.number)]
        result = run(items, remit("r1", line("9001", "1000.00"), line("9002", "500.00"),
                                  line("7777", "300.00"), payer=None))
        assert not on_account(result.proposals)
        assert all(p.decision is REVIEW for p in result.proposals)
        assert "cannot be put on account: the payer is not identified" in \
            result.proposals[0].reason

    def test_lines_not_adding_up_park_nothing(self):
        items = [item("1800000001", "1000.00", "9001")]
        result = run(items, remit("r1", line("9001", "1000.00"), line("7777", "300.00"),
                                  total="1500.00"))
        assert not on_account(result.proposals)
        assert all(p.decision is REVIEW for p in result.proposals)


class TestAlternatives:
    def test_two_sets_are_listed_as_groups_for_review(self):
        items = [item("1800000001", "100.00", "9001"), item("1800000002", "60.00", "9002"),
                 item("1800000003", "40.00", "9003"), item("1800000004", "55.00", "9004")]
        result = run(items, remit("r1", total="100.00"))
        groups: dict[str, list[Proposal]] = {}
        for p in result.proposals:
            groups.setdefault(p.alternative, []).append(p)
        assert set(groups) == {"a1", "a2"}
        assert all(p.decision is REVIEW for p in result.proposals)
        sums = {g: sum((p.applied_amount for p in rows), Decimal(0))
                for g, rows in groups.items()}
        assert sums == {"a1": Decimal("100.00"), "a2": Decimal("100.00")}
        assert not on_account(result.proposals) and not result.unmatched

    def test_a_unique_set_of_a_parent_group_autos(self):
        from cashapp_build import SUB_A, SUB_B
        items = [item("1800000001", "500.00", "", customer=SUB_A.number),
                 item("1800000002", "700.00", "", customer=SUB_B.number),
                 item("1800000003", "90.00", "", customer=SUB_B.number)]
        result = run(items, remit("r1", total="1200.00", payer="Global Holdings"))
        assert {(p.document_no, p.decision) for p in result.proposals} == {
            ("1800000001", AUTO), ("1800000002", AUTO)}


class TestCombinationsWithDiscounts:
    terms = {"pct": "2", "discount_date": date(2026, 3, 10)}

    def test_an_item_counts_net_of_the_discount_it_earned(self):
        items = [item("1800000001", "1000.00", "9001", **self.terms),
                 item("1800000002", "250.00", "9002"), item("1800000003", "99.00", "9003")]
        result = run(items, remit("r1", total="1230.00"))  # 980.00 + 250.00
        rows = {p.document_no: p for p in result.proposals}
        assert set(rows) == {"1800000001", "1800000002"}
        assert all(p.decision is AUTO for p in rows.values())
        assert (rows["1800000001"].applied_amount, rows["1800000001"].discount_amount) == (
            Decimal("980.00"), Decimal("20.00"))

    def test_but_not_after_the_discount_date(self):
        items = [item("1800000001", "1000.00", "9001", **self.terms),
                 item("1800000002", "250.00", "9002")]
        result = run(items, remit("r1", total="1230.00", paid_on=date(2026, 3, 30)))
        assert not result.proposals


class TestNever:
    def test_already_paid_invoice_is_never_applied_to_another_item(self):
        items = [item("1800000001", "1000.00", "9001"), item("1800000200", "250.00", "90099")]
        result = run(items, remit("r1", line("9001", "1000.00"), line("90012345", "250.00")),
                     policy=POLICY)
        assert [p.document_no for p in items_of(result.proposals)] == ["1800000001"]
        assert [p.applied_amount for p in on_account(result.proposals)] == [Decimal("250.00")]

    def test_duplicated_advice_gets_no_row_at_all(self):
        items = [item("1800000001", "1000.00", "9001")]
        first = remit("r1", line("9001", "1000.00"), line("7777", "300.00"),
                      payment_ref="CHK 5521")
        again = remit("r2", line("9001", "1000.00"), line("7777", "300.00"),
                      payment_ref="CHK 5521")
        result = run(items, first, again)
        assert {p.remittance_id for p in result.proposals} == {"r1"}
        result = run(items, first, already_applied={"r1"})
        assert not result.proposals

    def test_transposed_reference_hitting_another_invoice_is_not_a_partial_payment(self):
        # 9012 is open for 300.00; the payer meant 9021, open for exactly what it paid
        items = [item("1800000001", "300.00", "9012"), item("1800000002", "250.00", "9021")]
        p = only(run(items, remit("r1", line("9012", "250.00"))))
        assert p.decision is REVIEW and "fits open item 9021" in p.reason

    def test_stated_invoice_amount_that_disagrees_is_not_an_overpayment(self):
        items = [item("1800000001", "300.00", "9012")]
        r = remit("r1", line("9012", "500.00"))
        r.lines[0].gross_amount = Decimal("500.00")
        rows = run(items, r).proposals
        assert all(p.decision is REVIEW for p in rows)
        assert "states an invoice amount of 500.00 USD" in rows[0].reason

    def test_overpayment_whose_excess_is_another_open_invoice_reviews(self):
        items = [item("1800000001", "300.00", "9012"), item("1800000002", "120.00", "9013")]
        rows = run(items, remit("r1", line("9012", "420.00"))).proposals
        assert all(p.decision is REVIEW for p in rows)
        assert "the excess equals open item 9013" in rows[0].reason

    def test_overpayment_with_a_deduction_reviews(self):
        items = [item("1800000001", "300.00", "9012")]
        rows = run(items, remit("r1", line("9012", "500.00", deduction="20.00",
                                           reason="pricing"))).proposals
        assert all(p.decision is REVIEW for p in rows)

    def test_rows_only_name_open_items(self):
        items = [item("1800000001", "1000.00", "9001"), item("1800000002", "60.00", "9002"),
                 item("1800000003", "40.00", "9003")]
        result = match(items, [remit("r1", line("9001", "1000.00"), line("X-1", "5.00")),
                               remit("r2", total="100.00", payment_ref="B"),
                               remit("r3", line("9002", "70.00"), payment_ref="C")],
                       CUSTOMERS, POLICY)
        keys = {(i.customer, i.document_no, i.fiscal_year, i.line_item) for i in items}
        for p in result.proposals:
            if p.treatment is Treatment.ON_ACCOUNT:
                assert (p.document_no, p.fiscal_year, p.line_item) == ("", "", "")
            else:
                assert (p.customer, p.document_no, p.fiscal_year, p.line_item) in keys


class TestLearnedBankAccount:
    IBAN = "DE89 3704 0044 0532 0130 00"

    def test_an_iban_learned_from_a_confirmed_payment_identifies_the_payer(self, tmp_path):
        memory = Memory(tmp_path / "m.sqlite")
        items = [item("1800000001", "300.00", "9001"), item("1800000002", "450.10", "9002")]
        first = remit("r1", line("9001", "300.00"), payer=None, account=self.IBAN)
        confirmed = run(items, first, memory=memory).proposals
        assert run(items[1:], remit("r2", total="450.10", payer=None, account=self.IBAN),
                   memory=memory).unmatched  # not known yet
        learn(confirmed, [first], CUSTOMERS, memory)
        p = only(run(items[1:], remit("r2", total="450.10", payer=None,
                                      account="DE89370400440532013000"), memory=memory))
        assert (p.customer, p.rule, p.decision) == (ACME.number, "amount-only", AUTO)

    def test_a_customer_number_is_not_learned_as_a_bank_account(self, tmp_path):
        memory = Memory(tmp_path / "m.sqlite")
        items = [item("1800000001", "300.00", "9001")]
        first = remit("r1", line("9001", "300.00"), payer=None, account="100042")
        learn(run(items, first).proposals, [first], CUSTOMERS, memory)
        assert memory.snapshot().aliases == {}
