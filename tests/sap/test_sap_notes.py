"""Account notes in SAP long texts: saved once, read back, found by idempotency key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sap_sandbox import TODAY, simulator

from bots.domain import CollectionNote
from bots.sap import SapClient


def test_save_read_and_has_note(client: SapClient) -> None:
    long_line = ("Past due: " + "INV-2026-000123 1,234.56 USD; " * 8).strip()
    note = CollectionNote("1000", "0000100002", TODAY, ("Reminder sent.", long_line, ""))
    with pytest.raises(ValueError, match="leading zeros"):
        client.save_note(CollectionNote("1000", "100002", TODAY, ("Reminder sent.",)))
    assert not client.has_note("1000", "0000100002", note.idempotency_key)
    client.save_note(note)
    client.commit()
    assert client.has_note("1000", "0000100002", note.idempotency_key)
    assert not client.has_note("2000", "0000100002", note.idempotency_key)
    (read,) = client.read_notes("1000", "0000100002")
    assert read.lines == note.lines and read.on == TODAY and read.kind == "collections"
    assert read.idempotency_key == note.idempotency_key
    later = CollectionNote("1000", "0000100002", date(2026, 12, 8), ("Second reminder.",))
    client.save_note(later)
    client.commit()
    assert [n.on for n in client.read_notes("1000", "0000100002")] == [TODAY, later.on]


def test_text_lines_respect_sap_widths(sandbox_db: Path, client: SapClient) -> None:
    text = "word " * 60
    client.save_note(CollectionNote("1000", "0000100003", TODAY, (text,)))
    client.commit()
    lines = simulator(sandbox_db).call(
        "Z_ARBOTS_READ_TEXT", I_TDOBJECT="KNB1", I_TDNAME="00001000031000",
        I_TDID="0001")["T_LINES"]
    assert lines[0]["TDFORMAT"] == "*" and lines[0]["TDLINE"].startswith("arbots NOTE-")
    assert all(len(row["TDLINE"]) <= 132 for row in lines)
    assert [row["TDFORMAT"] for row in lines[1:]] == ["/", "=", "="]
    assert client.read_notes("1000", "100003")[0].lines == (text.rstrip(),)


def test_a_clerks_own_text_is_kept_and_skipped(sandbox_db: Path, client: SapClient) -> None:
    sim = simulator(sandbox_db)
    sim.call("Z_ARBOTS_SAVE_TEXT", I_TDOBJECT="KNB1", I_TDNAME="00001000041000", I_TDID="0001",
             T_LINES=[{"TDFORMAT": "*", "TDLINE": "Call Ms Rossi before dunning."}])
    sim.call("BAPI_TRANSACTION_COMMIT", WAIT="X")
    note = CollectionNote("1000", "0000100004", TODAY, ("Reminder sent.",))
    client.save_note(note)
    client.commit()
    assert client.read_notes("1000", "0000100004") == [note]
    lines = sim.call("Z_ARBOTS_READ_TEXT", I_TDOBJECT="KNB1", I_TDNAME="00001000041000",
                     I_TDID="0001")["T_LINES"]
    assert lines[0]["TDLINE"] == "Call Ms Rossi before dunning."


def test_notes_of_every_kind_are_found_again_by_their_key(client: SapClient) -> None:
    note = CollectionNote("1000", "0000100002", TODAY, ("Payment applied.",),
                          kind="cashapp:pay-0123456789ab")
    client.save_note(note)
    client.commit()
    assert client.has_note("1000", "0000100002", note.idempotency_key)
    (read,) = client.read_notes("1000", "0000100002")
    assert read.kind == "cashapp:pay-0123456789ab"


def test_a_note_on_an_invoice_document_stays_on_that_document(client: SapClient) -> None:
    note = CollectionNote("1000", "0000100002", TODAY, ("Submitted to coupa: CONF-42.",),
                          kind="portal:coupa-acme", document="1800000007", fiscal_year="2026")
    client.save_note(note)
    client.commit()
    assert client.has_note("1000", "0000100002", note.idempotency_key, "1800000007", "2026")
    assert not client.has_note("1000", "0000100002", note.idempotency_key)  # not the account
    (read,) = client.read_notes("1000", "0000100002", "1800000007", "2026")
    assert read.lines == note.lines and read.document == "1800000007"
    assert client.read_notes("1000", "0000100002", "1800000008", "2026") == []
