"""Figures for supervisors: how much cash application applies by itself, and how often it is right.

One module computes them (with pandas, from the store's cash lines,
:mod:`bots.store.cash_lines`); ``report.json``, ``report.html`` and
``arbots runs`` only render what :func:`cash_figures` and :func:`run_trend`
return::

    figures = cash_figures(store, run_id)
    figures.invoice.rate          # 0.97, or None when nothing could be judged yet
    figures.by_company_code       # amount-weighted auto rate per company code and currency

**A line** is a remittance line, or the payment of an advice without lines
(an amount-only payment), as the engine saw it in one run. A payment waiting
for review is proposed again by every run until a person decides; each run
is judged on its own proposal.

**Posted unattended (auto)**: the run posted the line itself (``auto``, its
clearing done; in a dry run: would have been). The auto rate counts lines
(a line paying several items once, as the bot's counts do); hit rates judge
each (line, item) pair.

**What was finally posted** for a line: its rows posted unattended by a run
or approved and posted by a person in ``arbots review apply``. A remittance
whose unattended posting a person later marked wrong and had reset (ledger
``reset`` with ``repost``) has no final posting from that run: its lines
posted unattended are misses. A bank return is no mistake of the engine's
and changes nothing here.

**Hits in production** (a line applied without a person changing it):

* *invoice level*, per line: the engine's (document, amount) is among what
  was finally posted for that line and was not reset. So a line posted
  unattended is a hit unless reset later; a review line approved unchanged
  is a hit (the person confirmed, did not change); approved with another
  item or amount is a miss; an unmatched line is a miss at once (a person
  must find the item). Lines of which nothing is posted yet and that are not
  unmatched are *pending* and left out of the rate until decided. Cash left
  on account is not an invoice assignment and is not judged here.
* *header level*, per payment: the customers the engine put the payment to
  are the customers it was finally posted to (an auto payment not reset; a
  review payment approved with the same customers, even with other
  invoices). A payment whose payer the engine could not identify and which
  it matched to nothing is a miss; one with nothing posted yet is pending.

**On a benchmark** (:func:`judge_against_truth`) the same rates are judged
against the truth instead: a line is a hit when its document is the true
one, a payment when its customers are the true ones; nothing is pending.

**Amount-weighted auto rate**: cash posted unattended / all cash of the
run's lines (cash left on account and unmatched cash included), per company
code and currency and per customer and currency (rates of different
currencies are never added up). Lines with no item have no company code
(``""``); lines with no identified payer no customer.

**Unapplied cash on account**: cash the run put on customers' accounts
(``on_account`` rows it posted), per customer and currency; and, over all
runs, the cash on account still unapplied now (``on_account_open``): every
posting that put cash on account (ledger ``posting`` done with
``on_account``), unless it was reset or, parked for a person, its remittance
has been applied since. Cash of an overpayment stays counted: arbots does not
apply it later.

**Trend**: the same figures for the last runs (not dry runs) that applied
cash, oldest first. Hit rates of earlier runs change as people decide their
reviews: the trend is computed from the store each time, never copied.

Limits: cash a person applies in SAP directly (not through ``review apply``)
is not known: its lines stay pending, and its cash stays counted on account.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd

from bots.domain import from_minor
from bots.store import Store

TREND_RUNS = 10
_LINE_COLUMNS = ["run_id", "source", "remittance_id", "line_index", "company_code", "customer",
                 "document_no", "currency", "amount_minor", "decision", "posted"]
_KEY = ["remittance_id", "line_index", "document_no", "amount_minor"]


@dataclass(frozen=True)
class Rate:
    """Hits among the judged; ``pending``: not judged yet (a person has not decided)."""

    hits: int
    judged: int
    pending: int = 0

    @property
    def rate(self) -> float | None:
        """hits / judged, or None when nothing was judged."""
        return self.hits / self.judged if self.judged else None


@dataclass(frozen=True)
class AmountRate:
    """Cash posted unattended against all cash of one group (company code or customer)."""

    group: str
    currency: str
    auto: Decimal
    total: Decimal

    @property
    def rate(self) -> float | None:
        """auto / total, or None without cash."""
        return float(self.auto / self.total) if self.total else None


@dataclass(frozen=True)
class OnAccountCash:
    """Cash put on a customer's account, not applied to an invoice."""

    customer: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class TrendPoint:
    """One run's figures, for the trend and ``arbots runs``."""

    run_id: str
    started: datetime
    lines: int
    lines_auto: int
    invoice: Rate
    header: Rate

    @property
    def auto_rate(self) -> float | None:
        """Lines posted unattended / lines."""
        return self.lines_auto / self.lines if self.lines else None


@dataclass(frozen=True)
class CashFigures:
    """The cash-application figures of one run (see the module docstring)."""

    run_id: str
    lines: int
    lines_auto: int
    invoice: Rate
    header: Rate
    by_company_code: tuple[AmountRate, ...]
    by_customer: tuple[AmountRate, ...]
    on_account: tuple[OnAccountCash, ...]
    trend: tuple[TrendPoint, ...]
    on_account_open: tuple[OnAccountCash, ...] = ()
    dry_run: bool = False  # posted: would have been; nothing of it is judged

    @property
    def auto_rate(self) -> float | None:
        """Lines posted unattended / lines."""
        return self.lines_auto / self.lines if self.lines else None


