"""Each bot's wall time reaches the report: report.json, the HTML and the summary."""

from __future__ import annotations

import json

from bots.config import Config
from bots.domain import Trigger
from bots.runner import run_bots


def test_every_bot_that_ran_has_its_seconds_in_the_report(world: Config) -> None:
    outcome = run_bots(world, ("openitems", "collections"), Trigger.ON_DEMAND)
    doc = json.loads((outcome.report_dir / "report.json").read_text(encoding="utf-8"))
    for name in ("openitems", "collections"):
        seconds = doc["bots"][name]["seconds"]
        assert isinstance(seconds, float) and 0 <= seconds < 600
    assert sum(b.seconds or 0 for b in outcome.report.bots) <= (
        outcome.report.duration_seconds or 0) + 1
    assert "Time: " in (outcome.report_dir / "report.html").read_text(encoding="utf-8")
