"""One night's portal invoices shared by two browser workers, on a real Temporal dev server.

The portal bot runs as its plan, one activity per batch of
:data:`bots.pipeline.portals.BATCH_SIZE` invoices (all started at once), and
the merge of their outcomes. With two browser workers that each run one
activity at a time, both take batches of the same night; the sandbox's own
counts (:func:`bench.crash.count_damage`) say that every invoice reached its
portal exactly once and got its SAP note.
"""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from bench.crash import count_damage, portal_invoices
from bots.pipeline.portals import BATCH_SIZE
from tests.engine.conftest import runs_of, start_worker, temporal_world

pytestmark = pytest.mark.slow
PORTAL_DAMAGE = ("dup_submissions", "dup_notes", "portal_without_note", "open_intents",
                 "browsers_left", "runs_running", "tracebacks")
ONE_AT_A_TIME = """
[engine.queues.browser]
max_concurrent = 1
"""


def test_two_browser_workers_share_one_nights_invoices_each_submitted_once(
        tmp_path: Path, temporal_address: str, cleanup) -> None:
    world, mails = temporal_world(tmp_path / "world", temporal_address,
                                  portal_invoices=3 * BATCH_SIZE, engine=ONE_AT_A_TIME)
    browsers = [start_worker(world, f"browser{n}", "browser") for n in (1, 2)]
    cleanup.append((world, [start_worker(world, "others", "sap", "mail", "flow"), *browsers]))

    assert world.run("run", "portals") == 0

    (record,) = runs_of(world)
    counts = json.loads(record["counts"])["portals"]
    assert counts["invoices"] > 2 * BATCH_SIZE  # at least three batches
    assert counts["submitted"] == counts["invoices"]
    assert counts["notes_written"] == counts["invoices"]
    damage = count_damage(world, mails)  # the mails wait for intake, which did not run
    assert {k: damage[k] for k in PORTAL_DAMAGE if damage[k]} == {}, damage
    held = portal_invoices(world.var / "sandbox" / "portals")
    assert len(held) == counts["invoices"]  # each once (no duplicate: count_damage)
    db = world.store()
    assert db is not None
    with closing(db):
        holders = {json.loads(row["detail"])["holder"] for row in db.execute(
            "SELECT detail FROM audit WHERE run_id = ? AND kind = 'lease'", (record["id"],))
            if "holder" in json.loads(row["detail"])}
    took_work = [b.pid for b in browsers if any(h.endswith(f":{b.pid}") for h in holders)]
    assert len(took_work) == 2, holders  # both browser workers ran batches of this night
