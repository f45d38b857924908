"""SD billing lines (VBRK/VBRP/VBKD/KONV) read over RFC_READ_TABLE from the sandbox."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from sap_sandbox import TODAY, sql

from bots.domain import quantize
from bots.sap import SapClient


def _invoices(client: SapClient) -> list:
    return [i for i in client.iter_open_items(["1000", "2000"], TODAY)
            if i.doc_type == "RV" and i.amount > 0]


def test_every_open_invoice_has_billing_lines_adding_up_to_its_open_item(
        client: SapClient) -> None:
    items = _invoices(client)
    docs = client.billing_documents(items)
    assert len(docs) == len(items) > 100
    for item in items:
        doc = docs[(item.company_code, item.document_no, item.fiscal_year)]
        assert doc.currency == item.currency
        assert doc.gross == item.amount, item.document_no
        assert sum((ln.net + ln.tax for ln in doc.lines), Decimal(0)) == item.amount
        for ln in doc.lines:
            assert ln.net == quantize(ln.quantity * ln.unit_price, doc.currency)
            assert ln.tax == quantize(ln.net * ln.tax_rate / 100, doc.currency)
            assert ln.po_number == item.po_number  # VBKD-BSTKD: the PO on the FI item
            assert ln.po_line.isdigit() and ln.unit in ("PCE", "HUR", "KGM")


def test_demo_data_has_several_lines_and_tax_rates_per_invoice(client: SapClient) -> None:
    docs = client.billing_documents(_invoices(client)).values()
    assert sum(len(d.lines) > 1 for d in docs) > len(docs) / 2
    mixed = [d for d in docs if len({ln.tax_rate for ln in d.lines}) > 1]
    assert mixed
    assert {ln.tax_code for d in docs for ln in d.lines} >= {"A1", "A2", "AA", "AB"}
    assert {ln.tax_rate for d in docs for ln in d.lines} >= {Decimal(r) for r in
                                                            ("10", "5", "19", "7")}
    lines = next(iter(docs)).lines
    assert [ln.item for ln in lines] == [f"{10 * n:06d}" for n in range(1, len(lines) + 1)]
    assert [ln.po_line for ln in lines] == [str(n) for n in range(1, len(lines) + 1)]


def test_yen_invoices_are_read_in_whole_yen(client: SapClient,
                                            sandbox_db: Path) -> None:
    items = [i for i in _invoices(client) if i.currency == "JPY"]
    assert items, "the demo data has yen invoices"
    docs = client.billing_documents(items)
    for item in items:
        doc = docs[(item.company_code, item.document_no, item.fiscal_year)]
        assert doc.gross == item.amount and doc.net == doc.net.to_integral_value()
    stored = sql(sandbox_db, 'SELECT "NETWR" + "MWSBK" FROM "VBRK" WHERE "VBELN" = ?',
                 docs[(items[0].company_code, items[0].document_no,
                       items[0].fiscal_year)].number)
    assert Decimal(stored[0][0]) == items[0].amount  # stored minor units of yen = yen


def test_items_posted_without_billing_document_are_left_out(client: SapClient,
                                                            sandbox_db: Path) -> None:
    item = _invoices(client)[0]
    with sqlite3.connect(sandbox_db) as db:
        db.execute('UPDATE "BSID" SET "VBELN" = \'\' WHERE "BELNR" = ?', (item.document_no,))
    assert client.billing_documents([item]) == {}
