"""The matching rules: an ordered table, each with an explicit outcome.

:data:`RULES` is tried in order over every unit of a batch (a remittance line,
or a whole payment when the advice lists no lines); the first rule that finds
something for a unit decides it. A rule answers with a :class:`Finding` whose
``outcome`` is one of (after Odoo's reconcile models):

* ``AUTO``: may post unattended, if the policy agrees (confidence threshold,
  amount limit) and the batch checks find nothing (see :mod:`bots.cashapp.engine`);
* ``REVIEW``: a proposal a person must confirm;
* ``REJECTED``: the rule found something it must not use; its reason is kept
  for the unmatched row if no later rule does better.

The rules, in order, with their base confidence:

* ``exact-ref`` (base 0.99): the invoice reference is identical (trim, case);
  when the item it names is only a review because the amounts disagree, and
  exactly one item one swap of two neighbouring characters away is paid to
  the cent or has its open amount stated, that item is the match
  (``fuzzy-ref``, a payer's typo that hit another invoice; the same for the
  two rules below and for ``ref-in-text``);
* ``normalised-ref`` (0.97): equal after :func:`~bots.cashapp.refs.normalise`;
* ``document-no-ref`` (0.94, 0.97 once learned for the customer): the payer
  quoted our document number (BELNR) instead of the invoice number;
* ``fuzzy-ref`` (OCR 0.95, transposition 0.93, one character 0.90, +0.03
  once learned, -0.02 more when nothing corroborates the item, see
  :meth:`Context.known`): counts only with the amount
  agreeing or the advice stating the item's open amount; a similar reference
  whose amount disagrees is at most a low-confidence review;
* ``ref-in-text`` (0.95): one piece of a longer reference text (``Rechnung
  Nr. 90012345 vom 14.03.2026``, ``2026-90012345``, see
  :func:`~bots.cashapp.refs.parts`) equals an invoice or document number
  after normalising; pieces naming several items count (0.93) when their
  open amounts add up to the cash; an amount that disagrees without a payer
  that confirms the item is only a review; a piece that is one of our
  references misread or with two characters swapped (``Rechnung Nr.
  9OO12345``, ``Factura 09012345``) counts as ``fuzzy-ref`` for the one such
  item whose amounts agree;
* ``po-number`` (0.93 for its one open item, 0.92 for a set): the PO number,
  its one open item (a partial or over-payment of it sure as for a reference,
  see below), or the unique set of its items that fits the amount;
* ``amount-only`` (0.92) / ``amount-combination`` (0.91): the one open item,
  or the unique set of open items, of an identified payer that fits the
  amount, for lines and payments that state no invoice reference. Several
  sets: a review finding listing each as an alternative (``a1``, ``a2`` ...).

"Amounts fit" means :func:`bots.cashapp.amounts.fit` reports no problem: paid in
full, a discount within terms, an explained deduction or unearned discount left
as a residual, a difference within tolerance, a partial or over-payment. A
partial or over-payment (the amount does not confirm the item) is only sure
when an identified payer confirms the item or the advice states its open amount
(as the invoice amount, or as cash plus stated deduction), the advice does not state another
invoice amount, and no other open item of the customer group is one the
payment settles. A match on the customer alone (no reference, no PO, no unique
amount) is never made. A stated reference that is not among the open items
(already cleared, or not ours) is never replaced by an amount match, and a PO
match then only proposes for review.

An advice that names no payer (or a name several customers share) is
corroborated by its own lines: when its other lines surely pay invoices of one
customer group by reference, :func:`corroborate` makes the reference findings
of its remaining lines again with that group in the payer's place (no penalty
for an unknown payer; it confirms a partial or over-payment of that group's
item), and says so in the sentence. It never makes an amount-only match.

Confidence starts from the rule's base (above), loses a little for each
amount adjustment (discount, write-off beyond a rounding cent, residual, partial,
overpayment) and when nothing besides the reference corroborates the item (no
payer named, no other line of the advice vouching, its open amount not stated
on the advice: :meth:`Context.known`), and is capped low when something is off.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from rapidfuzz.distance import Levenshtein

from bots.cashapp.amounts import ROUNDING_SLACK, Fit, combinations, fit, terms_discount
from bots.cashapp.explain import money, problem_caveat
from bots.cashapp.index import ItemGroup, ItemIndex
from bots.cashapp.memory import Learned
from bots.cashapp.parties import PartyIndex, Payer
from bots.cashapp.policy import Limits, Policy
from bots.cashapp.refs import (
    PART_MIN,
    Closeness,
    exact,
    normalise,
    parts,
    ref_key,
    transpositions,
)
from bots.domain import Remittance

PENALTY = {"full": 0.0, "discount": 0.01, "writeoff": 0.02, "unearned": 0.02,
           "deduction": 0.02, "overpay": 0.03, "partial": 0.03, "mismatch": 0.5}
PROBLEM_CAP = 0.6  # something in the amounts needs a person
MISMATCH_CAP = 0.4  # a similar reference whose amount disagrees
CONFLICT_CAP = 0.5  # the payer is someone else than the item's customer
UNKNOWN_PAYER = 0.02  # nothing corroborates the reference
UNCONFIRMED_FUZZY = 0.02  # more of it for a reference that is only similar
LEARNED_BONUS = 0.03  # a pattern confirmed for the customer before
ONE_CHAR_SCAN = 200  # most items of a payer compared character by character
ONE_CHAR_MIN = 6  # shorter references are too easily one character from another
PO_ONE_ITEM = 0.93  # base of a PO with one open item: as good as a fuzzy reference
_WORD = re.compile(r"[0-9A-Z]+")
MAX_ALTERNATIVES = 3  # sets of open items listed when several explain one payment


class Outcome(StrEnum):
    REJECTED = "rejected"
    REVIEW = "review"
    AUTO = "auto"


@dataclass(slots=True)
class Unit:
    """What one remittance line (or a whole payment without lines) says it pays."""

    remittance: Remittance
    line_index: int | None
    ref: str
    po: str
    paid: int  # minor units, like every amount below
    discount: int
    deduction: int
    deduction_reason: str | None
    payer: Payer
    gross: int = 0  # the invoice amount the advice states (0: not stated)
    key: str = field(init=False, default="")  # ref_key(ref), computed once
    vouched: str = ""  # top parent of the group the advice's other lines surely pay

    def __post_init__(self) -> None:
        self.key = ref_key(self.ref) if self.ref else ""

    @property
    def currency(self) -> str:
        return self.remittance.currency

    @property
    def paid_on(self) -> date | None:
        return self.remittance.payment_date


@dataclass(slots=True)
class Finding:
    """What a rule found for a unit."""

    outcome: Outcome
    rule: str
    reason: str = ""  # REJECTED: why nothing can be proposed
    items: list[int] = field(default_factory=list)
    fits: list[Fit] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # per item: why this item
    confidence: float = 0.0
    caveats: list[str] = field(default_factory=list)  # why a person must look
    groups: list[str] = field(default_factory=list)  # per item: its alternative ("a1" ...)

    def __reduce__(self) -> tuple[type[Finding], tuple[object, ...]]:
        """Pickled as its fields in order: several times faster than the state of a slotted
        dataclass (findings cross to another process, :mod:`bots.cashapp.halves`)."""
        return Finding, (self.outcome, self.rule, self.reason, self.items, self.fits,
                         self.evidence, self.confidence, self.caveats, self.groups)


@dataclass
class Context:
    """What the rules consult: the run's indexes, the policy, what was learned."""

    index: ItemIndex
    parties: PartyIndex
    policy: Policy
    learned: Learned
    taken: set[int] = field(default_factory=set)  # items claimed by an earlier finding
    _groups: dict[str, ItemGroup] = field(default_factory=dict, init=False, repr=False)
    _short_pay_residual: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # a company code that leaves an unexplained short pay as a residual: any amount agrees
        self._short_pay_residual = any(limits.short_pay == "residual" for limits in (
            self.policy.limits, *self.policy.company_codes.values()))

    def fit(self, unit: Unit, pos: int, cash: int | None = None) -> Fit:
        """How the unit's amounts (or ``cash`` alone) settle item ``pos``."""
        value = self.index.amount(pos)
        paid, discount, deduction, reason = (unit.paid, unit.discount, unit.deduction,
                                             unit.deduction_reason) if cash is None else \
            (cash, 0, 0, None)
        if paid == value and not discount and not deduction:
            return Fit("full", applied=paid)  # as fit() says, without reading the terms
        return fit(self.index.terms(pos), value, paid, discount, deduction, reason,
                   unit.paid_on, self.policy)

    def limits(self, pos: int) -> Limits:
        """The threshold table of the company code of item ``pos``."""
        return self.policy.for_company(self.index.company_code(pos))

    def in_payer_group(self, unit: Unit, pos: int) -> bool:
        customer = self.index.customer(pos)
        if customer in unit.payer.customers:
            return True
        return any(self.parties.same_group(customer, c) for c in unit.payer.customers)

    def confirms(self, unit: Unit, pos: int) -> bool:
        """The payer, firmly identified, is the item's customer or in its group; for an
        advice naming no payer (or several), the customer group its other lines surely
        pay (:func:`corroborate`) is."""
        payer = unit.payer
        if payer.decisive:
            return payer.how != "similar name" and self.in_payer_group(unit, pos)
        return self.vouches(unit, pos)

    def vouches(self, unit: Unit, pos: int) -> bool:
        """Item ``pos`` is of the customer group the advice's other lines surely pay."""
        return bool(unit.vouched) and \
            self.parties.root(self.index.customer(pos)) == unit.vouched

    def known(self, unit: Unit, chosen: list[int]) -> bool:
        """Something besides the reference corroborates the items: a payer the advice
        names, its other lines (:meth:`vouches`), or the open amount of each it states
        (:meth:`states_open`)."""
        return bool(unit.payer.customers) or bool(chosen) and all(
            self.vouches(unit, p) or self.states_open(unit, p) for p in chosen)

    def group(self, pos: int) -> ItemGroup:
        """The open items of the customer group of item ``pos`` (its top parent and every
        subsidiary), customer by customer in number order; made once per group."""
        root = self.parties.root(self.index.customer(pos))
        found = self._groups.get(root)
        if found is None:
            index = self.index
            found = self._groups[root] = ItemGroup(index, [
                p for customer in sorted(self.parties.scope(root))
                for p in index.of_customer(customer)])
        return found

    def agreeing_other(self, unit: Unit, pos: int) -> int | None:
        """Another open item of the customer group of item ``pos`` whose amount the unit
        settles (in full, less a discount, an explained deduction or a tolerated difference):
        the first in the group's order."""
        import numpy as np

        group, currency = self.group(pos), self.index.currency(pos)
        amounts = group.amounts
        # an agreeing fit is short by at most the stated amounts, the write-off limit and,
        # for items with terms, their discount: the others need no fit
        reach = unit.paid + unit.discount + unit.deduction + \
            self.limits(pos).write_off_cap(currency)
        beyond = amounts > reach
        if self._short_pay_residual:
            wanted = ~beyond | group.has_terms
        else:  # beyond the reach only an unstated terms discount, to the cent, can agree
            wanted = ~beyond | (group.has_terms & (
                np.abs(amounts - unit.paid - group.discounts) <= ROUNDING_SLACK))
        wanted &= (amounts >= unit.paid) & (group.currencies == currency) & \
            (group.positions != pos)
        for p in group.positions[wanted].tolist():
            if self.fit(unit, p).agrees:
                return p
        return None

    def disagreement(self, unit: Unit, pos: int, f: Fit) -> list[str]:
        """Why a partial or over-payment of item ``pos`` is not sure (empty when it is).

        The amount does not confirm the item, so the payer must, or the advice must state
        the item's open amount (:meth:`states_open`); the advice must not
        state another invoice amount; and no other open item of the group may be one
        the payment settles.
        """
        out = []
        cur = self.index.currency(pos)
        if not self.confirms(unit, pos) and not self.states_open(unit, pos):
            out.append("the amount differs from the open amount and no identified payer "
                       "confirms the invoice")
        if unit.gross and unit.gross != self.index.amount(pos):
            out.append(f"the advice states an invoice amount of {money(unit.gross, cur)}, not "
                       f"the {money(self.index.amount(pos), cur)} open")
        other = self.agreeing_other(unit, pos)
        if other is not None:
            doc = self.index.label(other)
            out.append(f"the amount fits open item {doc}, which the payer may have meant")
        elif f.on_account:
            other = self.open_for(pos, f.on_account)
            if other is not None:
                doc = self.index.label(other)
                out.append(f"the excess equals open item {doc}, which the payer may also pay")
        return out

    def states_open(self, unit: Unit, pos: int) -> bool:
        """The advice states item ``pos``'s open amount: as the invoice amount, or as the
        cash plus the stated discount and deduction (a partial payment saying what stays
        open)."""
        value = self.index.amount(pos)
        return unit.gross == value or (
            unit.deduction > 0 and unit.paid + unit.discount + unit.deduction == value)

    def open_for(self, pos: int, amount: int) -> int | None:
        """Another open item of the customer group of item ``pos`` open for ``amount``."""
        group = self.group(pos)
        hit = (group.amounts == amount) & (group.currencies == self.index.currency(pos)) & \
            (group.positions != pos)
        first = int(hit.argmax())
        return int(group.positions[first]) if hit[first] else None


