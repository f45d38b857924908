"""The front door of cash application: :func:`match`.

::

    result = match(open_items, remittances, customers, policy, memory=None,
                   already_applied=set_of_remittance_ids)
    result.proposals   # list[Proposal]: (line, open item) pairs, auto or review
    result.unmatched   # list[Unmatched]: lines/payments nothing was proposed for
    result.on_account  # list[OnAccount]: overpayments left on the account
    result.stats       # counts per outcome

How a batch is matched:

1. Each remittance is checked against ``already_applied`` (ids applied in an
   earlier run) and against the batch itself (the same payment advised twice:
   same payer, digits of the payment reference, currency and amount, or,
   without a payment reference, the same date and lines). Such a remittance
   is never matched; it is listed unmatched with the reason.
2. Every line (or the payment, when the advice has no lines) becomes a unit.
   The rules of :mod:`bots.cashapp.rules` run in table order over *all* units
   of the batch, so a reference match anywhere claims its item before an
   amount-only search could take it.
3. Batch checks turn ``auto`` into ``review``: an open item claimed by two
   units; lines that do not add up to the payment total, or an advice that
   came with extraction warnings; a unit above the policy's auto amount; a
   confidence below the threshold.

Amounts in a proposal: ``applied_amount`` is the cash applied to the item
(per remittance, the applied amounts add up to the payment, less any excess
left on account); ``discount_amount`` the discount granted;
``deduction_amount`` the short pay left open as a residual item. An auto
proposal always clears its item: open amount = applied + discount + deduction
+ a write-off within tolerance (named in the reason). A partial payment, whose
rest stays open, is always review.

The engine does no I/O (the memory is read once, as a snapshot). Cyclic
garbage collection is paused during the call (many small acyclic objects next
to a million open items) and restored after.

Limits: one batch at a time; items applied by an earlier batch must be gone
from ``open_items`` (the ERP snapshot), or their remittances named in
``already_applied``.
"""

from __future__ import annotations

import functools
import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bots.cashapp.explain import sentence
from bots.cashapp.index import ItemIndex
from bots.cashapp.memory import Learned, Memory
from bots.cashapp.parties import PartyIndex, Payer, name_key
from bots.cashapp.policy import Policy
from bots.cashapp.refs import normalise
from bots.cashapp.rules import CONFLICT_CAP, RULES, Context, Finding, Outcome, Unit
from bots.domain import Customer, Decision, OpenItem, Proposal, Remittance, from_minor, to_minor


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A remittance line (or payment) with no proposal at all, and why."""

    remittance_id: str
    line_index: int | None
    customer: str  # the payer, when identified
    amount: Decimal  # the amount waiting to be applied
    currency: str
    reason: str


@dataclass(frozen=True, slots=True)
class OnAccount:
    """Cash beyond the open amount of an item, left on the customer's account."""

    remittance_id: str
    line_index: int | None
    customer: str
    amount: Decimal
    currency: str


@dataclass
class MatchStats:
    """Counts of one batch; a unit is a remittance line, or a payment without lines."""

    remittances: int = 0
    units: int = 0
    auto: int = 0
    review: int = 0
    unmatched: int = 0
    duplicates: int = 0
    already_applied: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)


@dataclass
class MatchResult:
    proposals: list[Proposal]
    unmatched: list[Unmatched]
    on_account: list[OnAccount]
    stats: MatchStats


def advice_key(r: Remittance, customer: str = "") -> tuple[object, ...]:
    """What makes two advices the same payment (see the module docstring).

    ``customer`` is the payer once identified; without it the printed payer
    name or account stands in (intake uses it so, before matching).
    """
    who = customer or name_key(r.payer_name or "") or r.payer_account or ""
    amount = r.total if r.total is not None else sum((x.paid_amount for x in r.lines),
                                                     Decimal(0))
    digits = "".join(ch for ch in r.payment_ref or "" if ch.isdigit()).lstrip("0")
    if digits:  # "ACH 000123987" and "123987" are one payment reference
        return ("ref", who, digits, r.currency, amount)
    lines = tuple(sorted((normalise(x.invoice_ref), x.paid_amount) for x in r.lines))
    return ("lines", who, r.payment_date, r.currency, amount, lines)


@functools.cache
def zero(currency: str) -> Decimal:
    """0 with the currency's decimals (``0.00``, ``0`` for JPY)."""
    return from_minor(0, currency)


def _minor(amount: Decimal, currency: str) -> int:
    return to_minor(amount, currency) if amount else 0


