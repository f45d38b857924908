"""The store's schema under alembic: a store file of the release before alembic upgrades in
place with its data, older files are stamped and upgraded, newer stores are refused, and
SQLite and PostgreSQL get the same tables and columns.

``data/store-release-v7.sqlite`` was written by the release before alembic
(schema version 7 in ``PRAGMA user_version``), with a row in every table.
"""

from __future__ import annotations

import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from bots.store import MIGRATIONS, Store
from bots.store.database import store_url
from bots.store.schema import VERSIONS
from tests.store.conftest import new_database

RELEASE_FILE = Path(__file__).parent / "data" / "store-release-v7.sqlite"


def test_the_revisions_are_one_chain_numbered_like_their_files() -> None:
    config = Config()
    config.set_main_option("script_location", str(VERSIONS.parent))
    chain = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]
    assert tuple(reversed(chain)) == MIGRATIONS
    assert MIGRATIONS[:7] == ("0001", "0002", "0003", "0004", "0005", "0006", "0007")


def test_a_store_file_of_the_release_before_alembic_upgrades_in_place_with_its_data(
        tmp_path: Path) -> None:
    path = tmp_path / "arbots.sqlite"
    shutil.copy(RELEASE_FILE, path)
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
        (run,) = store.runs()
        assert (run.id, run.status, run.counts) == ("20261201-020000-aaaaaa", "ok", {"notes": 1})
        assert [(i.document_no, str(i.amount)) for i in store.snapshot(run.id)] == [
            ("1800000001", "1234.56")]
        assert store.lease("sandbox:/srv/sap.sqlite").holder == "old-host:1"
        assert store.input_status("hash-1") == ("waiting", None)
        assert store.remittance("rem-1")["status"] == "review"
        assert [(w["key"], w["status"]) for w in store.writes()] == [
            ("note-1", "done"), ("pay-1", "intent")]
        assert store.ledger("rerun").begin("collection_note", "note-1", "x", {}) == "done"
        assert store.ledger("rerun").begin("posting", "pay-1", "x", {}) == "pending"
        assert len(store.cash_lines([run.id])) == 1
        assert store.console_user("alice")["role"] == "supervisor"
        assert store.token_user("token-hash-1")["name"] == "alice"
        assert [d["decision"] for d in store.decisions_of("rem-1")] == ["approve"]
        assert store.launch(run.id)["pid"] == 4242
        (promise,) = store.promises()
        assert (promise.amount_minor, promise.baseline) == (50000, {"1800000001/2026/001": 123456})
        assert len(store.audit_log()) >= 8
    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(MIGRATIONS[-1],)]
    assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
    db.close()


def test_a_file_of_an_older_release_is_stamped_and_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(RELEASE_FILE, path)
    db = sqlite3.connect(path)  # as version 3 left it: no promises, console, templates ...
    for table in ("promises", "review_decisions", "console_launches", "console_sign_ins",
                  "console_tokens", "console_users", "cash_lines", "remittance_layouts",
                  "learned_templates"):
        db.execute(f"DROP TABLE {table}")
    db.execute("ALTER TABLE remittances DROP COLUMN version")
    db.execute("PRAGMA user_version=3")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
        assert store.promises() == [] and store.runs()[0].id == "20261201-020000-aaaaaa"
        assert store.remittance("rem-1")["version"] == 1


def test_a_store_newer_than_this_code_is_refused_naming_it_without_its_password(
        store_target: Path | str) -> None:
    Store(store_target).close()
    url = store_url(store_target)
    if url.get_backend_name() == "postgresql":
        store_target = url.set(password="s3cret-pw").render_as_string(hide_password=False)
    with Store(store_target) as store:
        store.db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(RuntimeError, match="9999 is newer than this arbots") as refused:
        Store(store_target)
    assert "s3cret-pw" not in str(refused.value)


def test_sqlite_and_postgresql_get_the_same_tables_and_columns(tmp_path: Path,
                                                               pg_server) -> None:  # noqa: ANN001
    columns = {}
    for target in (tmp_path / "a.sqlite", new_database(pg_server)):
        Store(target).close()
        engine = create_engine(store_url(target))
        schema = inspect(engine)
        columns[engine.dialect.name] = {
            table: [c["name"] for c in schema.get_columns(table) if c["name"] != "rowid"]
            for table in schema.get_table_names()}
        engine.dispose()
    assert columns["sqlite"] == columns["postgresql"]
    assert "promises" in columns["sqlite"]


def test_new_stores_opened_at_once_in_threads_all_reach_the_latest_revision(
        tmp_path: Path) -> None:
    # alembic's migration context is module-global: a Temporal worker opening several new
    # stores in threads once failed with "No context has been configured yet".
    def open_one(n: int) -> int:
        with Store(tmp_path / f"store-{n}.sqlite") as store:
            return len(store.db.execute("SELECT version_num FROM alembic_version").fetchall())

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(open_one, range(12))) == [1] * 12