def _penalty(f: Fit) -> float:
    """What an amount adjustment costs; a rounding difference (ROUNDING_SLACK) nothing."""
    if f.kind == "writeoff" and f.writeoff <= ROUNDING_SLACK:
        return 0.0
    return PENALTY[f.kind]


def _confidence(base: float, fits: list[Fit], known: bool, problem: bool) -> float:
    value = base - max([_penalty(f) for f in fits])
    if not known:
        value -= UNKNOWN_PAYER
    if problem:
        value = min(value, PROBLEM_CAP)
    return _rounded(max(0.0, min(value, 0.99)))


@functools.cache
def _rounded(value: float) -> float:
    """``round(value, 2)``, worked out once per value (a run sees a few dozen)."""
    return round(value, 2)


def _finding(ctx: Context, unit: Unit, rule: str, chosen: list[int], fits: list[Fit],
             evidence: Callable[[int], str], base: float, caveats: list[str]) -> Finding:
    caveats = list(caveats)
    for p, f in zip(chosen, fits, strict=True):
        text = problem_caveat(f, ctx.index.currency(p), ctx.limits(p)) if f.problem else ""
        if text:
            caveats.append(text)
        if f.kind in ("partial", "overpay") and not f.problem:
            caveats.extend(ctx.disagreement(unit, p, f))
    problem = any([f.problem for f in fits])
    value = _confidence(base, fits, ctx.known(unit, chosen), problem)
    if caveats:
        value = min(value, CONFLICT_CAP)
    outcome = Outcome.REVIEW if caveats or problem else Outcome.AUTO
    return Finding(outcome, rule, items=chosen, fits=fits,
                   evidence=[evidence(p) for p in chosen], confidence=value,
                   caveats=caveats)


