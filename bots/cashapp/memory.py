"""What confirmed matches teach, kept in SQLite for the next run.

Two kinds of knowledge:

* **payer aliases**: the name a payer printed (as :func:`~bots.cashapp.parties.name_key`)
  -> the customer it paid for, and likewise the bank account (IBAN) it paid
  from, when that is not a customer number (as
  :func:`~bots.cashapp.parties.account_alias`). Next run, that name or account
  identifies the customer; one learned for two customers is ambiguous and never
  decides alone.
* **reference patterns**: per customer, how often a rule that is not an exact
  reference was confirmed (``document-no-ref``: the customer prints our
  document number; ``normalised-ref``: it drops prefixes or zeros;
  ``fuzzy-ref``). Once a pattern has ``learn_min_confirmations`` confirmations,
  that rule's confidence for that customer rises (see :mod:`bots.cashapp.rules`).

Usage::

    memory = Memory("var/cashapp.sqlite")
    result = match(items, remittances, customers, policy, memory=memory)
    ...                                   # a person confirms proposals
    learn(confirmed, remittances, customers, memory)

The engine reads a :class:`Learned` snapshot once per run (no I/O while
matching). The schema is versioned (``PRAGMA user_version``); the tables are
small so they can move into the run store later behind the same class.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bots.cashapp.parties import account_alias, account_key, name_key
from bots.domain import Customer, Proposal, Remittance

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS cashapp_alias (
    alias TEXT NOT NULL, customer TEXT NOT NULL, confirmations INTEGER NOT NULL,
    PRIMARY KEY (alias, customer));
CREATE TABLE IF NOT EXISTS cashapp_pattern (
    customer TEXT NOT NULL, rule TEXT NOT NULL, confirmations INTEGER NOT NULL,
    PRIMARY KEY (customer, rule));
"""
LEARNED_RULES = frozenset({"normalised-ref", "document-no-ref", "fuzzy-ref"})


@dataclass(frozen=True)
class Learned:
    """A read-only snapshot of the memory, as the engine uses it."""

    aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    patterns: dict[tuple[str, str], int] = field(default_factory=dict)

    def confirmations(self, customer: str, rule: str) -> int:
        """How often ``rule`` was confirmed for ``customer``."""
        return self.patterns.get((customer, rule), 0)


@dataclass(frozen=True)
class Lesson:
    """What one call of :func:`learn` added."""

    aliases: int
    patterns: int


class Memory:
    """Learned aliases and reference patterns in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"{self.path}: cash-application memory schema {version} is "
                                   f"newer than this program ({SCHEMA_VERSION})")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def snapshot(self) -> Learned:
        """Everything learned so far."""
        aliases: dict[str, set[str]] = defaultdict(set)
        with self._connect() as db:
            for alias, customer in db.execute("SELECT alias, customer FROM cashapp_alias"):
                aliases[alias].add(customer)
            patterns = {(c, r): n for c, r, n in db.execute(
                "SELECT customer, rule, confirmations FROM cashapp_pattern")}
        return Learned({a: frozenset(c) for a, c in aliases.items()}, patterns)

    def add(self, aliases: Iterable[tuple[str, str]], patterns: Iterable[tuple[str, str]]
            ) -> None:
        """Count one confirmation per (alias, customer) and per (customer, rule)."""
        with self._connect() as db:
            db.executemany(
                "INSERT INTO cashapp_alias VALUES (?, ?, 1) ON CONFLICT (alias, customer) "
                "DO UPDATE SET confirmations = confirmations + 1", aliases)
            db.executemany(
                "INSERT INTO cashapp_pattern VALUES (?, ?, 1) ON CONFLICT (customer, rule) "
                "DO UPDATE SET confirmations = confirmations + 1", patterns)


def learn(confirmed: Iterable[Proposal], remittances: Iterable[Remittance],
          customers: Iterable[Customer], memory: Memory) -> Lesson:
    """Teach ``memory`` from proposals a person confirmed.

    The payer name of each remittance becomes an alias of the customer its
    confirmed items belong to (of their common parent when they span
    subsidiaries; nothing when they span unrelated customers, or when the name
    already is the customer's own name); so does the bank account it states,
    unless that is a customer number. Each confirmed non-exact reference
    rule counts once per remittance line as a pattern of the item's customer.
    """
    by_id = {r.id: r for r in remittances}
    parents = {c.number: c.parent for c in customers}
    names = {c.number: name_key(c.name) for c in customers}
    paid_for: dict[str, set[str]] = defaultdict(set)
    patterns: set[tuple[str, str, int | None, str]] = set()
    for p in confirmed:
        paid_for[p.remittance_id].add(p.customer)
        if p.rule in LEARNED_RULES:
            patterns.add((p.customer, p.rule, p.line_index, p.remittance_id))
    aliases = []
    for rid, numbers in paid_for.items():
        remittance = by_id.get(rid)
        if remittance is None:
            continue
        tops = {parents.get(n) or n for n in numbers}
        who = next(iter(numbers)) if len(numbers) == 1 else \
            next(iter(tops)) if len(tops) == 1 else None
        alias = name_key(remittance.payer_name or "")
        if who and alias and names.get(who) != alias:
            aliases.append((alias, who))
        account = remittance.payer_account or ""
        if who and account.strip() and account_key(account) not in names:
            aliases.append((account_alias(account), who))
    memory.add(aliases, [(c, r) for c, r, _, _ in patterns])
    return Lesson(aliases=len(aliases), patterns=len(patterns))
