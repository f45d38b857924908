"""The collections page: accounts past due in the latest snapshot, their open promises,
and recording a promise to pay (``arbots collections promise`` in its own process).

The promise model is the AR-breadth one (:mod:`bots.store.promises`,
:mod:`bots.pipeline.promises`): the console only starts the same command AR
staff run by hand, so the note in SAP and the ledger entry are written once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bots.config import Config
from bots.console.launcher import launch
from bots.domain import from_minor
from bots.store import Store

ACCOUNTS_SHOWN = 200


def accounts_due(store: Store, today: date) -> list[dict[str, Any]]:
    """Accounts with items past due in the latest snapshot, oldest due first: ``{company_code,
    customer, currency, past_due, items, oldest_due, promises: [...]}``."""
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
    accounts = [{"company_code": cc, "customer": customer, "currency": currency,
                 "past_due": str(sum((i.amount for i in items), Decimal(0))),
                 "items": len(items), "oldest_due": min(i.due_date for i in items).isoformat(),
                 "promises": promises.get((cc, customer), [])}
                for (cc, customer, currency), items in due.items()]
    accounts.sort(key=lambda a: (a["oldest_due"], a["customer"]))
    return accounts[:ACCOUNTS_SHOWN]


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
    if company_code not in cfg.sap.company_codes:
        raise ValueError(f"company code {company_code!r}: not one of "
                         f"{', '.join(cfg.sap.company_codes)}")
    if not customer.strip():
        raise ValueError("customer: required")
    run_id = store.new_run_id(("promise",))
    args = ["collections", "promise", customer.strip(), "--amount", str(value), "--date",
            day.isoformat(), "--company-code", company_code, "--as", person, "--source",
            "console", "--wait", "--run-id", run_id]
    if currency.strip():
        args += ["--currency", currency.strip().upper()]
    launch(cfg, store, run_id, args, "promise", False, person)
    return run_id
