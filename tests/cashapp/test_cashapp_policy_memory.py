"""The policy (validated where built) and the learning store (a real SQLite file)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from cashapp_build import ACME, BOLT, CUSTOMERS, item, line, remit, run

from bots.cashapp import Memory, Policy, learn, policy_from_config, policy_from_options
from bots.cashapp.memory import SCHEMA_VERSION
from bots.cashapp.parties import PartyIndex, name_key
from bots.config import ConfigError
from bots.domain import Decision


class TestPolicy:
    def test_from_config_table(self):
        p = policy_from_config({"auto_threshold": "0.95", "max_auto_amount": {
            "default": "1000.00", "jpy": "100000"}, "discount_grace_days": 0}, "site.toml")
        assert p.auto_threshold == Decimal("0.95")
        assert p.max_auto_minor("JPY") == 100000 and p.max_auto_minor("USD") == 100000
        assert p.discount_grace_days == 0

    @pytest.mark.parametrize("table, message", [
        ({"auto_threshold": "1.5"}, "site.toml: cashapp.auto_threshold: must be between 0 and 1"),
        ({"auto_threshold": 0.9}, "cashapp.auto_threshold: write money and ratios as strings"),
        ({"writeoff_limit": "abc"}, "cashapp.writeoff_limit: not a decimal number"),
        ({"max_auto_amount": {"USD": "5"}}, "cashapp.max_auto_amount: needs a `default`"),
        ({"discount_grace_days": -1}, "cashapp.discount_grace_days: must be a whole number"),
        ({"auto_deductions": "yes"}, "cashapp.auto_deductions: expected true or false"),
        ({"tolerance": "1"}, "cashapp.tolerance: unknown key"),
    ])
    def test_bad_values_name_the_key(self, table, message):
        with pytest.raises(ConfigError, match=message.replace("`", ".")):
            policy_from_config(table, "site.toml")

    def test_options_override_the_table(self):
        p = policy_from_options(["auto_threshold=0.99", "auto_on_account=false",
                                 "max_combination_items=6"], {"auto_threshold": "0.8"})
        assert (p.auto_threshold, p.limits.auto_on_account, p.max_combination_items) == (
            Decimal("0.99"), False, 6)
        with pytest.raises(ConfigError, match="expected key=value"):
            policy_from_options(["auto_threshold"])

    def test_threshold_decides(self):
        items = [item("1800000123", "250.00", "90012345")]
        r = run(items, remit("r1", line("90012345", "250.00")),
                policy=Policy(auto_threshold=Decimal("1")))
        assert r.proposals[0].decision is Decision.REVIEW


class TestParties:
    def test_name_key_drops_legal_forms_and_accents(self):
        assert name_key("ACME Corp.") == name_key("acme corporation") == "ACME"
        assert name_key("Société Générale S.A.") == "SOCIETE GENERALE"

    def test_identify_order(self):
        index = PartyIndex(CUSTOMERS)
        assert index.identify(remit("a", payer="Acme Trading")).how == "alias"
        assert index.identify(remit("b", payer="ACME Corporation")).how == "name"
        assert index.identify(remit("c", payer="Bolt Industries Incorporated")).customers == {
            BOLT.number}
        similar = index.identify(remit("d", payer="Bolt Industrie"))
        assert (similar.how, similar.customer) == ("similar name", BOLT.number)
        slip = index.identify(remit("d2", payer="Bolt Industires"))
        assert (slip.how, slip.customer) == ("misspelled name", BOLT.number)
        assert index.identify(remit("e", payer="Nobody Ltd")).how == "unknown"
        from bots.domain import Customer
        numbered = PartyIndex([Customer("1", "North Foods 2 Inc."),
                               Customer("2", "South Steel Ltd")])
        assert numbered.identify(remit("f", payer="North Foods 3")).how == "unknown"
        assert numbered.identify(remit("g", payer="North Fods 2")).customer == "1"

    def test_misspelled_name_two_neighbouring_letters_swapped(self):
        from bots.domain import Customer
        index = PartyIndex([Customer("1", "North Foods Inc."), Customer("2", "Silver Steel LLC"),
                            Customer("3", "Star Tools Ltd"), Customer("4", "Sart Tools Ltd"),
                            Customer("5", "Metro Foods 12 Co.")])
        assert index.identify(remit("a", payer="Nroth Foods Inc.")).customer == "1"
        assert index.identify(remit("b", payer="SILEVR STEEL LLC")).how == "misspelled name"
        # "Satr Tools" is one swap from Star Tools and from Sart Tools: nobody decides
        assert index.identify(remit("c", payer="Satr Tools")).customer is None
        assert index.identify(remit("d", payer="Metro Foods 21")).customer is None  # digits

    def test_an_account_number_the_payer_name_contradicts_is_ambiguous(self):
        from bots.domain import Customer
        index = PartyIndex([Customer("0000068734", "Harbor Tools Ltd"),
                            Customer("0000100042", "Acme Corp."),
                            Customer("0000100043", "Acme Retail", parent="0000100042")])
        # Acme prints our supplier number in its books, which is also a customer number of ours
        clash = index.identify(remit("a", payer="ACME Corp.", account="068734"))
        assert clash.how == "ambiguous" and clash.customers == {"0000068734", "0000100042"}
        assert index.identify(remit("b", payer="ACME Corp.", account="100042")).how == "account"
        group = index.identify(remit("c", payer="Acme Retail", account="100042"))
        assert (group.how, group.customers) == ("account", {"0000100042"})
        assert index.identify(remit("d", payer="Unknown Payer", account="068734")).how == "account"

    def test_sender_domain(self):
        from bots.domain import Customer
        index = PartyIndex([Customer("0000000001", "Zed Co", email="ar@zed.example")])
        r = remit("a", payer=None)
        r.source = "inbox/from ap@zed.example/advice.pdf"
        assert index.identify(r).how == "domain"


class TestMemory:
    def test_learned_alias_identifies_the_payer_next_run(self, tmp_path):
        memory = Memory(tmp_path / "cashapp.sqlite")
        items = [item("1800000001", "812.40", "", customer=BOLT.number)]
        unknown = remit("r1", total="812.40", payer="B.I. Distribution")
        first = run(items, unknown, memory=memory)
        assert not first.proposals and first.unmatched[0].customer == ""
        # A person applied r0 (same payer name) to Bolt's invoice and confirmed it.
        confirmed = run([item("1800000009", "10.00", "9009", customer=BOLT.number)],
                        remit("r0", line("9009", "10.00"), payer="B.I. Distribution"))
        lesson = learn(confirmed.proposals, [remit("r0", payer="B.I. Distribution")],
                       CUSTOMERS, memory)
        assert lesson.aliases == 1
        second = run(items, remit("r1", total="812.40", payer="B.I. Distribution"),
                     memory=Memory(tmp_path / "cashapp.sqlite"))
        p = second.proposals[0]
        assert (p.customer, p.rule, p.decision) == (BOLT.number, "amount-only", Decision.AUTO)

    def test_alias_learned_for_two_customers_is_ambiguous(self, tmp_path):
        memory = Memory(tmp_path / "m.sqlite")
        memory.add([("SHARED PAYMENTS", ACME.number), ("SHARED PAYMENTS", BOLT.number)], [])
        items = [item("1800000001", "55.00", "", customer=ACME.number)]
        result = run(items, remit("r1", total="55.00", payer="Shared Payments"), memory=memory)
        assert not result.proposals

    def test_document_number_pattern_raises_confidence(self, tmp_path):
        memory = Memory(tmp_path / "m.sqlite")
        items = [item("1800000123", "250.00", "90012345")]
        strict = Policy(auto_threshold=Decimal("0.95"))
        before = run(items, remit("r1", line("1800000123", "250.00"), payer=None),
                     memory=memory, policy=strict).proposals[0]
        assert before.decision is Decision.REVIEW
        for _ in range(2):
            learn([before], [remit("r1", payer=None)], CUSTOMERS, memory)
        after = run(items, remit("r1", line("1800000123", "250.00"), payer=None),
                    memory=memory, policy=strict).proposals[0]
        assert after.confidence > before.confidence and after.decision is Decision.AUTO
        assert "as in 2 confirmed payments before" in after.reason

    def test_schema_is_versioned(self, tmp_path):
        path = tmp_path / "m.sqlite"
        Memory(path)
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            db.execute("PRAGMA user_version = 99")
        with pytest.raises(RuntimeError, match="newer than this program"):
            Memory(path)
