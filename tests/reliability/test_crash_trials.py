"""kill -9 at a few seeded points, two runs at once, the scheduler plus a manual run: 0 damage.

The small versions of ``make bench crash`` (:mod:`bench.crash`,
:mod:`bench.concurrency`): each trial runs ``arbots run nightly`` as a
subprocess on its own reduced sandbox world (Chromium included), so they are
slow. Every count of :data:`bench.crash.COUNTS` must be 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.concurrency import pair_trial, scheduler_trial
from bench.crash import kill_trials

pytestmark = pytest.mark.slow

# seeds 3, 4, 5 kill during cash application, the portals and collections: the bots that write
KILL_SEEDS = (3, 4, 5)


def _damage(trials, *, skip: tuple[str, ...] = ()) -> dict[str, dict[str, int]]:  # noqa: ANN001
    """The non-zero counts of each trial (``skip``: counts looked at elsewhere)."""
    found = {t.name: {c: n for c, n in t.counts.items() if n and c not in skip}
             for t in trials}
    return {name: counts for name, counts in found.items() if counts}


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - list of Trial
    """The kill trials, run once for the tests of this module."""
    trials = kill_trials(KILL_SEEDS, tmp_path_factory.mktemp("crash"), echo=False)
    assert len(trials) == len(KILL_SEEDS)
    return trials


def test_kill_9_then_two_reruns_leaves_nothing_lost_or_twice(killed) -> None:  # noqa: ANN001
    assert _damage(killed, skip=("open_intents",)) == {}


def test_kill_9_then_two_reruns_leaves_no_intent_open(killed) -> None:  # noqa: ANN001
    assert {t.name: t.counts["open_intents"] for t in killed if t.counts["open_intents"]} == {}


def test_two_nightly_runs_at_once_do_nothing_twice(tmp_path: Path) -> None:
    trial = pair_trial(1, tmp_path)
    assert _damage([trial]) == {}


def test_scheduler_and_manual_run_at_once_do_nothing_twice(tmp_path: Path) -> None:
    trial = scheduler_trial(1, tmp_path)
    assert ",ran:" in trial.reruns, trial.reruns  # the daemon did start its run
    assert _damage([trial]) == {}
