"""How right cash application is: the corpus truth against a :class:`MatchResult`.

:func:`score` judges every proposal row of a match of a corpus of
:mod:`bench.cashapp_corpus`:

* an **auto item row** (``decision`` auto, a ``document_no``) is *right* when
  its unit has a certain answer (:attr:`Expected.certain`), the item is one the
  unit pays, the cash applied is the truth's, and the treatment is one the
  truth accepts. It is *wrong* otherwise; :attr:`Score.wrong_treatment_rows`
  counts the rows whose item and cash are right but whose treatment is not;
* an **auto on-account row** (``document_no`` empty, treatment ``on_account``)
  is right when the payment is no duplicate, the customer is the payer (or its
  parent or subsidiary) and the payment's cash on account is no more than the
  cash it did not apply to items;
* **auto precision** = right auto item rows / auto item rows (on-account rows
  are counted apart), with its two-sided 95 % **Clopper–Pearson** interval;
* **auto recall** per unit: a line, or a whole payment when the advice has no
  lines (amount-only payments count once): units with a certain answer whose
  every posting is auto and right, with no wrong auto row and no review row
  on them and, for an overpayment, its surplus auto on account; over the units
  with a certain answer. Clopper–Pearson 95 % as well;
* **top pick**: units with a certain answer whose proposal rows, auto or
  review, name exactly its items with the right cash (what a person confirms);
* the **never-cases** (:class:`~bench.cashapp_corpus.Never`), counted per
  false auto posting: an item already paid (a cleared invoice, or an item
  auto-applied by two units of the batch; a payer who pays one invoice twice
  may have either payment posted to it, not both), a duplicated advice (including one
  applied in an earlier run, and cash put on account from one), an invented
  line (a number never issued, or an item that is not among the open items).

:func:`calibration` turns scores into the table of error rates per rule and
confidence band that ``bench/cashapp_calibration.json`` keeps; a band
*promises* an error rate of at most ``1 - low edge`` (a confidence of 0.95
means at most 5 % of its auto rows wrong).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.cashapp_corpus import Corpus, Expected, ItemKey, Never, UnitKey
from bots.cashapp.engine import MatchResult
from bots.domain import Decision, OpenItem, Proposal, Treatment, to_minor

BANDS: tuple[tuple[float, float], ...] = ((0.0, 0.90), (0.90, 0.95), (0.95, 0.99), (0.99, 1.0))
CONFIDENCE = 0.95  # of every interval below (two-sided)


def band(confidence: float) -> str:
    """The label of the band ``confidence`` falls in, e.g. ``"[0.95, 0.99)"``."""
    for low, high in BANDS:
        if low <= confidence < high or (high == 1.0 and confidence >= low):
            return band_label(low, high)
    return band_label(*BANDS[0])


def band_label(low: float, high: float) -> str:
    return f"[{low:.2f}, {high:.2f}]" if high == 1.0 else f"[{low:.2f}, {high:.2f})"


def promise(label: str) -> float:
    """The error rate a band promises at most: 1 - its low edge."""
    return round(1 - float(label[1:].split(",")[0]), 4)


def _log_pmf(i: int, n: int, p: float) -> float:
    return (math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
            + i * math.log(p) + (n - i) * math.log1p(-p))


def _cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    total, peak = 0.0, -math.inf
    for i in range(k, -1, -1):  # from k down; stop once the terms are negligible
        term = _log_pmf(i, n, p)
        peak = max(peak, term)
        if term < peak - 40:
            break
        total += math.exp(term)
    return min(1.0, total)


def _solve(f: Callable[[float], float], target: float, increasing: bool) -> float:
    """The p in (0, 1) where the monotonic ``f`` crosses ``target`` (bisection)."""
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        value = f(mid)
        if (value < target) == increasing:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def clopper_pearson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The exact two-sided interval of a binomial proportion ``k / n``."""
    if n == 0:
        return 0.0, 1.0
    if 2 * k > n:  # the mirror image is cheaper to sum
        low, high = clopper_pearson(n - k, n, confidence)
        return 1 - high, 1 - low
    tail = (1 - confidence) / 2
    low = 0.0 if k == 0 else _solve(lambda p: 1 - _cdf(k - 1, n, p), tail, increasing=True)
    high = 1.0 if k == n else _solve(lambda p: _cdf(k, n, p), tail, increasing=False)
    return low, high


