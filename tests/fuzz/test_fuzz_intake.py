"""Hostile input through the intake bot, against a sandbox mailbox folder: nothing lost.

Every file of the hostile corpus arrives as a message (an ``.eml`` as itself,
anything else attached to a short e-mail with no amounts in its body). After
one intake run:

* the run is ``ok``: no traceback, no bot error; the inbox is empty;
* every message is in ``processed`` or ``exceptions``, and its input row is
  settled (``waiting`` or ``quarantined``), a quarantined one with a reason
  that names the failing part;
* an input the corpus expects to fail is quarantined with that failure's words;
  one it expects to be read is waiting for cash application (or a duplicate of
  an advice already received);
* a re-sent copy of a quarantined message goes to ``exceptions`` again.

The full corpus is ``slow``; one input of each family runs in ``make test``.
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.email.folder import seed_demo_mailbox
from bots.pipeline import intake
from bots.remittance.records import content_hash
from bots.runner import run_bots
from bots.sandbox.world import demo_mailbox_path
from tests.fuzz.hostile import Hostile, corpus, mail

HOSTILE = corpus()


def as_message(hostile: Hostile) -> bytes:
    """The hostile file as it would arrive in the mailbox."""
    if hostile.name.endswith(".eml"):
        return hostile.data
    return mail("Our remittance advice is attached.", ((hostile.name, hostile.data),),
                subject=f"Remittance advice {hostile.name}")


def inputs(cfg: Config) -> dict[str, tuple[str, str | None]]:
    """The store's input rows: content hash -> (status, reason)."""
    with sqlite3.connect(cfg.store_path) as db:
        return {h: (s, r) for h, s, r in db.execute("SELECT hash, status, reason FROM inputs")}


def run_intake(cfg: Config, hostiles: list[Hostile]) -> tuple[dict, float]:
    """Drop the messages, run intake once; the intake counts and the seconds per message."""
    seed_demo_mailbox(demo_mailbox_path(cfg), [as_message(h) for h in hostiles], "hostile")
    started = time.perf_counter()
    outcome = run_bots(cfg, ("intake",), Trigger.ON_DEMAND)
    per_message = (time.perf_counter() - started) / len(hostiles)
    [section] = outcome.report.bots
    assert outcome.status == RunStatus.OK and section.errors == [], section.errors
    return section.counts, per_message


def check_nothing_lost(cfg: Config, hostiles: list[Hostile]) -> None:
    box = demo_mailbox_path(cfg)
    assert [p.name for p in box.glob("*.eml")] == [], "a message stayed in the inbox"
    processed = {content_hash(p.read_bytes()) for p in (box / "processed").iterdir()}
    exceptions = {content_hash(p.read_bytes()) for p in (box / "exceptions").iterdir()}
    rows = inputs(cfg)
    for hostile in hostiles:
        digest = content_hash(as_message(hostile))
        assert digest in rows, f"{hostile.name}: no input row"
        status, reason = rows[digest]
        assert status in intake.SETTLED, (hostile.name, status)
        if status == "quarantined":
            assert digest in exceptions and reason, hostile.name
        else:
            assert digest in processed and status == "waiting", hostile.name
        if hostile.expect == "read":
            assert status == "waiting" or reason.startswith("duplicate advice"), \
                (hostile.name, reason)
        elif hostile.expect is not None:
            assert status == "quarantined", (hostile.name, status)
            assert hostile.expect != "out-of-range" or "amount out of range" in reason, reason


def test_one_hostile_input_of_each_family_through_intake(world):
    families = dict.fromkeys(h.family for h in HOSTILE if not h.family.startswith("huge"))
    sample = [next(h for h in HOSTILE if h.family == family) for family in families]
    counts, _ = run_intake(world, sample)
    assert counts["messages"] == len(sample)
    check_nothing_lost(world, sample)


@pytest.mark.slow
def test_hostile_corpus_through_intake(world, record_property):
    counts, per_message = run_intake(world, HOSTILE)
    check_nothing_lost(world, HOSTILE)
    quarantined = sum(status == "quarantined" for status, _ in inputs(world).values())
    assert counts["messages"] == len(HOSTILE) and counts["quarantined"] == quarantined
    record_property("hostile_messages", len(HOSTILE))
    record_property("seconds_per_message", round(per_message, 4))
    print(f"\n{len(HOSTILE)} hostile messages through intake: 0 tracebacks, "
          f"{quarantined} quarantined with a reason, {per_message * 1000:.1f} ms per message")


def test_poison_is_quarantined_and_a_resent_copy_goes_to_exceptions(world):
    poison = next(h for h in HOSTILE if h.name == "amount-0.csv")  # 1e309
    good = next(h for h in HOSTILE if h.name == "good-camt.xml")
    run_intake(world, [poison, good])
    check_nothing_lost(world, [poison, good])
    status, reason = inputs(world)[content_hash(as_message(poison))]
    assert status == "quarantined"
    assert reason == "amount-0.csv: amount out of range: '1e309' (exponent notation)"

    box = demo_mailbox_path(world)
    seed_demo_mailbox(box, [as_message(poison)], "resent")
    outcome = run_bots(world, ("intake",), Trigger.ON_DEMAND)
    assert outcome.report.bots[0].counts["seen_before"] == 1
    assert [p.name for p in (box / "exceptions").iterdir() if p.name.startswith("resent")] \
        == ["resent-001.eml"]
    assert not [p for p in (box / "processed").iterdir() if p.name.startswith("resent")]


def test_a_reader_exception_quarantines_the_message_and_intake_goes_on(world, monkeypatch):
    calls = []

    def flaky_extract(raw: bytes, source: str):
        calls.append(source)
        if len(calls) == 1:
            raise RecursionError("a reader bug")
        return real_extract(raw, source)

    real_extract = intake.extract
    monkeypatch.setattr(intake, "extract", flaky_extract)
    monkeypatch.setattr(intake, "intake_jobs", lambda cfg: 1)  # read here, where the patch is
    first, second = (h for h in HOSTILE if h.name in ("good.eml", "good-camt.xml"))
    run_intake(world, [first, second])
    rows = inputs(world)
    assert rows[content_hash(as_message(first))] == ("quarantined", "unreadable: RecursionError")
    assert rows[content_hash(as_message(second))][0] == "waiting"
    assert len(calls) == 2


def test_failure_reason_names_the_part():
    from bots.domain import Remittance
    from bots.remittance import ExtractResult, Failure

    result = ExtractResult(failures=[Failure("box:1.eml#a.zip#b.csv", "out-of-range",
                                             "amount out of range: '1e309'"),
                                     Failure("box:1.eml", "not-a-remittance", "no advice")])
    assert intake.failure_reason(result, "box:1.eml") == \
        "a.zip#b.csv: amount out of range: '1e309'; no advice"
    returned = ExtractResult(returns=[Remittance("r-1", "box:2.eml", "camt054", "EUR",
                                                 kind="return")])
    assert intake.failure_reason(returned, "box:2.eml") == \
        "return of an earlier payment, not a remittance (1)"

