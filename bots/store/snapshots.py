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
        rows = [(run_id, i.company_code, i.customer, i.document_no, i.fiscal_year, i.line_item,
                 i.currency, to_minor(i.amount, i.currency), i.doc_date.isoformat(),
                 i.due_date.isoformat(), i.invoice_ref, i.po_number, i.dunning_level)
                for i in items]
        with self.db.transaction(lock=False):
            self.db.executemany(
                "INSERT INTO snapshot_items (run_id, company_code, customer, document_no,"
                " fiscal_year, line_item, currency, amount_minor, doc_date, due_date,"
                " invoice_ref, po_number, dunning_level) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (run_id, company_code, customer, document_no, fiscal_year,"
                " line_item) DO UPDATE SET currency = excluded.currency,"
                " amount_minor = excluded.amount_minor, doc_date = excluded.doc_date,"
                " due_date = excluded.due_date, invoice_ref = excluded.invoice_ref,"
                " po_number = excluded.po_number, dunning_level = excluded.dunning_level",
                rows)
        return len(rows)

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