# --------------------------------------------------------------------------- reading


def _frame(rows: Sequence[object]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=_LINE_COLUMNS)  # type: ignore[arg-type]


def _runs(store: Store) -> pd.DataFrame:
    rows = store.db.execute("SELECT id, dry_run, started FROM runs").fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=["run_id", "dry_run", "started"])


def _reset_remittances(store: Store) -> set[str]:
    """Remittances whose unattended posting a person marked wrong and had reset (ledger
    ``reset`` done with ``repost``; a bank return is no mistake of the engine's)."""
    payloads = (json.loads(row["payload"]) for row in store.writes_of("reset", "done"))
    return {p.get("remittance", "") for p in payloads if p.get("repost")}


def _finals(store: Store, run_ids: Sequence[str], reset: set[str]) -> pd.DataFrame:
    """What was finally posted for the lines of ``run_ids``: posted rows of real runs,
    without the unattended postings of ``reset`` remittances."""
    posted = _frame(store.posted_cash_lines(run_ids))
    real = _runs(store).query("dry_run == 0")["run_id"]
    posted = posted[posted["run_id"].isin(real)]
    undone = posted["remittance_id"].isin(reset) & (posted["source"] == "engine")
    return posted[~undone]


# --------------------------------------------------------------------------- judging


def judge(lines: pd.DataFrame, finals: pd.DataFrame, reset: set[str]) -> tuple[Rate, Rate]:
    """(invoice-level, header-level) rates of the engine ``lines`` of one run in production."""
    lines = lines[lines["decision"] != "on_account"]
    if lines.empty:
        return Rate(0, 0), Rate(0, 0)
    final_keys = finals[_KEY].drop_duplicates().assign(final=True)
    judged_lines = finals[["remittance_id", "line_index"]].drop_duplicates().assign(known=True)
    frame = (lines.merge(final_keys, on=_KEY, how="left")
             .merge(judged_lines, on=["remittance_id", "line_index"], how="left"))
    frame["final"] = frame["final"].fillna(False).astype(bool)
    was_reset = frame["remittance_id"].isin(reset) & frame["posted"].astype(bool)
    unmatched = frame["decision"] == "unmatched"
    judged = frame["known"].fillna(False).astype(bool) | was_reset | unmatched
    hit = frame["final"] & ~unmatched & (frame["document_no"] != "")
    invoice = Rate(int((hit & judged).sum()), int(judged.sum()), int((~judged).sum()))

    proposed = (lines[lines["customer"] != ""].groupby("remittance_id")["customer"]
                .agg(frozenset))
    posted_to = (finals[finals["customer"] != ""].groupby("remittance_id")["customer"]
                 .agg(frozenset))
    header_hits = header_judged = header_pending = 0
    posted_here = set(lines.loc[lines["posted"].astype(bool), "remittance_id"])
    for rid in lines["remittance_id"].unique():
        mine = proposed.get(rid, frozenset())
        if (rid in reset and rid in posted_here) or (not mine and (
                lines.loc[lines["remittance_id"] == rid, "decision"] == "unmatched").all()):
            header_judged += 1
        elif rid in posted_to.index:
            header_judged += 1
            header_hits += int(mine == posted_to[rid])
        else:
            header_pending += 1
    return invoice, Rate(header_hits, header_judged, header_pending)


def judge_against_truth(proposals: pd.DataFrame, truth: pd.DataFrame) -> tuple[Rate, Rate]:
    """(invoice-level, header-level) rates of proposal rows judged against the truth.

    ``proposals``: the rows of PROPOSALS.csv (``remittance_id``, ``line_index``,
    ``customer``, ``document_no``); ``truth``: the same columns, what each line
    really paid. A line is a hit when its document is a true one for that
    line, a payment when its customers are the true ones.
    """
    key = ["remittance_id", "line_index", "document_no"]
    frame = proposals.merge(truth[key].drop_duplicates().assign(true=True), on=key, how="left")
    hits = frame["true"].fillna(False).astype(bool) & (frame["document_no"] != "")
    invoice = Rate(int(hits.sum()), len(frame))
    mine = proposals[proposals["customer"] != ""].groupby("remittance_id")["customer"].agg(
        frozenset)
    real = truth.groupby("remittance_id")["customer"].agg(frozenset)
    payments = proposals["remittance_id"].unique()
    header = Rate(sum(int(mine.get(rid, frozenset()) == real.get(rid)) for rid in payments),
                  len(payments))
    return invoice, header


# --------------------------------------------------------------------------- figures