def _resolve(ctx: Context, unit: Unit, rule: str, candidates: list[int],
             evidence: Callable[[int], str], base: float) -> Finding:
    """One finding from the items a reference rule selected (see the module docstring)."""
    index = ctx.index
    same = [p for p in candidates if index.currency(p) == unit.currency]
    if not same:
        other = candidates[0]
        return Finding(Outcome.REJECTED, rule, reason=(
            f"reference {unit.ref!r} matches {index.label(other)}, but "
            f"that item is in {index.currency(other)} and the payment in {unit.currency}"))
    caveats: list[str] = []
    if unit.payer.customers:
        mine = [p for p in same if ctx.in_payer_group(unit, p)]
        if mine:
            same = mine
        elif unit.payer.decisive and unit.payer.how != "similar name":
            other = same[0]
            return Finding(Outcome.REJECTED, rule, reason=(
                f"reference {unit.ref!r} is {index.label(other)} of "
                f"{ctx.parties.name(index.customer(other))}, not of the payer "
                f"{ctx.parties.name(unit.payer.customer or '')}"))
        elif unit.payer.decisive:
            caveats.append(f"the payer looks like {ctx.parties.name(unit.payer.customer or '')}"
                           " but the item belongs to another customer")
    fits = {p: ctx.fit(unit, p) for p in same}
    if len(same) > 1:
        agreeing = [p for p in same if fits[p].agrees]
        documents = {index.document(p) for p in same}
        if len(agreeing) == 1:
            same = agreeing
        elif len(documents) == 1 and sum(index.amount(p) for p in same) == unit.paid:
            return _finding(ctx, unit, rule, same,
                            [Fit("full", applied=index.amount(p)) for p in same],
                            evidence, base - 0.02, caveats)
        else:
            listed = ", ".join(sorted({index.document_no(p) for p in same})[:5])
            return Finding(Outcome.REJECTED, rule, reason=(
                f"reference {unit.ref!r} matches {len(same)} open items ({listed}) and the "
                "amount does not single one out"))
    pos = same[0]
    return _finding(ctx, unit, rule, [pos], [fits[pos]], evidence, base, caveats)


