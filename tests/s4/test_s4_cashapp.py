"""`arbots run openitems intake cashapp` on S/4: payments submitted by lockbox, confirmed later,
never posted twice, also when a run died between SAP taking a batch and the ledger saying so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from s4_world import write_config

from bots.cli import main
from bots.config import load_config
from bots.sandbox.s4 import start_s4
from bots.sandbox.world import reset_world

pytestmark = [pytest.mark.usefixtures("secrets_env"), pytest.mark.slow]


def _sandbox_config(folder: Path) -> Path:
    """The RFC sandbox configuration of the same world (to seed SAP data and mailbox)."""
    file = folder / "sandbox.toml"
    file.write_text("\n".join([
        "[store]", f'path = "{folder / "arbots.sqlite"}"', f'runs_dir = "{folder / "runs"}"',
        "[sap]", 'mode = "sandbox"', f'sandbox_db = "{folder / "sap.sqlite"}"',
        'company_codes = ["1000", "2000"]', "[collections]",
        f'outbox = "{folder / "outbox"}"', 'sender = "ar@arbots-demo.example"']) + "\n")
    return file


def _postings(store: Path) -> dict[str, str]:
    with sqlite3.connect(store) as con:
        return dict(con.execute("SELECT key, status FROM external_writes WHERE kind = "
                                "'posting'").fetchall())


def _run(config: Path) -> None:
    result = CliRunner().invoke(main, ["run", "openitems", "intake", "cashapp", "--config",
                                       str(config)])
    assert result.exit_code == 0, result.output


def test_submitted_payments_are_confirmed_later_and_posted_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_HOME", str(tmp_path))  # the demo mailbox's folder is below it
    cfg = load_config(_sandbox_config(tmp_path), home=tmp_path)
    reset_world(cfg, size="small")
    with start_s4(tmp_path / "sap.sqlite") as s4:
        config = write_config(tmp_path, tmp_path / "sap.sqlite", base_url=s4.url)
        config.write_text(config.read_text() + "[collections]\n"
                          f'outbox = "{tmp_path / "outbox"}"\n'
                          'sender = "ar@arbots-demo.example"\n')
        s4.lockbox.hold = True  # SAP takes the batches but does not post them yet
        _run(config)
        submitted = _postings(tmp_path / "arbots.sqlite")
        assert submitted and set(submitted.values()) == {"submitted"}
        batches = s4.stats.reads["LockboxBatch"]
        assert batches == len(submitted)

        # a run that died after SAP took one batch, before its ledger said so
        died = sorted(submitted)[0]
        with sqlite3.connect(tmp_path / "arbots.sqlite") as con:
            con.execute("UPDATE external_writes SET status = 'intent' WHERE key = ?", (died,))
        _run(config)  # still not posted: found among SAP's batches, nothing sent again
        assert s4.stats.reads["LockboxBatch"] == batches
        assert set(_postings(tmp_path / "arbots.sqlite").values()) == {"submitted"}

        s4.lockbox.hold = False  # the lockbox program runs
        _run(config)
        assert set(_postings(tmp_path / "arbots.sqlite").values()) == {"done"}
        assert s4.stats.reads["LockboxBatch"] == batches
    with sqlite3.connect(tmp_path / "sap.sqlite") as con:
        references = [r for (r,) in con.execute(
            "SELECT XBLNR FROM BKPF WHERE TCODE = 'FB05' AND BKTXT LIKE 'Lockbox%'")]
        applied = con.execute("SELECT count(*) FROM S4_LOCKBOX_ITEM WHERE STATUS = 'posted'"
                              ).fetchone()[0]
    assert len(references) == len(set(references)) == len(submitted) == applied
