"""Promises to pay: record one (with a note on the account in SAP), judge them each run.

Recording (:func:`record_promise`, the on-demand ``promise`` bot behind
``arbots collections promise`` and the console): the promise is kept in the
store with the account's open items in its currency at that moment (the
*baseline*), and a note on the account in SAP documents it, written once
through the write ledger (kind ``promise_note``; the same promise recorded
again writes no second note).

A promise can also be written on the worklist's Collections sheet (columns
"Promised amount" and "Promised date"); ``arbots review apply`` records each
such row the same way (:func:`worklist_promises`, then :func:`record`).

Judging (:func:`judge_promises`, at the start of every collections run): what
was paid against a promise is what the baseline items lost since (cleared or
partly paid, judged from the open items the run sees, less what this run's
cash application cleared) plus payments on account (``DZ`` credits) that are
new since. A promise is *kept* as soon as that reaches the amount within
``[collections] promise_tolerance_pct``, and *broken* when the promised date
has passed without it. A broken promise raises the account's collection
priority (arbots' own; SAP's dunning level is never touched) and puts it at
the top of the next collections list, whatever the cadence.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from bots.domain import CollectionNote, OpenItem, format_amount, from_minor, to_minor
from bots.pipeline.context import BotContext
from bots.pipeline.worklist_file import WorklistFile
from bots.reports.model import BotSection, BotStatus, ErrorItem
from bots.sap.errors import SapBusinessError
from bots.sap.values import alpha
from bots.store import Promise

if TYPE_CHECKING:
    from bots.config import Config
    from bots.runner import RunOutcome

REQUEST = "promise"  # the memo key the promise bot reads its request from
COUNTS = ("promises_recorded", "promises_already_recorded", "notes_written",
          "notes_already_written")
PAYMENT_DOC_TYPE = "DZ"  # a payment (on account when it stays open)


@dataclass(frozen=True)
class PromiseRequest:
    """A promise as a person states it (``currency`` None: the account's own)."""

    customer: str
    amount: Decimal
    promised_date: date
    company_code: str
    currency: str | None = None
    recorded_by: str = ""
    source: str = "cli"

    def as_input(self) -> dict[str, str]:
        """The request as run inputs (plain strings, kept with the run)."""
        return {"customer": self.customer, "amount": str(self.amount),
                "promised_date": self.promised_date.isoformat(),
                "company_code": self.company_code, "currency": self.currency or "",
                "recorded_by": self.recorded_by or getpass.getuser(), "source": self.source}

    @classmethod
    def from_input(cls, data: dict[str, str]) -> PromiseRequest:
        return cls(customer=data["customer"], amount=Decimal(data["amount"]),
                   promised_date=date.fromisoformat(data["promised_date"]),
                   company_code=data["company_code"], currency=data["currency"] or None,
                   recorded_by=data["recorded_by"], source=data["source"])


def record_promise(cfg: Config, request: PromiseRequest) -> RunOutcome:
    """Record ``request`` in a run of its own (lease, ledger, report); the run's outcome.

    The plain Python API for the console: the section ``promise`` of
    ``outcome.report`` says whether it was new and whether the note was written.
    """
    from bots.domain import Trigger
    from bots.runner import run_bots

    return run_bots(cfg, (REQUEST,), Trigger.ON_DEMAND, inputs={REQUEST: request.as_input()})


def run(ctx: BotContext) -> BotSection:
    """The on-demand bot: record the promise handed in ``ctx.memo`` and note it in SAP."""
    from bots.pipeline.collections import finish_open_notes

    section = BotSection(REQUEST, BotStatus.OK, counts=dict.fromkeys(COUNTS, 0))
    finish_open_notes(ctx, section, "promise_note")
    if REQUEST not in ctx.memo:
        section.errors.append(ErrorItem("promise", "no promise was handed to this run",
                                        "Record one with `arbots collections promise`."))
    else:
        record(ctx, PromiseRequest.from_input(ctx.memo[REQUEST]), section)
    if section.errors:
        section.status = BotStatus.FAILED
    return section


def record(ctx: BotContext, request: PromiseRequest, section: BotSection) -> None:
    """Record ``request`` against the account's open items and note it in SAP, once;
    a problem becomes an error of ``section``, which counts :data:`COUNTS`."""
    from bots.pipeline.collections import write_note

    for name in COUNTS:
        section.counts.setdefault(name, 0)
    customer, code = alpha(request.customer), request.company_code
    target = f"{code}/{customer}"
    try:
        items = ctx.sap.open_items_of(code, customer, ctx.today)
    except SapBusinessError as exc:
        section.errors.append(ErrorItem(target, f"SAP does not know the account: {exc}",
                                        "Check the customer number and --company-code."))
        return
    currency = request.currency or _account_currency(items)
    if currency is None:
        section.errors.append(ErrorItem(
            target, "the account has open items in several currencies, or none",
            "Say which currency the promise is in (--currency)."))
        return
    if ctx.dry_run:
        section.counts["promises_recorded"] += 1  # would record
        return
    promise, created = ctx.store.record_promise(
        code, customer, currency, to_minor(request.amount, currency), request.promised_date,
        request.recorded_by, request.source, baseline(items, currency))
    section.counts["promises_recorded" if created else "promises_already_recorded"] += 1
    write_note(ctx, promise_note(promise), section, kind="promise_note")


def worklist_promises(book: WorklistFile, user: str, section: BotSection
                      ) -> list[PromiseRequest]:
    """The promises written on the Collections sheet of worklist ``book`` (rows with a
    promised amount or date). A row that cannot be read is an error of ``section``
    naming the file, row and column; the other rows go on."""
    from bots.reports.model import CollectionRow
    from bots.reports.worklist import PROMISED_AMOUNT, PROMISED_DATE, column_title

    rows = book.rows(CollectionRow.SHEET)
    if rows is None:
        return []
    header = [str(h or "").strip() for h in next(rows, ())]
    names = {"customer": column_title("customer"), "code": column_title("company_code"),
             "currency": column_title("currency"), "amount": PROMISED_AMOUNT,
             "date": PROMISED_DATE}
    if not set(names.values()) <= set(header):
        return []  # a worklist of a release without the promise columns
    col = {key: header.index(title) for key, title in names.items()}
    requests = []
    for number, values in enumerate(rows, start=2):
        amount, when = values[col["amount"]], values[col["date"]]
        if amount in (None, "") and when in (None, ""):
            continue
        where = f"{book.path.name}: sheet {CollectionRow.SHEET!r}, row {number}"
        try:
            promised = _cell_amount(amount, PROMISED_AMOUNT)
            promised_date = _cell_date(when, PROMISED_DATE)
        except ValueError as exc:
            section.errors.append(ErrorItem(where, str(exc), "Write the amount as a number "
                                            "and the date as a date (YYYY-MM-DD), then apply "
                                            "the worklist again."))
            continue
        requests.append(PromiseRequest(
            str(values[col["customer"]] or ""), promised, promised_date,
            str(values[col["code"]] or ""), str(values[col["currency"]] or "") or None,
            recorded_by=user, source="worklist"))
    return requests


def _cell_amount(value: object, column: str) -> Decimal:
    """A spreadsheet amount as a Decimal (a number cell through its shortest text)."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except ArithmeticError:
        raise ValueError(f"column {column!r}: {value!r} is not an amount") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"column {column!r}: {value!r} is not an amount above zero")
    return amount


def _cell_date(value: object, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"column {column!r}: {value!r} is not a date") from None


def _account_currency(items: Iterable[OpenItem]) -> str | None:
    currencies = {i.currency for i in items}
    return currencies.pop() if len(currencies) == 1 else None


def item_id(item: OpenItem) -> str:
    """An item's key within its account: ``document/year/line``."""
    return f"{item.document_no}/{item.fiscal_year}/{item.line_item}"


def baseline(items: Iterable[OpenItem], currency: str) -> dict[str, int]:
    """The account's open items in ``currency`` (minor units by item id)."""
    return {item_id(i): i.amount_minor for i in items if i.currency == currency}


def promise_note(promise: Promise) -> CollectionNote:
    """The note documenting a promise on the account (dated the day it was recorded)."""
    amount = format_amount(from_minor(promise.amount_minor, promise.currency),
                           promise.currency)
    return CollectionNote(
        company_code=promise.company_code, customer=promise.customer,
        on=date.fromisoformat(promise.recorded_at[:10]), kind=f"promise:{promise.id}",
        lines=(f"arbots promise to pay: {amount} {promise.currency} by "
               f"{promise.promised_date.isoformat()}, taken by {promise.recorded_by} "
               f"({promise.source}, {promise.recorded_at[:10]}).",))


def paid_against(promise: Promise, items: Iterable[OpenItem]) -> int:
    """Minor units paid towards ``promise``, judged from the account's open ``items`` now."""
    now = {item_id(i): i for i in items
           if i.currency == promise.currency and (i.company_code, i.customer)
           == (promise.company_code, promise.customer)}
    paid = sum(max(amount - (now[key].amount_minor if key in now else 0), 0)
               for key, amount in promise.baseline.items())
    paid += sum(-i.amount_minor for key, i in now.items()
                if key not in promise.baseline and i.doc_type == PAYMENT_DOC_TYPE
                and i.amount_minor < 0)
    return paid


def verdict(promise: Promise, paid_minor: int, today: date, tolerance_pct: Decimal) -> str:
    """``kept``, ``broken`` or still ``open``."""
    short_by = Decimal(promise.amount_minor - paid_minor)
    if short_by <= Decimal(promise.amount_minor) * tolerance_pct / 100:
        return "kept"
    return "broken" if today > promise.promised_date else "open"


def judge_promises(ctx: BotContext, items: list[OpenItem], section: BotSection) -> None:
    """Settle the open promises of the configured company codes; count them in ``section``.

    ``items`` are the open items the run sees (cleared ones already left out).
    A dry run judges without recording the verdicts.
    """
    counts = {"promises_open": 0, "promises_kept": 0, "promises_broken": 0}
    codes = set(ctx.cfg.sap.company_codes)
    for promise in ctx.store.promises(status="open"):
        if promise.company_code not in codes:
            continue
        paid = paid_against(promise, items)
        status = verdict(promise, paid, ctx.today, ctx.cfg.collections.promise_tolerance_pct)
        counts[f"promises_{status}"] += 1
        if status != "open" and not ctx.dry_run:
            ctx.store.settle_promise(promise.id, status, paid)
    section.counts.update(counts)
