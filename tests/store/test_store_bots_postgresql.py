"""The bots themselves with the store on PostgreSQL (``[store] url``): intake, cash
application and collections write what they write once, and a second pass writes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bots.config import load_config
from bots.store import Store
from tests.cli.cli_world import arbots
from tests.pipeline.conftest import make_world, seed_mailbox, small_sandbox
from tests.store.conftest import new_database

BOTS = ("intake", "cashapp", "collections")
small_sandbox = small_sandbox  # the fixture, for this module


@pytest.mark.slow
def test_the_bots_run_on_a_postgresql_store_and_a_second_pass_writes_nothing(
        tmp_path: Path, small_sandbox: Path, pg_server) -> None:  # noqa: ANN001
    world = make_world(tmp_path, small_sandbox)
    url = new_database(pg_server)
    site = Path(world.source)
    site.write_text(site.read_text().replace("[store]\n", f'[store]\nurl = "{url}"\n', 1))
    cfg = load_config(site, home=tmp_path)
    seed_mailbox(cfg, date.today())
    for bot in BOTS:
        result = arbots(cfg, "run", bot)
        assert result.returncode == 0, result.stderr[-2000:]
    assert not (tmp_path / "var" / "arbots.sqlite").exists()
    with Store(cfg.store_target()) as store:
        first = {w["key"]: w["status"] for w in store.writes()}
        assert {"done"} == set(first.values()) and len(first) > 20
        assert {r.status for r in store.runs()} == {"ok"}
    for bot in BOTS:
        assert arbots(cfg, "run", bot).returncode == 0
    with Store(cfg.store_target()) as store:
        assert {w["key"]: w["status"] for w in store.writes()} == first
        assert len(store.runs()) == 2 * len(BOTS)
