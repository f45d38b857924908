"""Is this document still open? One small BSID read, right before acting on it.

The open-item snapshot is read at the start of a run; cash application may
clear an invoice minutes later. A bot about to act on one invoice (the portal
bot, before Submit) asks SAP again::

    if not is_open(client.tables, "1000", "0090000123", "2026"):
        ...   # paid (cleared) since the snapshot

An item is open while it is in ``BSID``; clearing moves it to ``BSAD``.
Special G/L items and noted items are not counted, as in
:mod:`bots.sap.open_items`.
"""

from __future__ import annotations

from bots.sap.read_table import TableReader, Where


def is_open(tables: TableReader, company_code: str, document_no: str, fiscal_year: str) -> bool:
    """Whether document ``document_no``/``fiscal_year`` still has an open item in BSID."""
    where = (Where().eq("BUKRS", company_code).eq("BELNR", document_no)
             .eq("GJAHR", fiscal_year).eq("UMSKZ", " ").cmp("BSTAT", "<>", "S"))
    return any(True for _ in tables.rows("BSID", ["BELNR"], where))
