"""``arbots sandbox reset --world``: the whole sandbox world reset, seeded, nothing run."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.crash import CONFIG
from bots.cli import main
from bots.config import load_config
from bots.sandbox.mailbox import SMALL_COUNTS, seed_demo_mailbox
from bots.sandbox.world import SIZES, reset_world


def _site(folder: Path) -> Path:
    path = folder / "site.toml"
    path.write_text(CONFIG, encoding="utf-8")  # the crash trials' own world
    return path


def _reset(folder: Path, *args: str):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(main, ["sandbox", "reset", "--world", "--config",
                                     str(_site(folder)), *args], env={"ARBOTS_HOME": str(folder)})


def _digest(folder: Path) -> dict[str, str]:
    """Content hashes of the mails and of the SAP tables' rows."""
    mails = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in (folder / "var/sandbox/mailbox").glob("*.eml")}
    with sqlite3.connect(folder / "var/sandbox/sap.sqlite") as db:
        rows = {table: hashlib.sha256(repr(db.execute(
            f'SELECT * FROM "{table}" ORDER BY 1, 2, 3, 4').fetchall()).encode()).hexdigest()
            for table in ("KNA1", "KNB1", "BSID", "BKPF")}
    return {**mails, **rows}


def test_small_world_is_reset_whole_and_seeded(tmp_path: Path) -> None:
    leftovers = [tmp_path / "var/arbots.sqlite", tmp_path / "var/outbox/old.eml",
                 tmp_path / "var/runs/20260101-000000-abcdef/report.json",
                 tmp_path / "var/sandbox/portals/coupa.sqlite",
                 tmp_path / "var/portals/state/coupa-sandbox.json",
                 tmp_path / "var/sandbox/mailbox/processed/001-exact.eml"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("left by an earlier trial")

    result = _reset(tmp_path, "--size", "small")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # the console wraps at its width
    assert "10 customers" in said and "8 e-mails" in said
    assert not any(path.exists() for path in leftovers)
    assert not (tmp_path / "var/runs").exists()
    first = _digest(tmp_path)
    assert len([name for name in first if name.endswith(".eml")]) == 8
    with sqlite3.connect(tmp_path / "var/sandbox/sap.sqlite") as db:
        assert db.execute("SELECT count(*) FROM KNA1").fetchone() == (10,)
        assert db.execute("SELECT count(*) FROM BSID").fetchone() == (100,)

    assert _reset(tmp_path, "--size", "small").exit_code == 0
    assert _digest(tmp_path) == first  # same size, seed and day: the same world
    assert _reset(tmp_path, "--size", "small", "--seed", "3").exit_code == 0
    assert _digest(tmp_path) != first


def test_world_reset_refuses_sap_only_options_and_real_systems(tmp_path: Path) -> None:
    result = _reset(tmp_path, "--items", "10")
    assert result.exit_code == 2 and "--size" in result.output
    site = tmp_path / "real.toml"
    site.write_text('[sap]\nmode = "rfc"\n[sap.connection]\nashost = "sap.example.com"\n'
                    'sysnr = "00"\nclient = "100"\nuser = "RFC_USER"\n'
                    'passwd = { env = "ARBOTS_TEST_NO_SUCH_SECRET" }\n', encoding="utf-8")
    with pytest.raises(Exception, match="only a sandbox world can be reset"):
        reset_world(load_config(site, home=tmp_path), size="small")


def test_sizes_name_the_demo_and_the_small_world() -> None:
    assert (SIZES["demo"].customers, SIZES["demo"].items) == (70, 3200)
    assert (SIZES["small"].customers, SIZES["small"].items) == (10, 100)
    assert SIZES["small"].mails == SMALL_COUNTS


def test_mailbox_counts_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown demo mailbox scenario"):
        seed_demo_mailbox(tmp_path, [], {}, date(2026, 12, 7), counts={"exact": 1, "bogus": 1})
    with pytest.raises(ValueError, match="needs an exact advice"):
        seed_demo_mailbox(tmp_path, [], {}, date(2026, 12, 7), counts={"exact": 0})

