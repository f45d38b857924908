"""A seeded, deterministic synthetic corpus for cash application, with ground truth.

:func:`generate` builds customers (some with parents, some sharing an alias),
open items (USD, EUR and JPY; invoices with and without discount terms,
credit memos, decoys whose amounts differ by a few cents, PO numbers shared by
several items) and remittances that pay them the way payers do: references
with prefixes, lower case and leading zeros, OCR confusions, one
transposition, our document number instead of the invoice number, no
reference at all (PO only, or amount only), discounts in and out of terms,
short pays with and without a reason, small differences, overpayments, credit
memos netted, parents paying for subsidiaries, payer names misspelled or
absent. Traps carry truth ``None`` (must never be applied): duplicate advices,
invoices already cleared (not among the open items), remittances already
applied in an earlier run.

This module lives in ``bench/`` (not in the product package ``bots/cashapp``,
which stays pure): the benchmarks and ``tests/cashapp`` import it.

:func:`score` compares a :class:`~bots.cashapp.engine.MatchResult` with the
truth: auto precision (an auto row is right when its item and cash amount are
in the truth of its unit), auto recall (units whose truth is fully auto-applied
right / units that have a truth), and the share of units auto-applied.

The same seed gives the same corpus. Generation is not benchmarked.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bots.cashapp.engine import MatchResult
from bots.domain import (
    Customer,
    Decision,
    OpenItem,
    Remittance,
    RemittanceLine,
    from_minor,
    stable_id,
    to_minor,
)

ItemKey = tuple[str, str, str, str, str]
UnitKey = tuple[str, int | None]

_WORDS_A = ("North", "Blue", "Silver", "Great", "Pacific", "Summit", "Golden", "Red", "Eagle",
            "Prime", "United", "Royal", "Atlas", "Delta", "Evergreen", "Harbor", "Iron",
            "Lake", "Metro", "Nova", "Oak", "Pioneer", "Quantum", "River", "Star", "Tri",
            "Union", "Vista", "West", "Zenith")
_WORDS_B = ("Foods", "Steel", "Logistics", "Retail", "Pharma", "Motors", "Textiles",
            "Electric", "Paper", "Plastics", "Farms", "Tools", "Chemicals", "Brands",
            "Systems", "Supply", "Outfitters", "Beverages", "Health", "Energy")
_LEGAL = ("Inc.", "Corp.", "LLC", "Ltd", "GmbH", "Co.")
_OCR = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}
_REASONS = ("DAMAGED", "PRICING", "SHORT SHIPMENT", "PROMO ALLOWANCE", "FREIGHT")
_DAY0 = date(2026, 3, 1)
_DATES = [_DAY0 + timedelta(days=d) for d in range(120)]


@dataclass
class Corpus:
    """Open items, customers, remittances and what each unit truly pays."""

    open_items: list[OpenItem]
    customers: list[Customer]
    remittances: list[Remittance]
    # (remittance id, line index or None) -> {item key: cash applied (minor)}; None = never
    truth: dict[UnitKey, dict[ItemKey, int] | None]
    already_applied: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Score:
    auto_rows: int
    wrong_auto_rows: int
    units: int
    units_with_truth: int
    units_auto_right: int
    units_auto: int

    @property
    def precision(self) -> float:
        return 1.0 if not self.auto_rows else 1 - self.wrong_auto_rows / self.auto_rows

    @property
    def recall(self) -> float:
        return self.units_auto_right / self.units_with_truth if self.units_with_truth else 0.0

    @property
    def auto_share(self) -> float:
        return self.units_auto / self.units if self.units else 0.0


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.doc = 1800000000
        self.inv = 90000000
        self.items: list[OpenItem] = []
        self.by_customer: dict[str, list[OpenItem]] = {}
        self.customers: list[Customer] = []

    def customer_name(self, i: int) -> str:
        a = _WORDS_A[i % len(_WORDS_A)]
        b = _WORDS_B[(i // len(_WORDS_A)) % len(_WORDS_B)]
        round_ = i // (len(_WORDS_A) * len(_WORDS_B))
        return f"{a} {b}{f' {round_ + 1}' if round_ else ''} {_LEGAL[i % len(_LEGAL)]}"

    def item(self, customer: str, currency: str, amount_minor: int, alnum: bool,
             po: str = "", terms: bool = False) -> OpenItem:
        rng = self.rng
        self.doc += 1
        self.inv += rng.randint(1, 3)
        ref = f"INV-{self.inv}" if alnum else str(self.inv)
        doc_day = rng.randrange(0, 40)
        item = OpenItem(
            company_code="1000", customer=customer, document_no=str(self.doc),
            fiscal_year="2026", line_item="001", currency=currency,
            amount=from_minor(amount_minor, currency), doc_date=_DATES[doc_day],
            due_date=_DATES[doc_day + 30], invoice_ref=ref, po_number=po,
            discount_pct=Decimal(2) if terms else None,
            discount_date=_DATES[doc_day + 10] if terms else None)
        return item

    def amount(self, currency: str) -> int:
        if currency == "JPY":
            return self.rng.randint(5_000, 5_000_000)
        return self.rng.randint(5_000, 5_000_000)  # 50.00 .. 50,000.00


def _noisy_ref(rng: random.Random, item: OpenItem, kind: str) -> str:
    ref = item.invoice_ref
    digits = ref.removeprefix("INV-")
    if kind == "normalised":
        return rng.choice([f"inv {digits}", f"INV#00{digits}", f"No. {digits}",
                           f"Inv.-{digits}".lower(), f"#{digits}"])
    if kind == "ocr":
        spots = [i for i, ch in enumerate(digits) if ch in _OCR]
        if not spots:
            return ref
        i = rng.choice(spots)
        return digits[:i] + _OCR[digits[i]] + digits[i + 1:]
    if kind == "transposition":
        spots = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1]]
        i = rng.choice(spots)
        return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
    if kind == "document":
        return item.document_no
    return ref


def _payer_name(rng: random.Random, c: Customer) -> tuple[str | None, str | None]:
    """(payer_name, payer_account) as an advice would state them."""
    roll = rng.random()
    if roll < 0.35:
        return c.name, None
    if roll < 0.55:
        return c.name.upper().replace(".", ""), None
    if roll < 0.75:
        return None, c.number.lstrip("0")
    if roll < 0.85 and c.aliases:
        return c.aliases[0], None
    if roll < 0.92:
        return c.name.rsplit(" ", 1)[0].lower(), None
    return None, None


def generate(seed: int = 7, customers: int = 300, items_per_customer: int = 12,
             payments: int = 1500) -> Corpus:
    """A corpus of about ``customers * items_per_customer`` open items and ``payments``."""
    b = _Builder(seed)
    rng = b.rng
    cust_list: list[Customer] = []
    shared_alias = "Consolidated Holdings"
    for i in range(customers):
        number = f"{100000 + i:010d}"
        name = b.customer_name(i)
        parent = ""
        if i >= 10 and rng.random() < 0.08:
            parent = cust_list[rng.randrange(0, 10)].number
        aliases: tuple[str, ...] = ()
        roll = rng.random()
        if roll < 0.15:
            aliases = (f"{name.split()[0]} {name.split()[1][:3]} Trading",)
        elif roll < 0.17:
            aliases = (shared_alias,)
        cust_list.append(Customer(number=number, name=name, parent=parent, aliases=aliases))
    b.customers = cust_list
    currency_of = {c.number: ("JPY" if i % 20 == 7 else "EUR" if i % 20 == 11 else "USD")
                   for i, c in enumerate(cust_list)}
    for c in cust_list:
        cur = currency_of[c.number]
        alnum = int(c.number) % 3 == 0
        n = rng.randint(1, 2 * items_per_customer - 1)
        own: list[OpenItem] = []
        po = ""
        for _ in range(n):
            if rng.random() < 0.4:
                po = f"PO-{rng.randint(10000, 99999)}" if rng.random() < 0.7 or not po else po
            else:
                po = ""
            if rng.random() < 0.06:
                amt = -rng.randint(1_000, 200_000) if cur != "JPY" else -rng.randint(500, 50_000)
                item = b.item(c.number, cur, amt, alnum)
            else:
                amt = b.amount(cur)
                item = b.item(c.number, cur, amt, alnum, po, terms=rng.random() < 0.3)
                if rng.random() < 0.08:  # a decoy a few cents away
                    own.append(b.item(c.number, cur, amt + rng.randint(1, 300), alnum))
            own.append(item)
        b.by_customer[c.number] = own
        b.items.extend(own)
    return _payments(b, cust_list, currency_of, payments)


def _payments(b: _Builder, cust_list: list[Customer], currency_of: dict[str, str],
              payments: int) -> Corpus:
    rng = b.rng
    unpaid = {c: list(items) for c, items in b.by_customer.items()}
    for items in unpaid.values():
        rng.shuffle(items)
    children: dict[str, list[str]] = {}
    for c in cust_list:
        if c.parent:
            children.setdefault(c.parent, []).append(c.number)
    remittances: list[Remittance] = []
    truth: dict[UnitKey, dict[ItemKey, int] | None] = {}
    applied_ids: set[str] = set()
    cleared_inv = 80000000
    for n in range(payments):
        payer = rng.choice(cust_list)
        scope = [payer.number] + children.get(payer.number, [])
        cur = currency_of[payer.number]
        pool = [it for c in scope for it in unpaid[c] if it.amount > 0 and it.currency == cur]
        credits = [it for c in scope for it in unpaid[c] if it.amount < 0 and it.currency == cur]
        if not pool:
            continue
        pay_day = rng.randrange(20, 60)
        rid = stable_id("r", "corpus", n)
        name, account = _payer_name(rng, payer)
        roll = rng.random()
        lines: list[RemittanceLine] = []
        unit_truth: list[dict[ItemKey, int] | None] = []
        if roll < 0.07:  # amount only, no lines
            k = min(len(pool), rng.choice((1, 1, 2, 3)))
            chosen = [pool.pop() for _ in range(k)]
            for it in chosen:
                unpaid[it.customer].remove(it)
            total_minor = sum(it.amount_minor for it in chosen)
            remittances.append(Remittance(
                id=rid, source=f"corpus/{rid}.csv", format="csv", currency=cur,
                payer_name=name, payer_account=account, payment_ref=f"ACH {n:09d}",
                payment_date=_DATES[pay_day], total=from_minor(total_minor, cur)))
            truth[(rid, None)] = {it.key: it.amount_minor for it in chosen}
            continue
        for _ in range(min(len(pool), rng.choice((1, 1, 2, 3, 3, 4, 6)))):
            it = pool.pop()
            unpaid[it.customer].remove(it)
            line, applied = _line(rng, it, pay_day)
            lines.append(line)
            unit_truth.append({it.key: applied} if applied is not None else None)
        if credits and rng.random() < 0.3:
            cm = credits[0]
            unpaid[cm.customer].remove(cm)
            lines.append(RemittanceLine(invoice_ref=cm.invoice_ref, paid_amount=cm.amount))
            unit_truth.append({cm.key: cm.amount_minor})
        if rng.random() < 0.04:  # an invoice already cleared: not among the open items
            cleared_inv += 7
            lines.append(RemittanceLine(invoice_ref=str(cleared_inv),
                                        paid_amount=from_minor(b.amount(cur), cur)))
            unit_truth.append(None)
        total = sum((x.paid_amount for x in lines), Decimal(0))
        r = Remittance(id=rid, source=f"corpus/{rid}.pdf", format="pdf", currency=cur,
                       lines=lines, payer_name=name, payer_account=account,
                       payment_ref=f"ACH {n:09d}", payment_date=_DATES[pay_day], total=total)
        remittances.append(r)
        for i, t in enumerate(unit_truth):
            truth[(rid, i)] = t
        if rng.random() < 0.03:  # the same payment advised twice (e-mail body and PDF)
            dup = Remittance(id=rid + "-dup", source=f"corpus/{rid}.eml", format="email",
                             currency=cur, lines=list(lines), payer_name=name,
                             payer_account=account, payment_ref=r.payment_ref,
                             payment_date=r.payment_date, total=total)
            remittances.append(dup)
            for i in range(len(lines)):
                truth[(dup.id, i)] = None
        elif rng.random() < 0.02:  # applied in an earlier run
            applied_ids.add(rid)
            for i in range(len(lines)):
                truth[(rid, i)] = None
    return Corpus(b.items, cust_list, remittances, truth, applied_ids)


def _line(rng: random.Random, it: OpenItem, pay_day: int) -> tuple[RemittanceLine, int | None]:
    """A line paying ``it`` the way a payer would, and the cash truly applied."""
    cur, amount = it.currency, it.amount_minor
    roll = rng.random()
    kind = ("exact" if roll < 0.45 else "normalised" if roll < 0.65 else "ocr" if roll < 0.73
            else "transposition" if roll < 0.78 else "document" if roll < 0.83
            else "po" if roll < 0.88 and it.po_number else "exact")
    ref = _noisy_ref(rng, it, kind) if kind != "po" else ""
    po = it.po_number if kind == "po" or rng.random() < 0.2 else None
    paid, discount, deduction, reason = amount, 0, 0, None
    roll = rng.random()
    if it.discount_date and roll < 0.5:
        discount = int((Decimal(amount) * 2 / 100).to_integral_value())
        paid = amount - discount  # in or out of terms: the pay day decides
        discount = discount if rng.random() < 0.5 else 0  # stated, or only deducted
    elif roll < 0.06:
        deduction = rng.randint(1, max(1, amount // 5))
        paid, reason = amount - deduction, rng.choice(_REASONS)
    elif roll < 0.09:
        paid = amount - rng.randint(1, 99 if cur != "JPY" else 3)
    elif roll < 0.11:
        paid = amount - amount // rng.randint(2, 4)
    elif roll < 0.12:
        paid = amount + rng.randint(100, 10_000)
    line = RemittanceLine(
        invoice_ref=ref, paid_amount=from_minor(paid, cur), po_number=po,
        gross_amount=from_minor(amount, cur), discount=from_minor(discount, cur),
        deduction=from_minor(deduction, cur), deduction_reason=reason)
    applied = min(paid, amount) if paid <= amount else amount
    return line, applied


def score(corpus: Corpus, result: MatchResult) -> Score:
    """Auto precision and recall of ``result`` against the corpus truth."""
    currency = {it.customer: it.currency for it in corpus.open_items}
    auto_rows = wrong = 0
    per_unit: dict[UnitKey, dict[ItemKey, int]] = {}
    any_review: set[UnitKey] = set()
    for p in result.proposals:
        unit = (p.remittance_id, p.line_index)
        if p.decision is not Decision.AUTO:
            any_review.add(unit)
            continue
        auto_rows += 1
        truth = corpus.truth.get(unit)
        key = next((k for k in (truth or {}) if k[2] == p.document_no and k[1] == p.customer),
                   None)
        if key is None or truth is None or \
                truth[key] != to_minor(p.applied_amount, currency[p.customer]):
            wrong += 1
            continue
        per_unit.setdefault(unit, {})[key] = truth[key]
    with_truth = [u for u, t in corpus.truth.items() if t]
    right = sum(1 for u in with_truth
                if u not in any_review and per_unit.get(u) == corpus.truth[u])
    units_auto = len({(p.remittance_id, p.line_index) for p in result.proposals
                      if p.decision is Decision.AUTO})
    return Score(auto_rows, wrong, len(corpus.truth), len(with_truth), right, units_auto)
