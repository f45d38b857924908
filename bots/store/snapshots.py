"""Open-item snapshots: the open items each run pulled from SAP."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from bots.domain import OpenItem, from_minor, to_minor
from bots.store.connection import StoreConnection


class Snapshots(StoreConnection):
    """Saving and reading a run's open items (part of :class:`bots.store.Store`)."""

    def save_snapshot(self, run_id: str, items: Iterable[OpenItem]) -> int:
        """Store the open items a run pulled; returns how many."""
        rows = ((run_id, i.company_code, i.customer, i.document_no, i.fiscal_year, i.line_item,
                 i.currency, to_minor(i.amount, i.currency), i.doc_date.isoformat(),
                 i.due_date.isoformat(), i.invoice_ref, i.po_number, i.dunning_level)
                for i in items)
        self.db.execute("BEGIN")
        try:
            cur = self.db.executemany(
                "INSERT OR REPLACE INTO snapshot_items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return cur.rowcount

    def snapshot(self, run_id: str) -> Iterator[OpenItem]:
        """The open items stored for ``run_id``."""
        for r in self.db.execute("SELECT * FROM snapshot_items WHERE run_id = ?", (run_id,)):
            yield OpenItem(
                company_code=r["company_code"], customer=r["customer"],
                document_no=r["document_no"], fiscal_year=r["fiscal_year"],
                line_item=r["line_item"], currency=r["currency"],
                amount=from_minor(r["amount_minor"], r["currency"]),
                doc_date=date.fromisoformat(r["doc_date"]),
                due_date=date.fromisoformat(r["due_date"]), invoice_ref=r["invoice_ref"],
                po_number=r["po_number"], dunning_level=r["dunning_level"])
