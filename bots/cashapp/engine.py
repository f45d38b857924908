"""The front door of cash application: :func:`match`.

::

    result = match(open_items, remittances, customers, policy, memory=None,
                   already_applied=set_of_remittance_ids)
    result.proposals   # Sequence[Proposal]: item rows (auto or review) and on-account rows
    result.unmatched   # list[Unmatched]: lines/payments nothing was proposed for
    result.on_account  # list[OnAccount]: the on-account rows again, for older callers
    result.stats       # counts per outcome

How a batch is matched:

1. Each remittance is checked against ``already_applied`` (ids applied in an
   earlier run) and against the batch itself (the same payment advised twice:
   same payer, digits of the payment reference, currency and amount, or,
   without a payment reference, the same date and lines). Such a remittance
   is never matched and gets no row at all; it is listed unmatched with the
   reason.
2. Every line (or the payment, when the advice has no lines) becomes a unit.
   The rules of :mod:`bots.cashapp.rules` run in table order over *all* units
   of the batch, so a reference match anywhere claims its item before an
   amount-only search could take it.
3. Batch checks turn ``auto`` into ``review``: an open item claimed by two
   units; lines that do not add up to the payment total, or an advice that
   came with extraction warnings; a unit above the policy's auto amount; a
   confidence below the threshold.
4. Post what is certain, park the rest: when some units of a payment are
   ``auto`` and others are not (review or unmatched), the unsure units' cash
   becomes one *on-account* row of the payer (``auto`` when the company
   code's policy allows cash on account), and the unsure rows say so. When
   the cash cannot be parked (payer unknown, nothing positive left), the
   whole payment is reviewed.

Amounts in a proposal: ``applied_amount`` is the cash applied to the item
(per remittance, the applied amounts and on-account rows add up to the
payment); ``discount_amount`` the discount granted; ``deduction_amount`` the
difference left open as a residual item. ``treatment`` says what the posting
does to the item (:class:`~bots.domain.Treatment`, decided in
:func:`bots.cashapp.amounts.fit`): ``clear`` (open = applied + discount, or
an overpayment whose excess is an on-account row), ``residual`` (open =
applied + discount + deduction), ``write_off`` (the rest within the policy's
limit, ``reason_code`` set), ``partial`` (the rest stays open on the item).
``reason_code`` is the SAP code (RSTGR) of a residual, write-off or
on-account row (:mod:`bots.cashapp.reasons`). ``alternative`` groups the rows
of competing sets of open items that explain one payment (``a1``, ``a2``
...); such rows are always ``review``.

On-account rows have an empty ``document_no``, ``fiscal_year`` and
``line_item``, ``treatment`` ``on_account``, the payer as ``customer`` and
rule ``on-account``: the excess of an overpaid line (its ``line_index``,
reason code ``OVERPAYMENT``) or the parked cash of a payment's unsure lines
(``line_index`` None, reason code ``UNAPPLIED``).

The engine does no I/O (the memory is read once, as a snapshot); with
``processes=2`` a large batch forks one process for part of its reference
rules (:meth:`_Batch.run_rules`, :mod:`bots.cashapp.halves`). It leaves
the garbage collector alone: a caller that has just loaded a million open items
may ``gc.freeze()`` them first, as ``arbots match`` does, so that collections
do not walk them.

Limits: one batch at a time; items applied by an earlier batch must be gone
from ``open_items`` (the ERP snapshot), or their remittances named in
``already_applied``.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bots.cashapp.amounts import Fit, major, minor
from bots.cashapp.explain import money, on_account_sentence, sentence
from bots.cashapp.halves import halves
from bots.cashapp.index import ItemIndex
from bots.cashapp.memory import Learned, Memory
from bots.cashapp.parties import PartyIndex, Payer, name_key
from bots.cashapp.policy import Policy
from bots.cashapp.reasons import OVERPAYMENT, UNAPPLIED, reason_code
from bots.cashapp.refs import normalise
from bots.cashapp.rows import ProposalRows, Row
from bots.cashapp.rules import (
    BY_AMOUNT,
    BY_REFERENCE,
    CONFLICT_CAP,
    Context,
    Finding,
    Outcome,
    Unit,
    corroborate,
)
from bots.domain import (
    Customer,
    Decision,
    OpenItem,
    Proposal,
    Remittance,
    Treatment,
)


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
    on_account: int = 0  # on-account rows: overpaid excess, unsure lines parked
    by_rule: Counter[str] = field(default_factory=Counter)


@dataclass
class MatchResult:
    """What :func:`match` found; ``on_account`` repeats the on-account proposal rows.

    :func:`match` gives the proposals as :class:`~bots.cashapp.rows.ProposalRows` (made
    into objects as they are read); a caller may pass any sequence of proposals.
    """

    proposals: Sequence[Proposal]
    unmatched: list[Unmatched]
    on_account: list[OnAccount]
    stats: MatchStats


@dataclass(frozen=True, slots=True)
class Parked:
    """The on-account row of a payment's unsure lines, and where it goes."""

    row: Row
    last: int  # the payment's last unit: the row follows it
    pointer: str  # what the unsure lines' rows say about it


