"""``[store] url``: the store on PostgreSQL from the configuration, its password from the
environment, never from the file and never in a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.config import ConfigError, load_config
from bots.store import Store, redact
from bots.store.database import StoreTargetError


def site(tmp_path: Path, store: str) -> Path:
    file = tmp_path / "site.toml"
    file.write_text(f"[store]\n{store}\n", encoding="utf-8")
    return file


def test_without_url_the_store_is_the_sqlite_file(tmp_path: Path) -> None:
    cfg = load_config(site(tmp_path, 'path = "var/arbots.sqlite"'), home=tmp_path)
    assert cfg.store_target() == tmp_path / "var" / "arbots.sqlite"
    assert cfg.store_name == str(tmp_path / "var" / "arbots.sqlite") and not cfg.has_store()


def test_the_password_comes_from_the_environment_into_the_url_and_no_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_STORE_PASSWORD", "p@ss/word")
    cfg = load_config(site(tmp_path, 'url = "postgresql://arbots@db.example:5432/arbots"\n'
                                     'password = { env = "ARBOTS_STORE_PASSWORD" }'),
                      home=tmp_path)
    assert cfg.store_target() == "postgresql://arbots:p%40ss%2Fword@db.example:5432/arbots"
    assert cfg.store_name == "postgresql://arbots@db.example:5432/arbots" and cfg.has_store()
    assert redact(cfg.store_target()) == "postgresql://arbots:***@db.example:5432/arbots"
    assert "p@ss" not in repr(cfg)


@pytest.mark.parametrize(("store", "why"), [
    ('url = "postgresql://arbots:hunter2@db/arbots"', "store.url: secrets are never values"),
    ('url = "mysql://arbots@db/arbots"', "store.url: expected postgresql://"),
    ('url = "postgresql://arbots@db"', "store.url: expected postgresql://"),
    ('password = { env = "X" }', "store.password: only a store.url"),
])
def test_a_bad_store_setting_names_the_key_and_never_the_password(
        tmp_path: Path, store: str, why: str) -> None:
    with pytest.raises(ConfigError, match=why) as refused:
        load_config(site(tmp_path, store), home=tmp_path)
    assert "hunter2" not in str(refused.value)


def test_a_url_of_another_database_is_refused_without_its_password() -> None:
    with pytest.raises(StoreTargetError, match="mysql") as refused:
        Store("mysql://arbots:hunter2@db/arbots")
    assert "hunter2" not in str(refused.value)
