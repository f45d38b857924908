"""Per-queue limits: ``[engine.queues.<queue>]`` reaches the workers of that queue only."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bots.config import load_config
from bots.engine.client import connect
from bots.engine.worker import workers

SITE = """
[engine]
kind = "temporal"
address = "{address}"
task_queue_prefix = "limits"
[engine.queues.sap]
max_concurrent = 2
max_per_minute = 30
[engine.queues.browser]
max_concurrent = 4
"""


def test_each_worker_gets_its_queue_limits(tmp_path: Path, temporal_address: str,
                                           monkeypatch) -> None:
    monkeypatch.delenv("ARBOTS_TEMPORAL", raising=False)
    (tmp_path / "site.toml").write_text(SITE.format(address=temporal_address), "utf-8")
    cfg = load_config(tmp_path / "site.toml", home=tmp_path)

    async def made() -> dict[str, dict]:
        client = await connect(cfg.engine)
        return {w.task_queue: w.config() for w in workers(client, cfg.engine,
                                                          ("sap", "browser", "mail"))}

    configs = asyncio.run(made())
    assert configs["limits-sap"]["max_concurrent_activities"] == 2
    assert configs["limits-sap"]["max_task_queue_activities_per_second"] == 0.5
    assert configs["limits-browser"]["max_concurrent_activities"] == 4
    assert configs["limits-browser"].get("max_task_queue_activities_per_second") is None
    assert configs["limits-mail"].get("max_concurrent_activities") is None  # Temporal's default