@dataclass
class Cell:
    """Rows of one rule or band: how many, how many wrong."""

    rows: int = 0
    wrong: int = 0

    def add(self, wrong: bool) -> None:
        self.rows += 1
        self.wrong += wrong

    @property
    def error_rate(self) -> float:
        return self.wrong / self.rows if self.rows else 0.0

    @property
    def error_upper(self) -> float:
        """The upper end of the 95 % Clopper–Pearson interval of the error rate."""
        return clopper_pearson(self.wrong, self.rows)[1]


@dataclass
class Score:
    """The verdict on one match (or several, added with ``+``)."""

    auto_rows: int = 0
    wrong_auto_rows: int = 0  # item or cash wrong, or no certain answer
    wrong_treatment_rows: int = 0  # item and cash right, treatment wrong
    on_account_rows: int = 0
    wrong_on_account_rows: int = 0
    units: int = 0
    units_certain: int = 0
    units_auto_right: int = 0
    units_top_right: int = 0  # the proposal (auto or review) names the right items and cash
    units_auto: int = 0
    never: Counter[str] = field(default_factory=Counter)
    by_rule: dict[str, Cell] = field(default_factory=lambda: defaultdict(Cell))
    by_band: dict[str, Cell] = field(default_factory=lambda: defaultdict(Cell))
    by_rule_band: dict[tuple[str, str], Cell] = field(default_factory=lambda: defaultdict(Cell))
    all_by_rule_band: dict[tuple[str, str], Cell] = field(
        default_factory=lambda: defaultdict(Cell))  # auto and review rows, item and cash
    by_kind: dict[str, Cell] = field(default_factory=lambda: defaultdict(Cell))  # wrong=missed
    ambiguous: int = 0
    alternatives_listed: int = 0
    reason_codes: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def right_auto_rows(self) -> int:
        return self.auto_rows - self.wrong_auto_rows - self.wrong_treatment_rows

    @property
    def precision(self) -> float:
        """Auto item rows right in item, cash and treatment."""
        return self.right_auto_rows / self.auto_rows if self.auto_rows else 1.0

    @property
    def item_precision(self) -> float:
        """Auto item rows right in item and cash (treatment not judged)."""
        return 1 - self.wrong_auto_rows / self.auto_rows if self.auto_rows else 1.0

    @property
    def recall(self) -> float:
        return self.units_auto_right / self.units_certain if self.units_certain else 0.0

    @property
    def top_pick(self) -> float:
        """Units with a certain answer whose proposal, auto or review, names it."""
        return self.units_top_right / self.units_certain if self.units_certain else 0.0

    @property
    def auto_share(self) -> float:
        return self.units_auto / self.units if self.units else 0.0

    @property
    def never_total(self) -> int:
        return sum(self.never.values())

    def precision_bounds(self) -> tuple[float, float]:
        return clopper_pearson(self.right_auto_rows, self.auto_rows)

    def recall_bounds(self) -> tuple[float, float]:
        return clopper_pearson(self.units_auto_right, self.units_certain)

    def __add__(self, other: Score) -> Score:
        out = Score()
        for name in ("auto_rows", "wrong_auto_rows", "wrong_treatment_rows", "on_account_rows",
                     "wrong_on_account_rows", "units", "units_certain", "units_auto_right",
                     "units_top_right", "units_auto", "ambiguous", "alternatives_listed"):
            setattr(out, name, getattr(self, name) + getattr(other, name))
        out.never = self.never + other.never
        out.reason_codes = self.reason_codes + other.reason_codes
        for name in ("by_rule", "by_band", "by_rule_band", "all_by_rule_band", "by_kind"):
            merged = getattr(out, name)
            for part in (getattr(self, name), getattr(other, name)):
                for key, cell in part.items():
                    merged[key].rows += cell.rows
                    merged[key].wrong += cell.wrong
        return out


