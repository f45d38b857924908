"""The engine switch: [engine] in the configuration, ARBOTS_TEMPORAL over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.config import ConfigError, EngineConfig, load_config


def _load(tmp_path: Path, text: str = "") -> EngineConfig:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, home=tmp_path).engine


def test_the_default_is_the_local_runner(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ARBOTS_TEMPORAL", raising=False)
    assert _load(tmp_path) == EngineConfig(kind="local")
    assert load_config(None, home=tmp_path).engine.kind == "local"


def test_the_engine_section_is_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ARBOTS_TEMPORAL", raising=False)
    engine = _load(tmp_path, '[engine]\nkind = "temporal"\naddress = "temporal.corp:7233"\n'
                             'namespace = "ar"\ntask_queue_prefix = "ar-eu"\n'
                             'heartbeat_seconds = 10\n')
    assert engine == EngineConfig("temporal", "temporal.corp:7233", "ar", "ar-eu", 10)


def test_the_environment_selects_temporal_at_its_address(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARBOTS_TEMPORAL", "10.1.2.3:7233")
    engine = _load(tmp_path, '[engine]\nkind = "local"\nnamespace = "ar"\n')
    assert (engine.kind, engine.address, engine.namespace) == ("temporal", "10.1.2.3:7233", "ar")


@pytest.mark.parametrize(("text", "env", "named"), [
    ('[engine]\nkind = "celery"\n', None, "engine.kind: expected one of local, temporal"),
    ('[engine]\nadress = "x:1"\n', None, "engine.adress: unknown key"),
    ('[engine]\nheartbeat_seconds = 0\n', None, "engine.heartbeat_seconds: must be at least 1"),
    ("", "temporal-host", "ARBOTS_TEMPORAL: expected host:port, got 'temporal-host'"),
])
def test_bad_engine_settings_are_named(tmp_path: Path, monkeypatch, text: str,
                                       env: str | None, named: str) -> None:
    if env is None:
        monkeypatch.delenv("ARBOTS_TEMPORAL", raising=False)
    else:
        monkeypatch.setenv("ARBOTS_TEMPORAL", env)
    with pytest.raises(ConfigError, match=named):
        _load(tmp_path, text)
