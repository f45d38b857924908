"""Promises to pay: what a customer promised, when, to whom, and what came of it.

One row per promise (account, currency, amount in integer minor units,
promised date). Recording the same promise again returns the row already
there, so a repeated command or click records it once. ``baseline`` keeps the
account's open items in the promise's currency when it was recorded (item key
``document/year/line`` -> amount in minor units): a collections run judges
what was paid against it (:mod:`bots.pipeline.promises`).

Statuses: ``open`` until judged, then ``kept`` or ``broken``. A broken promise
raises the account's *collection priority* (arbots' own ranking, never SAP's
dunning level): :meth:`Promises.collection_priorities` counts the broken
promises per account. ``escalated`` marks a broken promise whose account has
since been followed up at the top of a collections list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bots.store.connection import StoreConnection
from bots.store.database import Row

SOURCES = ("worklist", "console", "cli")
STATUSES = ("open", "kept", "broken")


@dataclass(frozen=True)
class Promise:
    """One promise to pay as recorded (amount in minor units of ``currency``)."""

    id: int
    company_code: str
    customer: str
    currency: str
    amount_minor: int
    promised_date: date
    recorded_by: str
    recorded_at: str
    source: str
    baseline: dict[str, int]
    status: str = "open"
    paid_minor: int | None = None
    settled_at: str | None = None
    escalated: bool = False

    @property
    def target(self) -> str:
        """The account as the ledger names it: ``company code/customer``."""
        return f"{self.company_code}/{self.customer}"


class Promises(StoreConnection):
    """Recording and judging promises to pay (part of :class:`bots.store.Store`)."""

    def record_promise(self, company_code: str, customer: str, currency: str,
                       amount_minor: int, promised_date: date, recorded_by: str,
                       source: str, baseline: Mapping[str, int]) -> tuple[Promise, bool]:
        """Record a promise; (the promise, True) if new, (the one already there, False)."""
        if source not in SOURCES:
            raise ValueError(f"promise source {source!r}: expected one of {SOURCES}")
        if amount_minor <= 0:
            raise ValueError(f"a promise to pay needs a positive amount, got {amount_minor}")
        key = (company_code, customer, currency, amount_minor, promised_date.isoformat())
        with self.db.transaction():
            cursor = self.db.execute(
                "INSERT INTO promises (company_code, customer, currency, amount_minor,"
                " promised_date, recorded_by, recorded_at, source, baseline)"
                " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                (*key, recorded_by, self._now(), source, json.dumps(dict(baseline))))
            created = cursor.rowcount == 1
            row = self.db.execute(
                "SELECT * FROM promises WHERE company_code = ? AND customer = ? AND"
                " currency = ? AND amount_minor = ? AND promised_date = ?", key).fetchone()
        return _promise(row), created

    def promises(self, status: str | None = None, company_code: str | None = None,
                 customer: str | None = None) -> list[Promise]:
        """Promises, optionally of one status and account, by promised date."""
        sql, params = "SELECT * FROM promises WHERE 1 = 1", []
        for column, value in (("status", status), ("company_code", company_code),
                              ("customer", customer)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        return [_promise(r) for r in self.db.execute(sql + " ORDER BY promised_date, id",
                                                      params)]

    def settle_promise(self, promise_id: int, status: str, paid_minor: int) -> None:
        """Mark an open promise ``kept`` or ``broken`` with what was found paid."""
        if status not in ("kept", "broken"):
            raise ValueError(f"a promise is settled kept or broken, not {status!r}")
        self.db.execute("UPDATE promises SET status = ?, paid_minor = ?, settled_at = ?"
                        " WHERE id = ? AND status = 'open'",
                        (status, paid_minor, self._now(), promise_id))

    def mark_escalated(self, company_code: str, customer: str) -> None:
        """The account's broken promises have been followed up at the top of a list."""
        self.db.execute("UPDATE promises SET escalated = 1 WHERE company_code = ? AND"
                        " customer = ? AND status = 'broken'", (company_code, customer))

    def collection_priorities(self) -> dict[str, int]:
        """arbots' collection priority per account target: its number of broken promises."""
        return {f"{r[0]}/{r[1]}": r[2] for r in self.db.execute(
            "SELECT company_code, customer, count(*) FROM promises WHERE status = 'broken'"
            " GROUP BY company_code, customer")}

    def escalations_due(self) -> set[str]:
        """Account targets with a broken promise not yet followed up."""
        return {f"{r[0]}/{r[1]}" for r in self.db.execute(
            "SELECT DISTINCT company_code, customer FROM promises WHERE status = 'broken'"
            " AND escalated = 0")}


def _promise(row: Row) -> Promise:
    return Promise(
        id=row["id"], company_code=row["company_code"], customer=row["customer"],
        currency=row["currency"], amount_minor=row["amount_minor"],
        promised_date=date.fromisoformat(row["promised_date"]),
        recorded_by=row["recorded_by"], recorded_at=row["recorded_at"], source=row["source"],
        baseline=json.loads(row["baseline"]), status=row["status"],
        paid_minor=row["paid_minor"], settled_at=row["settled_at"],
        escalated=bool(row["escalated"]))
