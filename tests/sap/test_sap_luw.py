"""Logical units of work: a note is invisible until committed and vanishes on rollback;
a posting commits itself, as FB05 through the posting interface does."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sap_sandbox import NO_WAIT, TODAY, simulator, sql

from bots.domain import CollectionNote
from bots.sap import ClearingRequest, ClearItem, SapClient


def _client(db: Path) -> SapClient:
    return SapClient(simulator(db), retry=NO_WAIT)


def _note(customer: str = "0000100002") -> CollectionNote:
    return CollectionNote("1000", customer, TODAY, ("Reminder sent for 2 items.",))


def _first_invoice(db: Path) -> tuple:
    return sql(db, "SELECT KUNNR, BELNR, GJAHR, BUZEI, WRBTR FROM BSID WHERE BUKRS = '1000' "
               "AND BLART = 'RV' AND WAERS = 'USD' ORDER BY BELNR LIMIT 1")[0]


def test_uncommitted_note_is_invisible_to_another_connection(sandbox_db: Path) -> None:
    writer, reader = _client(sandbox_db), _client(sandbox_db)
    note = _note()
    writer.save_note(note)
    assert writer.has_note("1000", "0000100002", note.idempotency_key)  # own LUW sees it
    assert not reader.has_note("1000", "0000100002", note.idempotency_key)
    writer.commit()
    assert reader.has_note("1000", "0000100002", note.idempotency_key)


def test_rollback_drops_a_note(sandbox_db: Path) -> None:
    sap = _client(sandbox_db)
    kunnr = _first_invoice(sandbox_db)[0]
    sap.save_note(_note(kunnr))
    sap.rollback()
    assert sql(sandbox_db, "SELECT count(*) FROM ZARBOTS_TEXT") == [(0,)]
    assert not sap.has_note("1000", kunnr, _note(kunnr).idempotency_key)


def test_a_posting_commits_itself_and_rollback_cannot_undo_it(sandbox_db: Path) -> None:
    """FB05 through the posting interface commits its own document (the ABAP's header)."""
    sap, other = _client(sandbox_db), _client(sandbox_db)
    kunnr, belnr, gjahr, buzei, wrbtr = _first_invoice(sandbox_db)
    amount = Decimal(wrbtr).scaleb(-2)
    posted = sap.post_clearing(ClearingRequest(
        "1000", "USD", "pay-luw-test", TODAY, TODAY, amount, "113100",
        (ClearItem(kunnr, belnr, gjahr, buzei, amount),)))
    assert other.find_document_by_reference("1000", "pay-luw-test") == posted.document_no
    sap.rollback()
    assert sap.find_document_by_reference("1000", "pay-luw-test") == posted.document_no
    assert sql(sandbox_db, "SELECT AUGBL FROM BSAD WHERE BELNR = ?", belnr) == \
        [(posted.document_no,)]


def test_closing_without_commit_rolls_back(sandbox_db: Path) -> None:
    sap = _client(sandbox_db)
    sap.save_note(_note())
    sap.close()
    assert sql(sandbox_db, "SELECT count(*) FROM ZARBOTS_TEXT")[0][0] == 0


def test_a_posting_does_not_commit_a_note_saved_before_it(sandbox_db: Path) -> None:
    """The note waits in the text memory until BAPI_TRANSACTION_COMMIT, as in SAP."""
    sap = _client(sandbox_db)
    kunnr, belnr, gjahr, buzei, wrbtr = _first_invoice(sandbox_db)
    amount = Decimal(wrbtr).scaleb(-2)
    sap.save_note(_note(kunnr))
    posted = sap.post_clearing(ClearingRequest(
        "1000", "USD", "pay-luw-note", TODAY, TODAY, amount, "113100",
        (ClearItem(kunnr, belnr, gjahr, buzei, amount),)))
    assert sap.has_note("1000", kunnr, _note(kunnr).idempotency_key)
    sap.rollback()
    assert not sap.has_note("1000", kunnr, _note(kunnr).idempotency_key)
    assert sql(sandbox_db, "SELECT count(*) FROM ZARBOTS_TEXT") == [(0,)]
    assert sap.find_document_by_reference("1000", "pay-luw-note") == posted.document_no
