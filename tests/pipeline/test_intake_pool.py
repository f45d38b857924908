"""Intake reads messages in worker processes (issue 12, item 4): a worker that dies
quarantines its own message only, with the reason, and the others are taken in.

The death is real: with ``ARBOTS_TEST_KILL_WORKER_ON`` set, the worker that
picks up the marked message kills itself with SIGKILL before reading it.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from bots.config import Config, ConfigError, load_config
from bots.domain import Trigger
from bots.pipeline.intake import intake_jobs
from bots.remittance.pool import KILL_ENV
from bots.runner import run_bots
from bots.sandbox.world import demo_mailbox_path
from bots.store import Store
from tests.pipeline.conftest import write_config


def _with_jobs(world: Config, jobs: object) -> Config:
    path = write_config(world.home)
    path.write_text(path.read_text(encoding="utf-8") + f"\n[intake]\njobs = {jobs}\n",
                    encoding="utf-8")
    return load_config(path, home=world.home)


def _messages(world: Config, names: list[str]) -> None:
    """One e-mail per name, each with a CSV advice paying an invoice of its own."""
    inbox = demo_mailbox_path(world)
    inbox.mkdir(parents=True, exist_ok=True)
    for n, name in enumerate(names):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "ap@payer.example", "ar@us.example", name
        msg.set_content("Payment advice attached.")
        msg.add_attachment(f"Invoice,Paid\nINV-{n:03d},{n + 1}0.00\n".encode(),
                           maintype="text", subtype="csv", filename="advice.csv")
        (inbox / name).write_bytes(bytes(msg))


def test_a_killed_worker_quarantines_only_its_message(world: Config,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _with_jobs(world, 2)
    names = [f"m{n}.eml" for n in range(6)]
    names[3] = "m3-kill.eml"
    _messages(cfg, names)
    monkeypatch.setenv(KILL_ENV, "-kill.eml")
    outcome = run_bots(cfg, ("intake",), Trigger.ON_DEMAND)
    (section,) = outcome.report.bots
    assert section.counts["messages"] == 6 and section.counts["remittances"] == 5
    assert section.counts["quarantined"] == 1
    inbox = demo_mailbox_path(cfg)
    assert sorted(p.name for p in (inbox / "exceptions").iterdir()) == ["m3-kill.eml"]
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == sorted(
        n for n in names if n != "m3-kill.eml")
    with Store(cfg.store_path) as store:
        reasons = {r["source"]: (r["status"], r["reason"]) for r in store.db.execute(
            "SELECT source, status, reason FROM inputs")}
    assert reasons["sandbox:m3-kill.eml"] == ("quarantined",
                                              "the worker process died: killed by SIGKILL")
    assert sum(status == "waiting" for status, _ in reasons.values()) == 5


def test_intake_jobs_is_checked_where_it_is_read(world: Config) -> None:
    assert intake_jobs(_with_jobs(world, 3)) == 3
    with pytest.raises(ConfigError, match=r"site.toml: intake.jobs: expected a whole number"):
        intake_jobs(_with_jobs(world, 0))
