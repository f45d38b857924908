"""Cash application gives the same answer on files as in the nightly run (issue 11, item 6).

Before, ``arbots match`` on the demo's own advices gave 27 auto lines against
33 in the nightly run: it had no customer file (names, parents), no learned
aliases and not the configured policy. The parity test runs both on one
freshly reset demo world and compares the proposal rows.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bots.config import Config
from bots.formula_guard import restore
from bots.store import Store
from tests.cli.cli_world import arbots, sandbox_template, world  # noqa: F401 - fixtures

ARBOTS = [sys.executable, "-m", "bots.cli"]


def in_home(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``arbots ARGS`` with the embedded demo configuration below ``home``."""
    env = {**os.environ, "ARBOTS_HOME": str(home)}
    env.pop("ARBOTS_CONFIG", None)
    return subprocess.run([*ARBOTS, *args], cwd=home, env=env, capture_output=True, text=True,
                          timeout=600)


def row_key(row: dict[str, str]) -> tuple[str, ...]:
    """Rows compared whatever their order (the file's follows the remittances file)."""
    return tuple(row[c] for c in ("remittance_id", "line_index", "document_no", "fiscal_year",
                                  "line_item", "rule"))


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: restore(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def test_sap_customers_writes_one_row_per_customer_number(world: Config) -> None:  # noqa: F811
    out = world.home / "files" / "cust.csv"
    done = arbots(world, "sap", "customers", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = read_rows(out)
    assert list(rows[0]) == ["customer", "name", "parent", "aliases"]
    numbers = [r["customer"] for r in rows]
    assert numbers == sorted(set(numbers)) and len(numbers) == 20
    assert all(r["name"] for r in rows)
    assert {r["parent"] for r in rows if r["parent"]} <= set(numbers)
    assert f"{len(rows)} customers of" in done.stderr


@pytest.mark.slow
def test_match_on_files_gives_the_nightly_runs_proposals(tmp_path: Path) -> None:
    home, files = tmp_path, tmp_path / "files"
    assert in_home(home, "sandbox", "reset", "--world").returncode == 0
    steps = [("sap", "open-items", "--out", str(files / "open.csv")),
             ("sap", "customers", "--out", str(files / "cust.csv")),
             ("extract", "--open-items", str(files / "open.csv"),
              str(home / "var" / "sandbox" / "mailbox"), "--out", str(files / "r.jsonl")),
             ("match", "--open-items", str(files / "open.csv"), "--remittances",
              str(files / "r.jsonl"), "--customers", str(files / "cust.csv"),
              "--out", str(files / "proposals.csv"))]
    for step in steps:
        done = in_home(home, *step)
        # extract exits 1: the demo mailbox holds a non-remittance and a corrupt PDF
        assert done.returncode in ((0, 1) if step[0] == "extract" else (0,)), done.stderr
    on_files = read_rows(files / "proposals.csv")

    night = in_home(home, "run", "nightly")
    assert night.returncode == 0, night.stderr
    with Store(home / "var" / "arbots.sqlite") as store:
        run = store.runs(1)[0]
        nightly = store.proposal_rows(run.id)
        duplicates = {r["id"] for r in store.remittances("duplicate")}

    # The re-sent advice never reaches the nightly engine (intake keeps it as a
    # duplicate); on files the engine finds it itself and applies nothing of it.
    resent = [r for r in on_files if r["remittance_id"] in duplicates]
    assert duplicates and resent
    assert all(r["rule"] == "unmatched" and "duplicate advice" in r["reason"] for r in resent)
    same = [r for r in on_files if r["remittance_id"] not in duplicates]
    assert sorted(same, key=row_key) == sorted(nightly, key=row_key)
    assert sum(r["decision"] == "auto" for r in nightly) >= 33  # was 27 on files