def _or_swapped(ctx: Context, unit: Unit, finding: Finding, printed: str = "") -> Finding:
    """``finding``, or the item the reference names with two neighbouring characters swapped.

    A payer who types ``90001243`` for ``90001234`` may hit another open item. When the
    item the reference names is only a review because the amounts disagree (the payment
    neither settles it nor states its open amount), and exactly one item one swap away
    (of the payment's currency and, when the advice names a payer, of its group) is paid
    to the cent or has its open amount stated on the advice, that item is the match
    (``fuzzy-ref``, transposition), and the sentence names both. Not for references
    shorter than :data:`ONE_CHAR_MIN` (too easily a swap of another). ``printed``: the piece
    of a longer reference text that names the item (default: the whole reference).
    """
    if finding.outcome is not Outcome.REVIEW or len(finding.items) != 1 or \
            len(ref_key(printed or unit.ref)) < ONE_CHAR_MIN:
        return finding
    named, index = finding.items[0], ctx.index
    if finding.fits[0].agrees or ctx.states_open(unit, named):
        return finding
    fits = {}
    for key in set(transpositions(printed or unit.ref)) - {index.ref_keys[named]}:
        for p in index.by_key(key):
            if p == named or index.currency(p) != unit.currency or (
                    unit.payer.customers and not ctx.in_payer_group(unit, p)):
                continue
            f = ctx.fit(unit, p)
            if f.agrees and not f.problem and (f.kind == "full" or ctx.states_open(unit, p)):
                fits[p] = f
    if len(fits) != 1:
        return finding
    (pos, f), = fits.items()
    cur = index.currency(named)

    def evidence(p: int) -> str:
        return (f"reference {unit.ref!r} names {index.label(named)}, whose "
                f"{money(index.amount(named), cur)} open the payment does not fit, and has "
                f"two characters swapped from {index.label(p)}")

    return _finding(ctx, unit, FuzzyRef.name, [pos], [f], evidence,
                    _FUZZY_BASE[Closeness.TRANSPOSITION], [])


def _learned(ctx: Context, unit: Unit, rule: str, candidates: list[int]) -> int:
    """Confirmations of ``rule`` for the customer of the candidates (0 when mixed)."""
    customers = {ctx.index.customer(p) for p in candidates}
    if len(customers) != 1:
        return 0
    n = ctx.learned.confirmations(customers.pop(), rule)
    return n if n >= ctx.policy.learn_min_confirmations else 0


class Rule:
    """One row of the table: ``apply`` returns a Finding, or None to pass."""

    name = ""

    def apply(self, ctx: Context, unit: Unit) -> Finding | None:
        raise NotImplementedError


class ExactRef(Rule):
    """The invoice reference is identical. Most lines of a batch are the plain case, which
    :meth:`plain` decides at a fraction of the cost of the general one (:meth:`general`)."""

    name = "exact-ref"

    def apply(self, ctx: Context, unit: Unit) -> Finding | None:
        if not unit.ref:
            return None
        return self.plain(ctx, unit) or self.general(ctx, unit)

    def plain(self, ctx: Context, unit: Unit) -> Finding | None:
        """The finding of the plain case, None when the case is not plain.

        Plain: one open item has the reference's key and exactly the printed reference,
        in the payment's currency, of a customer the payer is, paid to the cent with no
        discount or deduction stated. :meth:`general` finds the same (a test holds the
        two to it): the item, paid in full, confidence 0.99, ``auto``.
        """
        pos = ctx.index.only(unit.key)
        if pos is None or unit.discount or unit.deduction:
            return None
        table = ctx.index.table
        if table.invoice_ref[pos] != unit.ref or table.amount_minor[pos] != unit.paid or \
                table.currency[pos] != unit.currency or \
                table.customer[pos] not in unit.payer.customers:
            return None
        fits = [Fit("full", applied=unit.paid)]
        return Finding(Outcome.AUTO, self.name, items=[pos], fits=fits,
                       evidence=[_EXACTLY], confidence=_confidence(0.99, fits, True, False))

    def general(self, ctx: Context, unit: Unit) -> Finding | None:
        """The rule in every case (:meth:`plain`'s included)."""
        if not unit.ref:
            return None
        want, refs = exact(unit.ref), ctx.index.table.invoice_ref
        hits = [p for p in ctx.index.by_key(unit.key)
                if refs[p] == unit.ref or exact(refs[p]) == want]
        if not hits:
            return None
        return _or_swapped(ctx, unit, _resolve(ctx, unit, self.name, hits,
                                               lambda p: _EXACTLY, 0.99))


