"""The collections page: accounts past due in the latest snapshot, their open promises,
last contact and dispute cases, and recording a promise to pay, a contact or a dispute
(``arbots collections promise|contacted|dispute`` in its own process).

The models are the AR-breadth ones: promises in the store
(:mod:`bots.store.promises`, :mod:`bots.pipeline.promises`), a contact as a
collection note (its ledger entry is what the collections cadence counts), a
dispute as an FSCM case in the write ledger (:mod:`bots.pipeline.disputes`,
:mod:`bots.pipeline.account_actions`). The console only starts the same
commands AR staff run by hand, so each note or case is written once, and each
names the person who recorded it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bots.config import Config
from bots.console.launcher import launch
from bots.domain import from_minor
from bots.pipeline.disputes import KIND as DISPUTE_CASE
from bots.store import Store

ACCOUNTS_SHOWN = 200


def accounts_due(store: Store, today: date) -> list[dict[str, Any]]:
    """Accounts with items past due in the latest snapshot, oldest due first: ``{company_code,
    customer, currency, past_due, items, oldest_due, promises: [...], last_contact,
    disputes: [{invoice, amount, currency, status, recorded_by}]}``."""
    run_id = store.latest_snapshot_run()
    if run_id is None:
        return []
    due: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for item in store.snapshot(run_id):
        if item.due_date < today and item.amount > 0:
            due[(item.company_code, item.customer, item.currency)].append(item)
    promises = defaultdict(list)
    for p in store.promises("open"):
        promises[(p.company_code, p.customer)].append(
            {"amount": str(from_minor(p.amount_minor, p.currency)), "currency": p.currency,
             "promised_date": p.promised_date.isoformat(), "recorded_by": p.recorded_by})
    disputes = _disputes(store)
    accounts = [{"company_code": cc, "customer": customer, "currency": currency,
                 "past_due": str(sum((i.amount for i in items), Decimal(0))),
                 "items": len(items), "oldest_due": min(i.due_date for i in items).isoformat(),
                 "promises": promises.get((cc, customer), []),
                 "disputes": disputes.get(f"{cc}/{customer}", [])}
                for (cc, customer, currency), items in due.items()]
    accounts.sort(key=lambda a: (a["oldest_due"], a["customer"]))
    shown = accounts[:ACCOUNTS_SHOWN]
    for account in shown:
        contact = store.last_write("collection_note",
                                   f"{account['company_code']}/{account['customer']}")
        account["last_contact"] = contact.date().isoformat() if contact else None
    return shown


def _disputes(store: Store) -> dict[str, list[dict[str, str]]]:
    """The dispute cases of the write ledger by account target (``created``: done;
    ``queued``: SAP refused it or a run stopped, the next run tries again)."""
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for status, shown in (("done", "created"), ("failed", "queued"), ("intent", "queued")):
        for row in store.writes_of(DISPUTE_CASE, status):
            case = json.loads(row["payload"])
            out[row["target"]].append({
                "invoice": str(case.get("invoice", "")), "amount": str(case.get("amount", "")),
                "currency": str(case.get("currency", "")), "status": shown,
                "recorded_by": str(case.get("recorded_by") or "cash application")})
    return out


def start_promise(cfg: Config, store: Store, person: str, customer: str, company_code: str,
                  amount: str, promised_date: str, currency: str = "") -> str:
    """Start ``arbots collections promise`` for ``person``; the run's id. ValueError for
    an amount, date or company code that cannot be."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise ValueError(f"amount {amount!r}: expected an amount like 1234.56") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"amount {amount!r}: a promise needs a positive amount")
    try:
        day = date.fromisoformat(promised_date)
    except ValueError:
        raise ValueError(f"date {promised_date!r}: expected YYYY-MM-DD") from None
    args = ["--amount", str(value), "--date", day.isoformat()]
    if currency.strip():
        args += ["--currency", currency.strip().upper()]
    return _record(cfg, store, person, ("promise", "promise"), customer, company_code, args)


def start_contact(cfg: Config, store: Store, person: str, customer: str, company_code: str,
                  note: str) -> str:
    """Start ``arbots collections contacted`` for ``person``; the run's id. ValueError for
    a company code that is not configured or no customer."""
    return _record(cfg, store, person, ("contacted", "contact"), customer, company_code,
                   ["--note", note.strip()])


def start_dispute(cfg: Config, store: Store, person: str, customer: str, company_code: str,
                  invoice: str, reason: str, amount: str = "") -> str:
    """Start ``arbots collections dispute`` for ``person``; the run's id. ValueError for a
    company code that is not configured, no customer, invoice or reason, or a bad amount
    (whether the invoice is open, and the amount within it, the command checks in SAP)."""
    if not invoice.strip() or not reason.strip():
        raise ValueError("a dispute needs the invoice and the customer's reason")
    args = ["--invoice", invoice.strip(), "--reason", reason.strip()]
    if amount.strip():
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            raise ValueError(f"amount {amount!r}: expected an amount like 1234.56") from None
        if not value.is_finite() or value <= 0:
            raise ValueError(f"amount {amount!r}: a dispute needs a positive amount")
        args += ["--amount", str(value)]
    return _record(cfg, store, person, ("dispute", "dispute"), customer, company_code, args)


def _record(cfg: Config, store: Store, person: str, command: tuple[str, str], customer: str,
            company_code: str, args: list[str]) -> str:
    """Start ``arbots collections COMMAND CUSTOMER ARGS`` as ``person`` from the console,
    waiting for the landscape; the run's id. ``command``: (the subcommand, the bot it
    runs)."""
    if company_code not in cfg.sap.company_codes:
        raise ValueError(f"company code {company_code!r}: not one of "
                         f"{', '.join(cfg.sap.company_codes)}")
    if not customer.strip():
        raise ValueError("customer: required")
    name, bot = command
    run_id = store.new_run_id((bot,))
    launch(cfg, store, run_id, ["collections", name, customer.strip(), *args,
                                "--company-code", company_code, "--as", person, "--source",
                                "console", "--wait", "--run-id", run_id],
           bot, False, person)
    return run_id