def _amount_rates(lines: pd.DataFrame, by: str) -> tuple[AmountRate, ...]:
    frame = lines.assign(auto_minor=lines["amount_minor"].where(
        (lines["decision"] == "auto") & lines["posted"].astype(bool), 0))
    sums = frame.groupby([by, "currency"], sort=True)[["auto_minor", "amount_minor"]].sum()
    return tuple(AmountRate(group, currency, from_minor(int(auto), currency),
                            from_minor(int(total), currency))
                 for (group, currency), (auto, total) in sums.iterrows())


def _on_account(lines: pd.DataFrame) -> tuple[OnAccountCash, ...]:
    cash = lines[(lines["decision"] == "on_account") & lines["posted"].astype(bool)]
    sums = cash.groupby(["customer", "currency"], sort=True)["amount_minor"].sum()
    return tuple(OnAccountCash(customer, currency, from_minor(int(amount), currency))
                 for (customer, currency), amount in sums.items())


def _units(lines: pd.DataFrame) -> tuple[int, int]:
    """(lines, lines posted unattended): a line paying several items counts once, as
    auto when all its items were posted unattended; cash left on account is no line."""
    lines = lines[lines["decision"] != "on_account"]
    auto = (lines["decision"] == "auto") & lines["posted"].astype(bool)
    per_line = auto.groupby([lines["remittance_id"], lines["line_index"]]).all()
    return len(per_line), int(per_line.sum())


def on_account_open(store: Store) -> tuple[OnAccountCash, ...]:
    """Cash on customers' accounts not applied yet, over all runs (module docstring)."""
    reset = {json.loads(r["payload"]).get("posting") for r in store.writes_of("reset", "done")}
    rows = []
    for write in store.writes_of("posting", "done"):
        payload = json.loads(write["payload"])
        amount = Decimal(payload.get("on_account") or "0")
        if not amount or write["key"] in reset:
            continue
        if payload.get("parked"):
            remittance = store.remittance(payload["remittance"])
            if remittance is not None and remittance["status"] == "applied":
                continue
        rows.append((payload["payer"], payload["currency"], amount))
    frame = pd.DataFrame(rows, columns=["customer", "currency", "amount"])
    sums = frame.groupby(["customer", "currency"], sort=True)["amount"].sum()
    return tuple(OnAccountCash(customer, currency, Decimal(amount))
                 for (customer, currency), amount in sums.items())


def run_trend(store: Store, run_ids: Sequence[str] | None = None,
              last: int = TREND_RUNS) -> tuple[TrendPoint, ...]:
    """The figures of ``run_ids`` (default: the ``last`` real runs that applied cash),
    oldest first; a run without cash lines is left out."""
    runs = _runs(store)
    if run_ids is None:
        engine = {r["run_id"] for r in store.db.execute(
            "SELECT DISTINCT run_id FROM cash_lines WHERE source = 'engine'")}
        chosen = runs[(runs["dry_run"] == 0) & runs["run_id"].isin(engine)]
        run_ids = list(chosen.sort_values("started")["run_id"].tail(last))
    lines = _frame(store.cash_lines(list(run_ids)))
    lines = lines[lines["source"] == "engine"]
    reset = _reset_remittances(store)
    finals = _finals(store, run_ids, reset)
    started = dict(zip(runs["run_id"], runs["started"], strict=True))
    points = []
    for run_id, mine in lines.groupby("run_id", sort=False):
        invoice, header = judge(mine, finals, reset)
        points.append(TrendPoint(str(run_id), datetime.fromisoformat(started[run_id]),
                                 *_units(mine), invoice, header))
    return tuple(sorted(points, key=lambda p: p.started))


def amount_rates_by_run(store: Store, run_ids: Sequence[str]) -> tuple[AmountRate, ...]:
    """The amount-weighted auto rate of each of ``run_ids``: cash posted unattended against
    all cash the engine saw, per run (``AmountRate.group``) and currency."""
    lines = _frame(store.cash_lines(list(run_ids)))
    lines = lines[lines["source"] == "engine"]
    return () if lines.empty else _amount_rates(lines, "run_id")


def cash_figures(store: Store, run_id: str, last: int = TREND_RUNS) -> CashFigures | None:
    """The figures of run ``run_id`` with the trend of the runs up to it; None if the run
    recorded no cash lines."""
    lines = _frame(store.cash_lines([run_id]))
    lines = lines[lines["source"] == "engine"]
    if lines.empty:
        return None
    reset = _reset_remittances(store)
    invoice, header = judge(lines, _finals(store, [run_id], reset), reset)
    run = _runs(store).set_index("run_id").loc[run_id]
    started = run["started"]
    own = TrendPoint(run_id, datetime.fromisoformat(started), *_units(lines), invoice, header)
    earlier = [p for p in run_trend(store, last=last) if p.started < own.started]
    earlier = earlier[max(0, len(earlier) - last + 1):]
    return CashFigures(run_id=run_id, lines=own.lines, lines_auto=own.lines_auto,
                       invoice=invoice, header=header,
                       by_company_code=_amount_rates(lines, "company_code"),
                       by_customer=_amount_rates(lines, "customer"),
                       on_account=_on_account(lines), trend=(*earlier, own),
                       on_account_open=on_account_open(store), dry_run=bool(run["dry_run"]))
