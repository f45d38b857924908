"""A run whose RFC user lacks an authorisation says which one, and goes on with the rest.

The sandbox checks authority as SAP does (bots/sandbox/sap/authority.py); here the
role's customer-note authorisation F_KNA1_BUK covers company code 1000 only.
"""

from __future__ import annotations

from dataclasses import replace

from bots.config import Config
from bots.domain import Trigger
from bots.runner import run_bots
from bots.sandbox.sap.authority import assign_role, role_of


def test_collections_names_the_missing_note_authorisation(world: Config) -> None:
    role = tuple(replace(g, fields={**g.fields, "BUKRS": ("1000",)})
                 if g.object == "F_KNA1_BUK" else g for g in role_of(world.sap.sandbox_db))
    assign_role(world.sap.sandbox_db, "ARBOTS", role)
    outcome = run_bots(world, ("openitems", "collections"), Trigger.ON_DEMAND)
    section = {b.name: b for b in outcome.report.bots}["collections"]
    refused = [e for e in section.errors if "SAP refused the note" in e.reason]
    assert refused and section.counts["notes_written"] > 0  # 1000's notes are written
    for error in refused:
        assert error.item.startswith("2000/")
        assert "No authorisation to change texts in company code 2000 (E ZARBOTS 022)" in \
            error.reason
        assert "needs F_KNA1_BUK with BUKRS 2000, ACTVT 02 (change)" in error.reason
        assert "text object KNB1" in error.reason