_EXACTLY = "reference matches exactly"


class _NormalisedFieldRef(Rule):
    """The normalised reference equals one field of an open item (a subclass says which)."""

    field: str
    base: float
    bonus: float

    def apply(self, ctx: Context, unit: Unit) -> Finding | None:
        want = normalise(unit.ref)
        if not want:
            return None
        index = ctx.index
        values = getattr(index.table, self.field)
        hits = [p for p in index.by_key(unit.key) if normalise(values[p]) == want]
        if not hits:
            return None
        learned = _learned(ctx, unit, self.name, hits)
        return _or_swapped(ctx, unit, _resolve(ctx, unit, self.name, hits,
                                               lambda p: self.evidence(unit, index, p, learned),
                                               self.base + (self.bonus if learned else 0.0)))

    def evidence(self, unit: Unit, index: ItemIndex, pos: int, learned: int) -> str:
        """The clause of the reason sentence saying what matched."""
        raise NotImplementedError


class NormalisedRef(_NormalisedFieldRef):
    name, field, base, bonus = "normalised-ref", "invoice_ref", 0.97, 0.02

    def evidence(self, unit: Unit, index: ItemIndex, pos: int, learned: int) -> str:
        text = f"reference {unit.ref!r} matches {index.invoice_ref(pos)} after normalising"
        return text + (f" (as in {learned} confirmed payments before)" if learned else "")


class DocumentNoRef(_NormalisedFieldRef):
    name, field, base, bonus = "document-no-ref", "document_no", 0.94, LEARNED_BONUS

    def evidence(self, unit: Unit, index: ItemIndex, pos: int, learned: int) -> str:
        text = (f"the payer quoted our document number {index.document_no(pos)} instead of "
                f"the invoice number")
        return text + (f", as in {learned} confirmed payments before" if learned else "")


_FUZZY_BASE = {Closeness.OCR: 0.95, Closeness.TRANSPOSITION: 0.93, Closeness.ONE_CHAR: 0.90}


class FuzzyRef(Rule):
    name = "fuzzy-ref"

    def apply(self, ctx: Context, unit: Unit) -> Finding | None:
        key = unit.key
        if len(key) < 4:
            return None
        index = ctx.index
        want = normalise(unit.ref)
        # OCR: the same key, but not the same normalised reference (earlier rules' case)
        level, keys = Closeness.OCR, {key}
        hits = [p for p in index.by_key(key) if want not in (
            normalise(index.invoice_ref(p)), normalise(index.document_no(p)))]
        if not hits:
            level, keys = Closeness.TRANSPOSITION, set(transpositions(unit.ref)) - {key}
            hits = sorted({p for k in keys for p in index.by_key(k)})
        if not hits and unit.payer.decisive and len(key) >= ONE_CHAR_MIN:
            level, keys = Closeness.ONE_CHAR, set()
            hits = self._one_char_off(ctx, unit)
        if not hits:
            return None

        def ours(p: int) -> str:
            own = index.ref_keys[p]
            on_ref = own in keys if keys else \
                Levenshtein.distance(key, own, score_cutoff=1) <= 1
            return index.invoice_ref(p) if on_ref else index.document_no(p)

        learned = _learned(ctx, unit, self.name, hits)
        phrase = {Closeness.OCR: "read as {ours} (OCR confusion)",
                  Closeness.TRANSPOSITION: "has two characters swapped from {ours}",
                  Closeness.ONE_CHAR: "differs from {ours} by one character"}[level]

        def evidence(p: int) -> str:
            text = f"reference {unit.ref!r} " + phrase.format(ours=ours(p))
            return text + (f" (as in {learned} confirmed payments before)" if learned else "")

        base = _FUZZY_BASE[level] + (LEARNED_BONUS if learned else 0.0)
        finding = _resolve(ctx, unit, self.name, hits, evidence, base)
        if finding.outcome is not Outcome.REJECTED and not ctx.known(unit, finding.items):
            finding = _resolve(ctx, unit, self.name, hits, evidence, base - UNCONFIRMED_FUZZY)
        pairs = list(zip(finding.items, finding.fits, strict=True))
        if finding.outcome is not Outcome.REJECTED and not all(
                f.agrees or ctx.states_open(unit, p) for p, f in pairs):
            finding.outcome = Outcome.REVIEW
            finding.confidence = min(finding.confidence, MISMATCH_CAP)
            finding.caveats.append("the reference is only similar and the amount disagrees")
        return finding

    @staticmethod
    def _one_char_off(ctx: Context, unit: Unit) -> list[int]:
        """Items of the payer whose reference key is one edit from the unit's."""
        out = []
        index = ctx.index
        for customer in sorted(ctx.parties.scope(unit.payer.customer or "")):
            for p in index.of_customer(customer)[:ONE_CHAR_SCAN]:
                if Levenshtein.distance(unit.key, index.ref_keys[p], score_cutoff=1) <= 1 or \
                        Levenshtein.distance(unit.key, index.doc_keys[p], score_cutoff=1) <= 1:
                    out.append(p)
        return out


