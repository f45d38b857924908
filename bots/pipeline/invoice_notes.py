"""Notes on the SAP invoices that a delivery road sent (portal, cXML, e-invoice mail).

A delivery is a done ledger write; its note is a second write, keyed by the
delivery, so a run interrupted between the two leaves the note owed and the
next run writes it, once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bots.domain import CollectionNote
from bots.pipeline.context import BotContext
from bots.reports.model import BotSection
from bots.store import Row


def invoice_note(row: Row, origin: dict[str, Any], customer: str, text: str,
                 kind: str) -> CollectionNote:
    """The note ``text`` on the SAP invoice ``origin`` names, dated as the delivery ``row``."""
    return CollectionNote(origin["company_code"], customer,
                          date.fromisoformat(row["created"][:10]), (text,), kind=kind,
                          document=origin["document_no"], fiscal_year=origin["fiscal_year"])


def write_owed_notes(ctx: BotContext, section: BotSection, delivery_kind: str, note_kind: str,
                     note_of: Callable[[Row], CollectionNote | None]) -> None:
    """Write the note of every done ``delivery_kind`` write that has no done note yet.

    The done notes are read in one query, not looked up once per delivery.
    """
    from bots.pipeline.collections import write_note

    noted = {row["key"] for row in ctx.store.writes_of(note_kind, "done")}
    for row in ctx.store.writes_of(delivery_kind, "done"):
        note = note_of(row)
        if note is not None and note.idempotency_key not in noted:
            write_note(ctx, note, section, kind=note_kind)