def _units(r: Remittance, payer: Payer) -> list[Unit]:
    cur = r.currency
    if r.lines:
        return [Unit(r, i, x.invoice_ref or "", x.po_number or "", to_minor(x.paid_amount, cur),
                     _minor(x.discount, cur), _minor(x.deduction, cur), x.deduction_reason,
                     payer) for i, x in enumerate(r.lines)]
    if r.total is None:
        return []
    return [Unit(r, None, "", "", to_minor(r.total, cur), 0, 0, None, payer)]


def _unit_amount(r: Remittance, line_index: int | None) -> Decimal:
    if line_index is None:
        return r.total if r.total is not None else Decimal(0)
    return r.lines[line_index].paid_amount


class _Batch:
    """The state of one call of :func:`match`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.units: list[Unit] = []
        self.findings: list[Finding | None] = []
        self.rejections: list[str] = []
        self.unmatched: list[Unmatched] = []
        self.stats = MatchStats()

    def skip(self, r: Remittance, why: str) -> None:
        lines = range(len(r.lines)) if r.lines else [None]
        for i in lines:
            self.unmatched.append(Unmatched(r.id, i, "", _unit_amount(r, i), r.currency, why))

    def run_rules(self) -> None:
        self.findings = [None] * len(self.units)
        self.rejections = [""] * len(self.units)
        pending = list(range(len(self.units)))
        for rule in RULES:
            still = []
            for n in pending:
                found = rule.apply(self.ctx, self.units[n])
                if found is None or found.outcome is Outcome.REJECTED:
                    still.append(n)
                    if found is not None:
                        self.rejections[n] = self.rejections[n] or found.reason
                    continue
                self.findings[n] = found
                self.ctx.taken.update(found.items)
            pending = still

    def batch_checks(self) -> None:
        policy, items = self.ctx.policy, self.ctx.index.items
        claims: dict[int, list[int]] = defaultdict(list)
        for n, found in enumerate(self.findings):
            for p in found.items if found else ():
                claims[p].append(n)
        for p, claimers in claims.items():
            if len(claimers) > 1:
                for n in claimers:
                    others = [self._where(m) for m in claimers if m != n]
                    self._caveat(n, f"open item {items[p].document_no} is also claimed by "
                                    + ", ".join(others[:3]))
        line_sums: dict[str, Decimal] = {}
        for n, unit in enumerate(self.units):
            r = unit.remittance
            if unit.line_index is not None and r.total is not None:
                lines = line_sums.get(r.id)
                if lines is None:
                    lines = line_sums[r.id] = sum((x.paid_amount for x in r.lines), Decimal(0))
                if lines != r.total:
                    self._caveat(n, f"the lines add up to {lines} but the payment is "
                                    f"{r.total} {r.currency}")
            for warning in r.warnings:
                self._caveat(n, f"the advice was read with a warning ({warning})")
            if unit.paid > policy.max_auto_minor(unit.currency):
                self._caveat(n, f"the amount is above the auto limit of "
                                f"{from_minor(policy.max_auto_minor(unit.currency), unit.currency)}"
                                f" {unit.currency}")

    def _where(self, n: int) -> str:
        unit = self.units[n]
        line = "" if unit.line_index is None else f" line {unit.line_index}"
        return f"remittance {unit.remittance.id}{line}"

    def _caveat(self, n: int, why: str) -> None:
        found = self.findings[n]
        if found is not None:
            found.caveats.append(why)
            found.confidence = min(found.confidence, CONFLICT_CAP)

    def results(self) -> MatchResult:
        proposals: list[Proposal] = []
        on_account: list[OnAccount] = []
        threshold = float(self.ctx.policy.auto_threshold)
        for n, unit in enumerate(self.units):
            found = self.findings[n]
            if found is None:
                self.unmatched.append(self._unmatched(n))
                continue
            auto = (found.outcome is Outcome.AUTO and not found.caveats
                    and found.confidence >= threshold)
            if found.outcome is Outcome.AUTO and not auto and not found.caveats:
                found.caveats.append(f"confidence {found.confidence:.2f} is below the auto "
                                     f"threshold of {threshold:.2f}")
            decision = Decision.AUTO if auto else Decision.REVIEW
            self.stats.auto += auto
            self.stats.review += not auto
            self.stats.by_rule[found.rule] += 1
            proposals.extend(self._proposals(unit, found, decision))
            for p, f in zip(found.items, found.fits, strict=True):
                if f.on_account:
                    on_account.append(OnAccount(
                        unit.remittance.id, unit.line_index, self.ctx.index.items[p].customer,
                        from_minor(f.on_account, unit.currency), unit.currency))
        self.stats.unmatched = len(self.unmatched)
        self.stats.units = self.stats.auto + self.stats.review + self.stats.unmatched
        return MatchResult(proposals, self.unmatched, on_account, self.stats)

    def _proposals(self, unit: Unit, found: Finding, decision: Decision) -> list[Proposal]:
        index, parties = self.ctx.index, self.ctx.parties
        out = []
        payer = unit.payer.customer
        for p, f, why in zip(found.items, found.fits, found.evidence, strict=True):
            item = index.items[p]
            cur = item.currency
            if payer and payer != item.customer and parties.same_group(payer, item.customer):
                why += f", paid by {parties.name(payer)} for its subsidiary"
            reason = sentence(item, parties.name(item.customer), f, index.amount(p), why,
                              found.caveats, unit.deduction_reason)
            out.append(Proposal(
                remittance_id=unit.remittance.id, line_index=unit.line_index,
                customer=item.customer, document_no=item.document_no,
                fiscal_year=item.fiscal_year, line_item=item.line_item,
                applied_amount=from_minor(f.applied, cur), decision=decision,
                confidence=found.confidence, rule=found.rule, reason=reason,
                discount_amount=from_minor(f.discount, cur) if f.discount else zero(cur),
                deduction_amount=from_minor(f.deduction, cur) if f.deduction else zero(cur)))
        return out

    def _unmatched(self, n: int) -> Unmatched:
        unit = self.units[n]
        payer = unit.payer
        why = self.rejections[n]
        if not why:
            if unit.ref:
                why = (f"reference {unit.ref!r} is not among the open items (already cleared, "
                       "or not ours)")
            elif payer.decisive:
                why = (f"no invoice reference, and no open item or unique set of open items "
                       f"of {self.ctx.parties.name(payer.customer or '')} fits the amount")
            elif payer.customers:
                why = (f"no invoice reference, and the payer {payer.label!r} fits "
                       f"{len(payer.customers)} customers")
            else:
                why = "no invoice reference, and the payer is not identified"
        return Unmatched(unit.remittance.id, unit.line_index, payer.customer or "",
                         _unit_amount(unit.remittance, unit.line_index), unit.currency, why)


def match(open_items: Sequence[OpenItem], remittances: Iterable[Remittance],
          customers: Iterable[Customer] = (), policy: Policy | None = None,
          memory: Memory | Learned | None = None,
          already_applied: Iterable[str] = ()) -> MatchResult:
    """Propose how ``remittances`` pay ``open_items`` (see the module docstring)."""
    # The batch allocates many small acyclic objects next to a million open items:
    # cyclic garbage collection would walk them all, repeatedly, and find nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _match(open_items, remittances, customers, policy or Policy(), memory,
                      already_applied)
    finally:
        if collecting:
            gc.enable()


def _match(open_items: Sequence[OpenItem], remittances: Iterable[Remittance],
           customers: Iterable[Customer], policy: Policy, memory: Memory | Learned | None,
           already_applied: Iterable[str]) -> MatchResult:
    learned = memory.snapshot() if isinstance(memory, Memory) else memory or Learned()
    index = ItemIndex(open_items)
    parties = PartyIndex(customers, index.customers, learned.aliases)
    batch = _Batch(Context(index, parties, policy, learned))
    applied = set(already_applied)
    seen: dict[tuple[object, ...], str] = {}
    seen_ids: set[str] = set()
    for r in remittances:
        batch.stats.remittances += 1
        payer = parties.identify(r)
        first = seen.setdefault(advice_key(r, payer.customer or ""), r.id)
        if r.id in applied:  # its copies later in the batch are duplicates of it
            batch.stats.already_applied += 1
            batch.skip(r, f"remittance {r.id} was already applied in an earlier run")
            continue
        duplicate = first != r.id or r.id in seen_ids
        seen_ids.add(r.id)
        if duplicate:
            batch.stats.duplicates += 1
            batch.skip(r, f"duplicate advice of remittance {first}: the same payment is not "
                          "applied twice")
            continue
        units = _units(r, payer)
        if not units:
            batch.skip(r, "the advice states neither lines nor a payment total")
        batch.units.extend(units)
    batch.run_rules()
    batch.batch_checks()
    return batch.results()