class RefInText(Rule):
    name = "ref-in-text"

    def apply(self, ctx: Context, unit: Unit) -> Finding | None:
        if not unit.ref:
            return None
        index = ctx.index
        hits: dict[int, str] = {}  # item -> the piece that names it
        for piece in parts(unit.ref):
            for p in index.by_key(ref_key(piece)):
                if piece in (normalise(index.invoice_ref(p)), normalise(index.document_no(p))):
                    hits.setdefault(p, piece)
        if not hits:
            return self._similar(ctx, unit, set())

        def evidence(p: int) -> str:
            ours = index.invoice_ref(p) if hits[p] == normalise(index.invoice_ref(p)) else \
                index.document_no(p)
            return f"reference {unit.ref!r} contains {ours}"

        if len(set(hits.values())) > 1:
            return self._several(ctx, unit, hits, evidence)

        finding = _resolve(ctx, unit, self.name, list(hits), evidence, 0.95)
        if finding.outcome is Outcome.REJECTED:  # another customer's, another currency
            return self._similar(ctx, unit, set(hits)) or finding
        if finding.outcome is Outcome.AUTO and not all(
                f.agrees or ctx.confirms(unit, p) or ctx.states_open(unit, p)
                for p, f in zip(finding.items, finding.fits, strict=True)):
            finding.outcome = Outcome.REVIEW
            finding.confidence = min(finding.confidence, MISMATCH_CAP)
            finding.caveats.append("the reference is read from a longer text and the amount "
                                   "disagrees")
        return _or_swapped(ctx, unit, finding, hits[finding.items[0]]) if finding.items \
            else finding

    def _similar(self, ctx: Context, unit: Unit, named: set[int]) -> Finding | None:
        """A piece of the text that is one of our references misread (OCR) or with two
        neighbouring characters swapped (a leading zero too: ``Factura 09001234``): the
        one such item, not among ``named`` (items a piece names exactly, not usable),
        whose amounts agree (``fuzzy-ref``, confidence as :class:`FuzzyRef` gives it)."""
        index = ctx.index
        near: dict[int, tuple[str, Closeness]] = {}
        words = [w for w in _WORD.findall(unit.ref.upper())
                 if len(w) >= PART_MIN and any(ch.isdigit() for ch in w)]
        for piece in dict.fromkeys([*parts(unit.ref), *words]):
            key = ref_key(piece)
            for p in ctx.index.by_key(key):
                near.setdefault(p, (piece, Closeness.OCR))
            for other in set(transpositions(piece)) - {key}:
                for p in ctx.index.by_key(other):
                    near.setdefault(p, (piece, Closeness.TRANSPOSITION))
        fits = {}
        for p in near:
            if p in named or ctx.index.currency(p) != unit.currency or (
                    unit.payer.customers and not ctx.in_payer_group(unit, p)):
                continue
            f = ctx.fit(unit, p)
            if f.agrees and not f.problem:
                fits[p] = f
        if len(fits) != 1:
            return None
        (pos, f), = fits.items()
        piece, level = near[pos]
        reached = {ref_key(piece)} if level is Closeness.OCR else set(transpositions(piece))
        ours = index.invoice_ref(pos) if index.ref_keys[pos] in reached else \
            index.document_no(pos)
        said = f"{piece}, read as {ours} (OCR confusion)" if level is Closeness.OCR else \
            f"{piece}, which has two characters swapped from {ours}"
        base = _FUZZY_BASE[level] - (0.0 if ctx.known(unit, [pos]) else UNCONFIRMED_FUZZY)
        return _finding(ctx, unit, FuzzyRef.name, [pos], [f],
                        lambda p: f"reference {unit.ref!r} contains {said}", base, [])

    def _several(self, ctx: Context, unit: Unit, hits: dict[int, str],
                 evidence: Callable[[int], str]) -> Finding:
        """A text naming several items: sure only when each piece names one item of the
        payment's currency and customer group and their open amounts add up to the cash."""
        index = ctx.index
        chosen = list(hits)
        listed = ", ".join(sorted(set(hits.values())))
        customers = {index.customer(p) for p in chosen}
        if len(chosen) != len(set(hits.values())) or any(
                index.currency(p) != unit.currency for p in chosen) or any(
                not ctx.parties.same_group(a, b) for a in customers for b in customers) or \
                sum(ctx.index.amount(p) for p in chosen) != unit.paid or unit.discount or \
                unit.deduction:
            return Finding(Outcome.REJECTED, self.name, reason=(
                f"reference {unit.ref!r} names several open items ({listed}) and their open "
                "amounts do not add up to the payment"))
        caveats = []
        if unit.payer.customers and not any(ctx.in_payer_group(unit, p) for p in chosen):
            caveats.append("the items belong to another customer than the payer")
        fits = [Fit("full", applied=ctx.index.amount(p)) for p in chosen]
        return _finding(ctx, unit, self.name, chosen, fits, evidence, 0.93, caveats)