class _Judge:
    """One corpus, one result: the verdict on each row (see the module docstring)."""

    def __init__(self, corpus: Corpus) -> None:
        self.truth = corpus.truth
        self.items = {(it.customer, it.document_no, it.fiscal_year, it.line_item): it
                      for it in corpus.open_items}
        parent = {c.number: c.parent for c in corpus.customers}
        self.group: dict[str, set[str]] = defaultdict(set)
        for number, up in parent.items():
            self.group[number].add(number)
            if up:
                self.group[number].add(up)
                self.group[up].add(number)
        self.cash = {r.id: to_minor(r.total if r.total is not None else
                                    sum(x.paid_amount for x in r.lines), r.currency)
                     for r in corpus.remittances}
        self.currency = {r.id: r.currency for r in corpus.remittances}
        self.units_of: dict[str, list[Expected]] = defaultdict(list)
        for (rid, _), exp in self.truth.items():
            self.units_of[rid].append(exp)

    def item_of(self, p: Proposal) -> OpenItem | None:
        return self.items.get((p.customer, p.document_no, p.fiscal_year, p.line_item))

    def item_verdict(self, p: Proposal) -> tuple[OpenItem | None, str, Never | None]:
        """(the open item, "right" | "wrong" | "treatment", never-kind or None)."""
        item = self.item_of(p)
        exp = self.truth.get((p.remittance_id, p.line_index))
        if item is None or exp is None:
            return None, "wrong", Never.INVENTED
        if exp.kind == "paid-twice" and item.key in exp.postings and \
                to_minor(p.applied_amount, item.currency) == exp.postings[item.key].cash:
            return item, "right", None  # the invoice's one posting, unless the other is auto too
        if exp.never is not None:
            return item, "wrong", exp.never
        posting = exp.postings.get(item.key)
        if not exp.certain or posting is None or \
                to_minor(p.applied_amount, item.currency) != posting.cash:
            return item, "wrong", None
        if p.treatment not in posting.treatments:
            return item, "treatment", None
        return item, "right", None


def score(corpus: Corpus, result: MatchResult) -> Score:
    """The verdict on ``result``, a match of ``corpus`` (see the module docstring)."""
    judge, s = _Judge(corpus), Score()
    rows: dict[UnitKey, list[tuple[Proposal, str, bool]]] = defaultdict(list)  # verdict, auto?
    applied: dict[str, int] = defaultdict(int)  # remittance -> cash auto-applied to items
    posted: dict[ItemKey, list[tuple[bool, bool]]] = defaultdict(list)  # (never?, right?)
    on_account: dict[str, list[Proposal]] = defaultdict(list)
    for p in result.proposals:
        unit = (p.remittance_id, p.line_index)
        if not p.document_no:
            if p.decision is Decision.AUTO:
                on_account[p.remittance_id].append(p)
            continue
        item, verdict, never = judge.item_verdict(p)
        rows[unit].append((p, verdict, p.decision is Decision.AUTO))
        s.all_by_rule_band[(p.rule, band(p.confidence))].add(verdict == "wrong")
        if p.decision is not Decision.AUTO:
            continue
        s.auto_rows += 1
        s.wrong_auto_rows += verdict == "wrong"
        s.wrong_treatment_rows += verdict == "treatment"
        for cell in (s.by_rule[p.rule], s.by_band[band(p.confidence)],
                     s.by_rule_band[(p.rule, band(p.confidence))]):
            cell.add(verdict != "right")
        if never is not None:
            s.never[never] += 1
        if item is not None:
            posted[item.key].append((never is not None, verdict == "right"))
            applied[p.remittance_id] += to_minor(p.applied_amount, item.currency)
        if verdict == "right" and p.treatment in (Treatment.RESIDUAL, Treatment.WRITE_OFF):
            exp = judge.truth[unit]
            s.reason_codes[(exp.reason_class or "unexplained", p.reason_code)] += 1
    for counted in posted.values():  # an item auto-applied by two units: paid twice
        twice = sum(1 for never, _ in counted if not never) - 1
        if twice > 0:
            s.never[Never.ALREADY_PAID] += twice
            s.wrong_auto_rows += max(0, sum(1 for _, right in counted if right) - 1)
    parked = _on_account(judge, s, on_account, applied)
    _units(judge, s, rows, parked)
    return s


