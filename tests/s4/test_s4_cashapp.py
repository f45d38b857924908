"""`arbots run openitems intake cashapp` on S/4: payments submitted by lockbox, confirmed later,
never posted twice, also when a run died between SAP taking a batch and the ledger saying so."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from s4_world import write_config

from bots.cli import main
from bots.config import load_config
from bots.sandbox.s4 import S4Server, start_s4
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


def _s4_config(folder: Path, s4: S4Server) -> Path:
    config = write_config(folder, folder / "sap.sqlite", base_url=s4.url)
    config.write_text(config.read_text() + "[collections]\n"
                      f'outbox = "{folder / "outbox"}"\n'
                      'sender = "ar@arbots-demo.example"\n')
    return config


@pytest.fixture
def small_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small sandbox world (SAP data and demo mailbox) in ``tmp_path``."""
    monkeypatch.setenv("ARBOTS_HOME", str(tmp_path))  # the demo mailbox's folder is below it
    reset_world(load_config(_sandbox_config(tmp_path), home=tmp_path), size="small")
    return tmp_path


def test_submitted_payments_are_confirmed_later_and_posted_once(small_world: Path) -> None:
    tmp_path = small_world
    with start_s4(tmp_path / "sap.sqlite") as s4:
        config = _s4_config(tmp_path, s4)
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


def test_a_check_sap_cannot_apply_stays_submitted_and_waits(small_world: Path) -> None:
    """An invoice cleared in SAP while its check waited: lockbox leaves the check for
    post-processing; arbots keeps the posting submitted, shows it waiting, sends nothing."""
    tmp_path = small_world
    with start_s4(tmp_path / "sap.sqlite") as s4:
        config = _s4_config(tmp_path, s4)
        s4.lockbox.hold = True
        _run(config)
        key = sorted(_postings(tmp_path / "arbots.sqlite"))[0]
        with sqlite3.connect(tmp_path / "arbots.sqlite") as con:
            (payload,) = con.execute("SELECT payload FROM external_writes WHERE key = ?",
                                     (key,)).fetchone()
        document = json.loads(payload)["items"][0]
        with sqlite3.connect(tmp_path / "sap.sqlite") as con:  # a person cleared it in SAP
            con.execute("INSERT INTO BSAD SELECT * FROM BSID WHERE BELNR = ?", (document,))
            con.execute("UPDATE BSAD SET AUGBL = '1499999999', AUGDT = '20260101' "
                        "WHERE BELNR = ?", (document,))
            con.execute("DELETE FROM BSID WHERE BELNR = ?", (document,))
        s4.lockbox.hold = False
        _run(config)
        states = _postings(tmp_path / "arbots.sqlite")
        assert states.pop(key) == "submitted" and set(states.values()) == {"done"}
        assert len(s4.lockbox.errors) == 1 and document in s4.lockbox.errors[0]
        batches = s4.stats.reads["LockboxBatch"]
        _run(config)
        assert s4.stats.reads["LockboxBatch"] == batches  # never sent again
    report = sorted((tmp_path / "runs").glob("*/report.json"))[-1]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["bots"]["cashapp"]["counts"]["payments_submitted"] == 1
    (waiting,) = [w for w in data["waiting"]["cashapp"] if w["for_whom"] == "SAP (lockbox)"]
    assert key in waiting["item"] and "lockbox post-processing" in waiting["why"]