def _stated_ref_caveat(unit: Unit) -> list[str]:
    if not unit.ref:
        return []
    return [f"the stated reference {unit.ref!r} is not among the open items "
            "(already cleared, or not ours)"]


def _combination(ctx: Context, unit: Unit, rule: str, pool: list[int], what: str
                 ) -> Finding | None:
    """The set of ``pool`` items that the unit's amount pays: one, or the alternatives.

    A set sums exactly to the payment, or is one item that the payment settles
    less a discount, an explained deduction or a difference within tolerance. One
    set that sums exactly is preferred to items the payment would only settle with
    an unexplained difference written off (a payer pays what it owes more often
    than a few cents less than something else).
    """
    policy = ctx.policy
    values = [ctx.index.amount(p) for p in pool]
    variants, owners, nets = list(values), list(range(len(pool))), {}
    for i, p in enumerate(pool):  # an item with terms may count net of the discount it earns
        if not ctx.index.has_terms(p):
            continue  # no terms: its net is its full amount, already a variant
        net = ctx.fit(unit, p, cash=values[i] - terms_discount(ctx.index.terms(p), values[i]))
        if net.kind == "discount" and not net.problem:
            variants.append(net.applied)
            owners.append(i)
            nets[len(variants) - 1] = net
    exact_sets, finished = combinations(variants, unit.paid, policy.max_combination_items,
                                        policy.search_budget, MAX_ALTERNATIVES, owners)
    solutions: dict[tuple[int, ...], list[Fit]] = {}  # the items of a set -> their fits
    for found in exact_sets:
        solutions.setdefault(tuple(pool[owners[i]] for i in found), [
            nets.get(i) or Fit("full", applied=variants[i]) for i in found])
    for p, value in zip(pool, values, strict=True):
        if value == unit.paid and not unit.discount and not unit.deduction:
            continue  # an exact set of one, found above
        f = ctx.fit(unit, p)
        if f.agrees and not f.problem:
            solutions.setdefault((p,), [f])
    if not solutions:
        return None
    if not finished:
        return Finding(Outcome.REJECTED, rule, reason=f"{what}: too many open items to be "
                                                      "sure the amount fits only one set")
    exact_ones = [s for s, fs in solutions.items() if all(f.kind in ("full", "discount")
                                                          for f in fs)]
    if len(exact_ones) == 1 and all(f.kind == "writeoff" for s, fs in solutions.items()
                                    if s != exact_ones[0] for f in fs):
        solutions = {exact_ones[0]: solutions[exact_ones[0]]}  # exact beats an unexplained gap
    if len(solutions) > 1:
        return _alternatives(ctx, unit, rule, list(solutions.items())[:MAX_ALTERNATIVES])
    (chosen_set, fits), = solutions.items()
    chosen = list(chosen_set)
    single = len(chosen) == 1
    name = rule if rule == "po-number" else ("amount-only" if single else "amount-combination")
    evidence = (lambda p: f"PO {unit.po} matches") if rule == "po-number" else (
        (lambda p: "no reference, and this is the only open item of the payer with this "
                   "amount") if single else
        (lambda p: f"no reference, and only these {len(chosen)} open items of the payer add "
                   "up to the payment"))
    base = 0.92 if single or rule == "po-number" else 0.91
    finding = _finding(ctx, unit, name, chosen, fits, evidence, base, _amount_caveats(unit, rule))
    if name != "po-number" and not ctx.policy.auto_amount_only and not finding.caveats:
        finding.outcome = Outcome.REVIEW
        finding.caveats.append("the policy reviews every match made on the amount alone")
    return finding


def _amount_caveats(unit: Unit, rule: str) -> list[str]:
    caveats = _stated_ref_caveat(unit)
    if rule != "po-number" and unit.payer.how == "similar name":
        caveats.append(f"the payer was recognised only by a similar name "
                       f"({unit.payer.label!r})")
    return caveats


def _alternatives(ctx: Context, unit: Unit, rule: str,
                  solutions: list[tuple[tuple[int, ...], list[Fit]]]) -> Finding:
    """A review finding listing every set that explains the amount, as groups a1, a2 ..."""
    items: list[int] = []
    fits: list[Fit] = []
    evidence: list[str] = []
    groups: list[str] = []
    many = "at least " if len(solutions) >= MAX_ALTERNATIVES else ""
    for n, (chosen, chosen_fits) in enumerate(solutions, 1):
        items += chosen
        fits += chosen_fits
        evidence += [f"{'PO ' + unit.po + ' matches, and ' if rule == 'po-number' else ''}"
                     f"this is alternative a{n} of {many}{len(solutions)} sets of open items "
                     "that fit the amount"] * len(chosen)
        groups += [f"a{n}"] * len(chosen)
    name = rule if rule == "po-number" else (
        "amount-only" if all(len(s) == 1 for s, _ in solutions) else "amount-combination")
    caveats = [f"{many}{len(solutions)} sets of open items fit the amount and only one can "
               "be right"] + _amount_caveats(unit, rule)
    return Finding(Outcome.REVIEW, name, items=items, fits=fits, evidence=evidence,
                   confidence=CONFLICT_CAP, caveats=caveats, groups=groups)


