"""Who paid: identifying the customer behind a remittance.

:class:`PartyIndex` is built once per run from the customer master, the
customer numbers seen in the open items, and the aliases learned from
confirmed matches (:mod:`bots.cashapp.memory`). :meth:`PartyIndex.identify`
then answers, for a remittance, with a :class:`Payer`:

1. the account number the advice states (leading zeros restored), if we know it
   and the payer name, when it names a known customer, names one of its group
   (else *ambiguous*: a supplier number in the payer's books may look like a
   customer number of ours);
   else the bank account it states (an IBAN), when a confirmed payment taught
   whose it is (:func:`account_alias`, learned by :mod:`bots.cashapp.memory`);
2. the payer name, compared after dropping case, accents, punctuation and legal
   forms (``Inc``, ``Corp.``, ``GmbH`` ...), against legal names, configured
   aliases and learned aliases;
3. the same name with two neighbouring letters swapped back (``Nroth Foods``,
   a typing slip), when exactly one known name is so: it decides like the name;
   else the same name, fuzzily (rapidfuzz ``token_sort_ratio`` >= 92), among names
   sharing its first letters and with the same numbers in it; a payer found
   this way corroborates a reference but does not make an amount-only match
   auto on its own;
4. the e-mail domain of the sender, if the source names an address and one
   customer's AR contact uses that domain.

A name or alias that several customers share gives an *ambiguous* payer: it
may confirm a reference match but never decides alone. Groups: a customer's
``parent`` pays for it, so :meth:`PartyIndex.scope` of a parent includes its
subsidiaries, and :meth:`PartyIndex.same_group` accepts any pair under one
top parent.

Limits: the fuzzy step compares within blocks of names with the same first two
characters, so a payer name whose first two letters are misspelled is not found
by it (unless the slip is two neighbouring letters swapped: step 3's first part).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bots.domain import Customer, Remittance

LEGAL_FORMS = frozenset(
    "INC INCORPORATED CORP CORPORATION CO COMPANY LLC LLP LP LTD LIMITED GMBH AG KG SA SAS "
    "SARL SRL SPA BV NV PLC PTY AB AS OY KK THE".split())
_WORD = re.compile(r"[0-9A-Z]+")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
FREE_MAIL = frozenset({"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "gmx.de",
                       "web.de", "icloud.com", "aol.com"})
FUZZY_CUTOFF = 92

# How the payer was found, strongest first; only these decide alone.
DECISIVE = frozenset({"account", "learned account", "name", "alias", "learned alias",
                      "misspelled name", "similar name", "domain"})
ACCOUNT_ALIAS = "ACCOUNT:"  # prefix of a learned bank account among the learned aliases


def name_key(name: str) -> str:
    """``name`` without case, accents, punctuation or legal forms (``"ACME"``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    plain = plain.replace(".", "")  # "S.A." is SA, "Inc." is INC
    words = [w for w in _WORD.findall(plain) if w not in LEGAL_FORMS]
    return " ".join(words)


def _digits(key: str) -> list[str]:
    """The number words of a name key: "NORTH FOODS 2" and "NORTH FOODS 3" never match."""
    return [w for w in key.split() if w.isdigit()]


def account_alias(account: str) -> str:
    """The learned-alias key of a bank account as printed (``"ACCOUNT:DE89370400440532013000"``)."""
    return ACCOUNT_ALIAS + "".join(ch for ch in account.upper() if ch.isalnum())


def account_key(number: str) -> str:
    """A customer number with SAP's leading zeros restored for numeric numbers."""
    number = number.strip()
    return number.zfill(10) if number.isdigit() else number.upper()


@dataclass(frozen=True, slots=True)
class Payer:
    """Who the engine thinks paid: candidate customers and how they were found."""

    customers: frozenset[str]
    how: str  # account|learned account|name|alias|learned alias|similar name|domain|...
    label: str  # what the advice said, for sentences

    @property
    def decisive(self) -> bool:
        """One customer, found by a means that may decide alone."""
        return len(self.customers) == 1 and self.how in DECISIVE

    @property
    def customer(self) -> str | None:
        return next(iter(self.customers)) if self.decisive else None


class PartyIndex:
    """Customers by number, name, alias and domain; groups by parent."""

    def __init__(self, customers: Iterable[Customer], known_numbers: Iterable[str] = (),
                 learned_aliases: Mapping[str, frozenset[str]] | None = None) -> None:
        self.customers: dict[str, Customer] = {c.number: c for c in customers}
        self.numbers = set(self.customers) | set(known_numbers)
        self._names: dict[str, set[str]] = defaultdict(set)
        self._how: dict[str, str] = {}
        self._domains: dict[str, set[str]] = defaultdict(set)
        children: dict[str, set[str]] = defaultdict(set)
        for c in self.customers.values():
            self._add_name(c.name, c.number, "name")
            for alias in c.aliases:
                self._add_name(alias, c.number, "alias")
            if c.parent:
                children[account_key(c.parent)].add(c.number)
            domain = c.email.rpartition("@")[2].lower()
            if domain and domain not in FREE_MAIL:
                self._domains[domain].add(c.number)
        self._accounts: dict[str, frozenset[str]] = {}
        for alias, numbers in (learned_aliases or {}).items():
            if alias.startswith(ACCOUNT_ALIAS):
                self._accounts[alias] = numbers
                continue
            for number in numbers:
                self._add_name(alias, number, "learned alias")
        self._children = children
        self._blocks: dict[str, list[str]] = defaultdict(list)
        for key in self._names:
            self._blocks[key[:2]].append(key)
        self._cache: dict[tuple[str | None, str | None, tuple[str, ...]], Payer] = {}
        self._roots: dict[str, str] = {}

    def _swapped(self, key: str) -> frozenset[str]:
        """The customers of the one known name that ``key`` is with two neighbouring
        letters swapped back (``NROTH FOODS`` -> ``NORTH FOODS``); none when no known
        name or several are."""
        found = {key[:i] + key[i + 1] + key[i] + key[i + 2:]
                 for i in range(len(key) - 1)
                 if key[i] != key[i + 1] and key[i].isalpha() and key[i + 1].isalpha()}
        known = [k for k in found if k in self._names]
        return frozenset(self._names[known[0]]) if len(known) == 1 else frozenset()

    def _add_name(self, name: str, number: str, how: str) -> None:
        key = name_key(name)
        if key:
            self._names[key].add(number)
            self._how.setdefault(key, how)

    def name(self, number: str) -> str:
        """The customer's legal name, or ``customer <number>`` when unknown."""
        c = self.customers.get(number)
        return c.name if c else f"customer {number}"

    def root(self, number: str) -> str:
        """The top parent of ``number`` (itself when it has none)."""
        found = self._roots.get(number)
        if found is None:
            found = self._roots[number] = self._find_root(number)
        return found

    def _find_root(self, number: str) -> str:
        seen = {number}
        while (c := self.customers.get(number)) and c.parent:
            parent = account_key(c.parent)
            if parent in seen:
                break
            seen.add(parent)
            number = parent
        return number

    def same_group(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` are one customer or under one top parent."""
        return a == b or self.root(a) == self.root(b)

    def scope(self, number: str) -> set[str]:
        """``number`` and every subsidiary below it: whose items it may pay."""
        out, todo = {number}, [number]
        while todo:
            for child in self._children.get(todo.pop(), ()):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        return out

    def identify(self, remittance: Remittance) -> Payer:
        """The payer of ``remittance`` (see the module docstring for the order)."""
        domains = tuple(d.lower() for d in _EMAIL.findall(remittance.source))
        cache_key = (remittance.payer_account, remittance.payer_name, domains)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._identify(remittance, domains)
            self._cache[cache_key] = found
        return found

    def _identify(self, remittance: Remittance, domains: tuple[str, ...]) -> Payer:
        label = remittance.payer_name or remittance.payer_account or ""
        if remittance.payer_account:
            number = account_key(remittance.payer_account)
            if number in self.numbers:
                named = self._names.get(name_key(remittance.payer_name or ""), set())
                if named and not any(self.same_group(number, n) for n in named):
                    # e.g. our supplier number in the payer's books printed as an account
                    return Payer(frozenset({number} | named), "ambiguous", label)
                return Payer(frozenset({number}), "account", label)
            learned = self._accounts.get(account_alias(remittance.payer_account))
            if learned:
                return Payer(learned, "learned account" if len(learned) == 1 else "ambiguous",
                             label)
        if remittance.payer_name:
            key = name_key(remittance.payer_name)
            numbers = self._names.get(key)
            if not numbers and key:
                swapped = self._swapped(key)
                if swapped:
                    return Payer(swapped, "misspelled name" if len(swapped) == 1 else
                                 "ambiguous", label)
                best = process.extractOne(key, self._blocks.get(key[:2], []),
                                          scorer=fuzz.token_sort_ratio,
                                          score_cutoff=FUZZY_CUTOFF)
                if best and _digits(best[0]) == _digits(key):
                    numbers = self._names[best[0]]
                    if len(numbers) == 1:
                        return Payer(frozenset(numbers), "similar name", label)
            if numbers:
                how = self._how[key] if len(numbers) == 1 else "ambiguous"
                return Payer(frozenset(numbers), how, label)
        for domain in domains:
            numbers = self._domains.get(domain)
            if numbers:
                how = "domain" if len(numbers) == 1 else "ambiguous"
                return Payer(frozenset(numbers), how, label)
        return Payer(frozenset(), "unknown", label)