def _on_account(judge: _Judge, s: Score, on_account: dict[str, list[Proposal]],
                applied: dict[str, int]) -> dict[str, int]:
    """Judge the auto on-account rows; the cash rightly parked per remittance."""
    parked: dict[str, int] = {}
    for rid, ps in on_account.items():
        s.on_account_rows += len(ps)
        if rid not in judge.cash:
            s.wrong_on_account_rows += len(ps)
            s.never[Never.INVENTED] += len(ps)
            continue
        units = judge.units_of[rid]
        if any(e.never is Never.DUPLICATE for e in units):
            s.wrong_on_account_rows += len(ps)
            s.never[Never.DUPLICATE] += len(ps)
            continue
        cur = judge.currency[rid]
        payers = {e.payer for e in units}
        group = set().union(*(judge.group[payer] for payer in payers))
        total = sum(to_minor(p.applied_amount, cur) for p in ps)
        if total > judge.cash[rid] - applied.get(rid, 0) or total <= 0 or any(
                p.customer not in group or p.treatment is not Treatment.ON_ACCOUNT for p in ps):
            s.wrong_on_account_rows += len(ps)
            continue
        parked[rid] = total
    return parked


def _units(judge: _Judge, s: Score, rows: dict[UnitKey, list[tuple[Proposal, str, bool]]],
           parked: dict[str, int]) -> None:
    """Recall and top pick per unit, the ambiguous units, the share of units auto-applied."""
    s.units = len(judge.truth)
    s.units_auto = sum(1 for unit_rows in rows.values() if any(a for _, _, a in unit_rows))
    for unit, exp in judge.truth.items():
        unit_rows = rows.get(unit, [])
        if exp.review.startswith("two sets"):
            s.ambiguous += 1
            s.alternatives_listed += _alternatives_listed(judge, exp, unit_rows)
        if not exp.certain:
            continue
        s.units_certain += 1
        named = {item.key for p, v, _ in unit_rows if v != "wrong"
                 for item in (judge.item_of(p),) if item is not None}
        top = named == set(exp.postings) and all(v != "wrong" for _, v, _ in unit_rows)
        recalled = (top and all(v == "right" and auto for _, v, auto in unit_rows)
                    and parked.get(unit[0], 0) >= exp.on_account)
        s.units_top_right += top
        s.units_auto_right += recalled
        s.by_kind[exp.kind].add(not recalled)


def _alternatives_listed(judge: _Judge, exp: Expected,
                         unit_rows: list[tuple[Proposal, str, bool]]) -> bool:
    """The rows of an ambiguous unit list two groups or more, the true set among them."""
    groups: dict[str, set[ItemKey]] = defaultdict(set)
    for p, _, _ in unit_rows:
        item = judge.item_of(p)
        if p.alternative and item is not None:
            groups[p.alternative].add(item.key)
    return len(groups) >= 2 and any(frozenset(g) == exp.alternatives[0]
                                    for g in groups.values())


def calibration(s: Score) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """Per rule and band: auto rows, wrong auto rows, their error rate, its 95 % upper bound,
    the band's promise; and all rows (auto and review, judged on item and cash)."""
    table: dict[str, dict[str, dict[str, float | int | None]]] = {}
    for (rule, label), cell in sorted(s.all_by_rule_band.items()):
        auto = s.by_rule_band.get((rule, label), Cell())
        table.setdefault(rule, {})[label] = {
            "auto_rows": auto.rows, "auto_wrong": auto.wrong,
            "auto_error_rate": round(auto.error_rate, 6),
            "auto_error_upper_95": round(auto.error_upper, 6) if auto.rows else None,
            "promise": promise(label),
            "all_rows": cell.rows, "all_wrong": cell.wrong}
    return table


def breakdown(s: Score) -> list[str]:
    """Printable lines: auto precision per rule and per confidence band, with bounds."""
    out = []
    for title, cells in (("rule", s.by_rule), ("confidence band", s.by_band)):
        out.append(f"auto precision per {title} (right in item, cash and treatment; "
                   f"95 % Clopper–Pearson lower bound):")
        for name, cell in sorted(cells.items()):
            low = clopper_pearson(cell.rows - cell.wrong, cell.rows)[0]
            out.append(f"  {name:<22} {cell.rows:>9,} rows {cell.wrong:>6,} wrong  "
                       f"precision {1 - cell.error_rate:.4f} (>= {low:.4f})")
    return out