ON_ACCOUNT_RULE = "on-account"
#: Units from which :func:`match` with ``processes`` > 1 shares the reference rules with a
#: forked process.
SHARED_RULES_MIN = 20_000
#: The forked process's share of the units: less than half, as it also pickles its findings
#: (measured at 1 M x 100 k: each process's half 3.6 s, the pickling 0.85 s, reading them
#: back 0.35 s).
SHARED_RULES_SECOND = 0.45


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


def _minor(amount: Decimal, currency: str) -> int:
    return minor(amount, currency) if amount else 0


def _units(r: Remittance, payer: Payer) -> list[Unit]:
    cur = r.currency
    if r.lines:
        return [Unit(r, i, x.invoice_ref or "", x.po_number or "", minor(x.paid_amount, cur),
                     _minor(x.discount, cur), _minor(x.deduction, cur), x.deduction_reason,
                     payer, _minor(x.gross_amount or Decimal(0), cur))
                for i, x in enumerate(r.lines)]
    if r.total is None:
        return []
    return [Unit(r, None, "", "", minor(r.total, cur), 0, 0, None, payer)]


def _sentence(ctx: Context, pos: int, f: Fit, why: str, caveats: list[str],
              deduction_reason: str | None) -> str:
    """The reason of the proposal row of item ``pos`` (:func:`~bots.cashapp.explain.sentence`)."""
    index = ctx.index
    return sentence(index.terms(pos), index.label(pos), ctx.parties.name(index.customer(pos)),
                    f, index.amount(pos), why, caveats, deduction_reason)


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
        self._currency: dict[str, str] = {}

    def skip(self, r: Remittance, why: str) -> None:
        lines = range(len(r.lines)) if r.lines else [None]
        for i in lines:
            self.unmatched.append(Unmatched(r.id, i, "", _unit_amount(r, i), r.currency, why))

    def run_rules(self, processes: int = 1) -> None:
        """The rule table over every unit: the reference rules unit by unit (the last
        :data:`SHARED_RULES_SECOND` of the units in a forked process when ``processes`` > 1
        and the batch has :data:`SHARED_RULES_MIN` units, see :mod:`bots.cashapp.halves`),
        then the PO and amount-only rules, rule by rule in the order of the units."""
        first, second = halves(self._by_reference, len(self.units), processes,
                               SHARED_RULES_MIN, SHARED_RULES_SECOND)
        self.findings = first[0] + second[0]
        self.rejections = first[1] + second[1]
        for found in self.findings:
            if found is not None:
                self.ctx.taken.update(found.items)
        pending = [n for n, found in enumerate(self.findings) if found is None]
        for rule in BY_AMOUNT:
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
        corroborate(self.ctx, self.units, self.findings)

    def _by_reference(self, start: int, stop: int) -> tuple[list[Finding | None], list[str]]:
        """The reference rules' finding for units ``start`` to ``stop`` (None: none found),
        and the reason of the first rule that rejected each ("" when none did)."""
        findings: list[Finding | None] = []
        rejections: list[str] = []
        ctx = self.ctx
        for unit in self.units[start:stop]:
            found: Finding | None = None
            rejected = ""
            for rule in BY_REFERENCE:
                found = rule.apply(ctx, unit)
                if found is not None and found.outcome is not Outcome.REJECTED:
                    break
                if found is not None:
                    rejected = rejected or found.reason
                found = None
            findings.append(found)
            rejections.append(rejected)
        return findings, rejections

    def batch_checks(self) -> None:
        policy, index = self.ctx.policy, self.ctx.index
        claims: dict[int, list[int]] = defaultdict(list)
        for n, found in enumerate(self.findings):
            for p in dict.fromkeys(found.items if found else ()):  # alternatives repeat items
                claims[p].append(n)
        for p, claimers in claims.items():
            if len(claimers) > 1:
                for n in claimers:
                    others = [self._where(m) for m in claimers if m != n]
                    self._caveat(n, f"open item {index.document_no(p)} is also claimed by "
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
                                f"{major(policy.max_auto_minor(unit.currency), unit.currency)}"
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
        """The rows of the batch; the findings are used up (freed as their rows are made)."""
        threshold = float(self.ctx.policy.auto_threshold)
        auto = [False] * len(self.units)
        for n, found in enumerate(self.findings):
            if found is None:
                continue
            auto[n] = (found.outcome is Outcome.AUTO and not found.caveats
                       and found.confidence >= threshold)
            if found.outcome is Outcome.AUTO and not auto[n] and not found.caveats:
                found.caveats.append(f"confidence {found.confidence:.2f} is below the auto "
                                     f"threshold of {threshold:.2f}")
        parked: dict[str, Parked] = {}
        for rid, members in self._by_remittance().items():
            sure = [n for n in members if auto[n]]
            unsure = [n for n in members if not auto[n]]
            if not (sure and unsure):
                continue
            parking = self._park(members, sure, unsure)
            if isinstance(parking, str):
                for n in sure:
                    auto[n] = False
                    self._caveat(n, parking)
            else:
                parked[rid] = parking
        proposals: list[Row] = []
        unmatched: list[Unmatched] = []
        for n, unit in enumerate(self.units):
            found = self.findings[n]
            park = parked.get(unit.remittance.id)
            if found is None:
                unmatched.append(self._unmatched(n, park))
            else:
                if park is not None and not auto[n]:
                    found.caveats.append(park.pointer)
                self.stats.auto += auto[n]
                self.stats.review += not auto[n]
                self.stats.by_rule[found.rule] += 1
                proposals.extend(self._proposals(unit, found, auto[n]))
                self.findings[n] = None  # its rows are made: let it go while the rows grow
            if park is not None and n == park.last:
                proposals.append(park.row)
        self.stats.on_account = sum(p.treatment is Treatment.ON_ACCOUNT for p in proposals)
        self.unmatched += unmatched
        self.stats.unmatched = len(self.unmatched)
        self.stats.units = self.stats.auto + self.stats.review + self.stats.unmatched
        on_account = [OnAccount(p.remittance_id, p.line_index, p.customer,
                                major(p.applied, p.currency), self._currency[p.remittance_id])
                      for p in proposals if p.treatment is Treatment.ON_ACCOUNT]
        return MatchResult(ProposalRows(proposals), self.unmatched, on_account, self.stats)

    def _by_remittance(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for n, unit in enumerate(self.units):
            out[unit.remittance.id].append(n)
            self._currency[unit.remittance.id] = unit.currency
        return out

    def _park(self, members: list[int], sure: list[int], unsure: list[int]) -> Parked | str:
        """The on-account row for the unsure lines of a payment, or why there can be none."""
        ctx, unit = self.ctx, self.units[sure[0]]
        limits = ctx.limits(self.findings[sure[0]].items[0])  # type: ignore[union-attr]
        payer = unit.payer
        customers = {ctx.index.customer(p) for n in sure
                     for p in self.findings[n].items}  # type: ignore[union-attr]
        customer = payer.customer if payer.customer and payer.how != "similar name" else \
            next(iter(customers)) if len(customers) == 1 else ""
        cur = unit.currency
        rest = sum(self.units[n].paid for n in unsure)
        lines = ", ".join(str(self.units[n].line_index) for n in unsure)
        if not customer:
            return (f"line {lines} of this payment needs a person, and the rest of the payment "
                    "cannot be put on account: the payer is not identified")
        if rest <= 0:
            return (f"line {lines} of this payment needs a person, and nets to "
                    f"{money(rest, cur)}, which cannot be put on account")
        caveats = []
        if not limits.auto_on_account:
            caveats.append("the policy reviews cash put on account")
        if rest > ctx.policy.max_auto_minor(cur):
            caveats.append(f"the amount is above the auto limit of "
                           f"{money(ctx.policy.max_auto_minor(cur), cur)}")
        name = ctx.parties.name(customer)
        amount = money(rest, cur)
        why = (f"line {lines} of payment {unit.remittance.payment_ref or unit.remittance.id} "
               "needs a person before its cash is applied to an invoice")
        confidence = min(self.findings[n].confidence for n in sure)  # type: ignore[union-attr]
        row = Row(
            remittance_id=unit.remittance.id, line_index=None, customer=customer,
            document_no="", fiscal_year="", line_item="", currency=cur, applied=rest,
            decision=Decision.REVIEW if caveats else Decision.AUTO, confidence=confidence,
            rule=ON_ACCOUNT_RULE, reason=on_account_sentence(amount, name, why, caveats),
            treatment=Treatment.ON_ACCOUNT,
            reason_code=reason_code(ctx.policy.reason_codes, None, UNAPPLIED))
        pointer = f"its cash is put on account of {name} until a person applies it"
        return Parked(row, max(members), pointer)

    def _proposals(self, unit: Unit, found: Finding, auto: bool) -> list[Row]:
        ctx = self.ctx
        index, parties, policy = ctx.index, ctx.parties, ctx.policy
        decision = Decision.AUTO if auto else Decision.REVIEW
        out = []
        payer = unit.payer.customer
        groups = found.groups or [""] * len(found.items)
        table = index.table
        for p, f, why, group in zip(found.items, found.fits, found.evidence, groups,
                                    strict=True):
            customer, cur = table.customer[p], table.currency[p]
            if payer and payer != customer and parties.same_group(payer, customer):
                why += f", paid by {parties.name(payer)} for its subsidiary"
            reason = functools.partial(  # formatted when read: by the writer, in two halves
                _sentence, ctx, p, f, why, found.caveats, unit.deduction_reason)
            printed = unit.deduction_reason if f.deduction > f.unearned else None
            code = reason_code(policy.reason_codes, printed, f.reason_key,
                               policy.reason_synonyms) \
                if f.treatment in (Treatment.RESIDUAL, Treatment.WRITE_OFF) else ""
            out.append(Row(
                unit.remittance.id, unit.line_index, customer, table.document_no[p],
                table.fiscal_year[p], table.line_item[p], cur, f.applied, decision,
                found.confidence, found.rule, reason, f.treatment, f.discount, f.deduction,
                code, group))
            if f.on_account:
                out.append(self._surplus(unit, found, p, f, auto))
        return out

    def _surplus(self, unit: Unit, found: Finding, pos: int, f: Fit, auto: bool) -> Row:
        """The on-account row of an overpayment's excess."""
        ctx, index = self.ctx, self.ctx.index
        payer = unit.payer
        customer = payer.customer if payer.customer and payer.how != "similar name" else \
            index.customer(pos)
        cur = index.currency(pos)
        caveats = []
        if not auto:
            caveats.append("the invoice match needs a person first")
        elif not ctx.limits(pos).auto_on_account:
            caveats.append("the policy reviews cash put on account")
        line = "the payment" if unit.line_index is None else f"line {unit.line_index}"
        why = (f"{line} paid more than the {money(index.amount(pos), cur)} open on "
               f"{index.label(pos)}, so the excess stays on account")
        amount = money(f.on_account, cur)
        return Row(
            remittance_id=unit.remittance.id, line_index=unit.line_index, customer=customer,
            document_no="", fiscal_year="", line_item="", currency=cur, applied=f.on_account,
            decision=Decision.REVIEW if caveats else Decision.AUTO,
            confidence=found.confidence, rule=ON_ACCOUNT_RULE,
            reason=on_account_sentence(amount, ctx.parties.name(customer), why, caveats),
            treatment=Treatment.ON_ACCOUNT,
            reason_code=reason_code(ctx.policy.reason_codes, None, OVERPAYMENT))

    def _unmatched(self, n: int, park: Parked | None) -> Unmatched:
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
        if park is not None:
            why += f"; {park.pointer}"
        return Unmatched(unit.remittance.id, unit.line_index, payer.customer or "",
                         _unit_amount(unit.remittance, unit.line_index), unit.currency, why)


def match(open_items: Sequence[OpenItem], remittances: Iterable[Remittance],
          customers: Iterable[Customer] = (), policy: Policy | None = None,
          memory: Memory | Learned | None = None,
          already_applied: Iterable[str] = (), processes: int = 1) -> MatchResult:
    """Propose how ``remittances`` pay ``open_items`` (see the module docstring).

    ``processes``: with 2, a large batch shares its reference rules with a forked
    process (:meth:`_Batch.run_rules`); the result is the same.
    """
    return _match(open_items, remittances, customers, policy or Policy(), memory,
                  already_applied, processes)


def _match(open_items: Sequence[OpenItem], remittances: Iterable[Remittance],
           customers: Iterable[Customer], policy: Policy, memory: Memory | Learned | None,
           already_applied: Iterable[str], processes: int) -> MatchResult:
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
    batch.run_rules(processes)
    batch.batch_checks()
    index.release_lookups()  # the memory's peak is while the rows are made
    return batch.results()
