"""``SapClient``: the typed face of the SAP port, one method per remote operation.

    client = connect(cfg.sap)                       # bots.sap.connect
    for item in client.iter_open_items(["1000"], date.today()):
        ...
    if not client.has_note("1000", "0000100042", note.idempotency_key):
        client.save_note(note)
        client.commit()

Each method delegates to the module of its function module
(:mod:`~bots.sap.customers`, :mod:`~bots.sap.open_items`,
:mod:`~bots.sap.notes`, :mod:`~bots.sap.posting`,
:mod:`~bots.sap.billing`); every remote call goes
through the one :class:`~bots.sap.rfc.Rfc` (retries, error mapping, LUW).
Writes (``save_note``, ``post_clearing``) are part of the current LUW and
need ``commit()``; ``rollback()`` drops them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date

from bots.domain import CollectionNote, Customer, OpenItem
from bots.retry import RetryPolicy
from bots.sap import billing, credit, disputes, open_check, posting
from bots.sap import customers as customers_module
from bots.sap import notes as notes_module
from bots.sap import open_items as open_items_module
from bots.sap.billing import BillingDocument
from bots.sap.credit import BlockedOrder, CreditMaster
from bots.sap.disputes import DisputeCase
from bots.sap.errors import raise_for_return
from bots.sap.posting import ClearingRequest, ClearingResult, ResetResult
from bots.sap.read_table import TableReader
from bots.sap.rfc import Connection, Rfc


class SapClient:
    """Typed SAP operations over any pyrfc-compatible connection."""

    def __init__(self, connection: Connection, *, functions: Mapping[str, str] | None = None,
                 page_size: int = 5000, retry: RetryPolicy | None = None,
                 note_text_object: str = "KNB1", parallel_connections: int = 1,
                 open_connection: Callable[[], Connection] | None = None) -> None:
        """``open_connection`` opens one more connection for parallel reads
        (``parallel_connections`` in all, this one included; 1: no parallel reads)."""
        self.rfc = Rfc(connection, functions, retry)
        self.tables = TableReader(self.rfc, page_size)
        self.note_text_object = note_text_object
        self.parallel_connections = parallel_connections if open_connection else 1
        self._open_connection = open_connection
        self._extra: list[Rfc] = []
        self._decimals: dict[str, int] | None = None

    # ---------------------------------------------------------------- health

    def ping(self) -> float:
        """Round-trip time of RFC_PING in seconds."""
        started = time.perf_counter()
        self.rfc.call("RFC_PING")
        return time.perf_counter() - started

    def system_info(self) -> str:
        """SAP's own description of the system and logon (STFC_CONNECTION RESPTEXT)."""
        return str(self.rfc.call("STFC_CONNECTION", REQUTEXT="arbots")["RESPTEXT"])

    # ---------------------------------------------------------------- reading

    def customers(self, company_codes: Sequence[str]) -> list[Customer]:
        """Customers of the company codes (KNA1 + KNB1)."""
        return customers_module.customers(self.tables, company_codes)

    def currency_decimals(self) -> dict[str, int]:
        """TCURX decimals (read once per client)."""
        if self._decimals is None:
            self._decimals = open_items_module.currency_decimals(self.tables)
        return self._decimals

    def iter_open_items(self, company_codes: Sequence[str],
                        key_date: date) -> Iterator[OpenItem]:
        """All open items of the company codes at ``key_date``, streamed in pages.

        With ``parallel_connections`` > 1 the pages are read over that many
        connections at once, in customer ranges; the items come in the same
        order (primary key) and a failure names its range.
        """
        return open_items_module.iter_open_items(self.tables, company_codes, key_date,
                                                 self.currency_decimals(),
                                                 self._parallel_readers())

    def _parallel_readers(self) -> list[TableReader]:
        """This connection's reader and one per extra connection (opened on first use)."""
        if self.parallel_connections < 2 or self._open_connection is None:
            return []
        while len(self._extra) < self.parallel_connections - 1:
            self._extra.append(Rfc(self._open_connection(), self.rfc.functions, self.rfc.retry))
        return [self.tables, *(self.tables.over(rfc) for rfc in self._extra)]

    def billing_documents(self, items: Sequence[OpenItem]
                          ) -> dict[tuple[str, str, str], BillingDocument]:
        """The SD billing documents behind open invoices, with their lines, keyed by
        (company code, document, fiscal year); FI-only items are left out."""
        return billing.billing_documents(self.tables, items, self.currency_decimals())

    def is_open(self, company_code: str, document_no: str, fiscal_year: str) -> bool:
        """Whether the document still has an open item now (not cleared since the snapshot)."""
        return open_check.is_open(self.tables, company_code, document_no, fiscal_year)

    def open_items_of(self, company_code: str, customer: str,
                      key_date: date) -> list[OpenItem]:
        """One customer's open items at ``key_date`` (BAPI_AR_ACC_GETOPENITEMS)."""
        return open_items_module.open_items_of(self.rfc, company_code, customer, key_date)

    # ---------------------------------------------------------------- notes

    def save_note(self, note: CollectionNote) -> None:
        """Append ``note`` to the account's notes (commit afterwards)."""
        notes_module.save_note(self.rfc, self.note_text_object, note)

    def read_notes(self, company_code: str, customer: str, document: str = "",
                   fiscal_year: str = "") -> list[CollectionNote]:
        """The arbots notes on the account (or on one of its documents), oldest first."""
        return [note for _, note in notes_module.read_notes(
            self.rfc, self.note_text_object, company_code, customer, document, fiscal_year)]

    def has_note(self, company_code: str, customer: str, idempotency_key: str,
                 document: str = "", fiscal_year: str = "") -> bool:
        """Whether a note with this idempotency key is already on the account (document)."""
        return any(key == idempotency_key for key, _ in notes_module.read_notes(
            self.rfc, self.note_text_object, company_code, customer, document, fiscal_year))

    # ---------------------------------------------------------------- posting

    def find_document_by_reference(self, company_code: str, reference: str) -> str | None:
        """The document posted with ``reference`` (XBLNR or header text), if any."""
        return posting.find_document_by_reference(self.tables, company_code, reference)

    def post_clearing(self, request: ClearingRequest) -> ClearingResult:
        """Post a payment clearing open items (FB05), or return the one already posted."""
        return posting.post_clearing(self.rfc, request)

    def reset_clearing(self, company_code: str, document_no: str, fiscal_year: str, *,
                       reverse: bool = False, posting_date: date | None = None) -> ResetResult:
        """Reset a clearing (FBRA): its items open again; ``reverse``: reverse it too."""
        return posting.reset_clearing(self.rfc, company_code, document_no, fiscal_year,
                                      reverse=reverse, posting_date=posting_date)

    # ---------------------------------------------------------------- disputes (FSCM)

    def create_dispute(self, case: DisputeCase) -> str:
        """BAPI_DISPUTE_CREATE (commit afterwards): the case's GUID."""
        return disputes.create_dispute(self.rfc, case)

    def dispute_statuses(self, guids: Sequence[str]) -> dict[str, str]:
        """The status (STAT_ORDERNO) of each of these cases that SAP has."""
        return disputes.case_statuses(self.tables, guids)

    def set_dispute_status(self, guid: str, status: str, notes: Sequence[str]) -> None:
        """BAPI_DISPUTE_ATTRIBUTES_CHANGE of the case's status (commit afterwards)."""
        disputes.set_case_status(self.rfc, guid, status, notes)

    def residual_line(self, company_code: str, customer: str, document_no: str,
                      fiscal_year: str, invoice: str) -> str | None:
        """The line of a payment document left open as the residual of ``invoice``."""
        return disputes.residual_line(self.tables, company_code, customer, document_no,
                                      fiscal_year, invoice)

    # ---------------------------------------------------------------- credit holds (SD)

    def blocked_orders(self) -> list[BlockedOrder]:
        """Sales orders blocked for credit (VBUK-CMGST B) with their VBAK header."""
        return credit.blocked_orders(self.tables)

    def credit_masters(self, accounts: Sequence[str], credit_area: str,
                       currency: str) -> dict[str, CreditMaster]:
        """KNKK (limit, exposure) of ``accounts`` in ``credit_area``."""
        return credit.credit_masters(self.tables, accounts, credit_area, currency)

    def release_credit_block(self, order: str, note: Sequence[str]) -> bool:
        """Release ``order`` after SAP's re-check (commit afterwards); True: already was."""
        return credit.release_order(self.rfc, order, note)

    # ---------------------------------------------------------------- LUW

    def commit(self) -> None:
        """BAPI_TRANSACTION_COMMIT with WAIT = 'X': make the LUW's writes durable."""
        result = self.rfc.call("commit", WAIT="X")
        self.rfc.end_luw()
        raise_for_return(self.rfc.name("commit"), [result["RETURN"]])

    def rollback(self) -> None:
        """BAPI_TRANSACTION_ROLLBACK: drop the LUW's writes."""
        self.rfc.call("rollback")
        self.rfc.end_luw()

    def close(self) -> None:
        """Close the connections (uncommitted writes are rolled back by SAP)."""
        for rfc in [self.rfc, *self._extra]:
            rfc.close()
        self._extra.clear()

    def __enter__(self) -> SapClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