class PoNumber(Rule):
    name = "po-number"

    def apply(self, ctx: Context, unit: Unit) -> Finding | None:
        po = normalise(unit.po)
        if not po:
            return None
        pool = [p for p in ctx.index.by_po(po)
                if ctx.index.currency(p) == unit.currency and p not in ctx.taken
                and (not unit.payer.customers or ctx.in_payer_group(unit, p))]
        if not pool:
            return None
        if len(pool) == 1:  # the PO names one open item: as good as a reference
            f = ctx.fit(unit, pool[0])
            caveats = _stated_ref_caveat(unit)
            if not f.agrees and f.kind not in ("partial", "overpay"):  # those: disagreement()
                caveats.append("the PO has one open item, but the amount disagrees")
            return _finding(ctx, unit, self.name, pool, [f], lambda p: f"PO {unit.po} matches",
                            PO_ONE_ITEM, caveats)
        if len(pool) > ctx.policy.max_search_items:
            return Finding(Outcome.REJECTED, self.name, reason=(
                f"PO {unit.po} has {len(pool)} open items, too many to search by amount"))
        return _combination(ctx, unit, self.name, pool, f"PO {unit.po}") or Finding(
            Outcome.REJECTED, self.name,
            reason=f"PO {unit.po} matches open items, but no set of them fits the amount")


class AmountOnly(Rule):
    name = "amount-only"

    def apply(self, ctx: Context, unit: Unit) -> Finding | None:
        payer = unit.payer
        if not payer.decisive or unit.ref:
            return None  # a stated reference that is not open: already cleared, or not ours
        pool = [p for c in sorted(ctx.parties.scope(payer.customer or ""))
                for p in ctx.index.of_customer(c)
                if ctx.index.currency(p) == unit.currency and p not in ctx.taken]
        if not pool:
            return None
        who = ctx.parties.name(payer.customer or "")
        if len(pool) > ctx.policy.max_search_items:
            return Finding(Outcome.REJECTED, self.name, reason=(
                f"{who} has {len(pool)} open items in {unit.currency}, too many to match "
                "on the amount alone"))
        return _combination(ctx, unit, self.name, pool, f"amount of {who}")


#: The reference rules, in order. They read nothing an earlier finding changes (only the
#: PO and amount-only rules skip the items already claimed, :attr:`Context.taken`), so a
#: unit's reference finding depends on that unit alone: the engine may find them for the
#: units of a batch in any order, or in two processes.
BY_REFERENCE: tuple[Rule, ...] = (ExactRef(), NormalisedRef(), DocumentNoRef(), FuzzyRef(),
                                  RefInText())
#: The rules after them, which claim items in the order of the units.
BY_AMOUNT: tuple[Rule, ...] = (PoNumber(), AmountOnly())
RULES: tuple[Rule, ...] = (*BY_REFERENCE, *BY_AMOUNT)

#: reference rules whose sure finding, paid in full, tells whose invoices an advice pays
_VOUCHING = frozenset({"exact-ref", "normalised-ref", "document-no-ref", "ref-in-text"})
_REFERENCE = {rule.name: rule for rule in RULES if rule.name in _VOUCHING | {"fuzzy-ref"}}


def corroborate(ctx: Context, units: list[Unit], findings: list[Finding | None]) -> None:
    """A second look at the reference findings of advices that name no payer (or several).

    When the other lines of an advice surely pay invoices of one customer group (a
    reference rule, ``auto`` at the threshold, no caveat, the amount in full or less an
    earned discount), that group stands in for the payer the advice does not name (or
    picks one of the payers a shared name fits): a reference finding not yet sure is made
    again with it (:meth:`Context.confirms`, :meth:`Context.known`), and replaced when it
    names the same items, all of that group. Its sentence says so. It never makes an
    amount-only match, and a payer the advice names firmly is never overruled.
    """
    threshold = float(ctx.policy.auto_threshold)
    index, parties = ctx.index, ctx.parties
    groups: dict[str, set[str]] = {}
    sure: set[int] = set()
    for n, (unit, found) in enumerate(zip(units, findings, strict=True)):
        if found is not None and found.rule in _VOUCHING and found.outcome is Outcome.AUTO \
                and found.confidence >= threshold and not found.caveats \
                and all(f.kind in ("full", "discount") for f in found.fits):
            groups.setdefault(unit.remittance.id, set()).update(
                parties.root(index.customer(p)) for p in found.items)
            sure.add(n)
    for n, (unit, found) in enumerate(zip(units, findings, strict=True)):
        group = groups.get(unit.remittance.id, set())
        if found is None or n in sure or found.rule not in _REFERENCE or len(group) != 1 \
                or unit.payer.decisive:
            continue
        root = next(iter(group))
        if unit.payer.customers and root not in {parties.root(c) for c in unit.payer.customers}:
            continue
        unit.vouched = root
        again = _REFERENCE[found.rule].apply(ctx, unit)
        if again is None or again.outcome is Outcome.REJECTED or again.items != found.items \
                or not all(ctx.vouches(unit, p) for p in again.items):
            unit.vouched = ""
            continue
        name = parties.name(root)
        again.evidence = [f"{why}, and the advice's other lines pay invoices of {name}"
                          for why in again.evidence]
        findings[n] = again
