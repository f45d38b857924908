"""The engine switch: [engine] in the configuration, ARBOTS_TEMPORAL over it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bots.config import ConfigError, EngineConfig, EngineTls, QueueLimits, load_config
from bots.engine.client import tls_config


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


def test_tls_and_queue_limits_are_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("ARBOTS_TEMPORAL", raising=False)
    for name in ("ca.pem", "worker.pem", "worker.key"):
        (tmp_path / name).write_text("-----BEGIN-----\n", encoding="utf-8")
    engine = _load(tmp_path, '[engine]\nkind = "temporal"\ncatchup_minutes = 90\n'
                             'time_zone = "Europe/Berlin"\n'
                             '[engine.tls]\nserver_ca = "ca.pem"\nclient_cert = "worker.pem"\n'
                             'client_key = "worker.key"\nserver_name = "temporal.corp"\n'
                             '[engine.queues.sap]\nmax_concurrent = 2\nmax_per_minute = 30\n'
                             '[engine.queues.browser]\nmax_concurrent = 4\n')
    assert engine.tls == EngineTls(tmp_path / "ca.pem", tmp_path / "worker.pem",
                                   tmp_path / "worker.key", "temporal.corp")
    assert engine.queues == {"sap": QueueLimits(2, 30), "browser": QueueLimits(4, None)}
    assert (engine.catchup_minutes, engine.time_zone) == (90, "Europe/Berlin")


@pytest.mark.parametrize(("text", "named"), [
    ('[engine.tls]\nserver_ca = "missing.pem"\n', "engine.tls.server_ca: no such file: "),
    ('[engine.tls]\nclient_cert = "ca.pem"\n',
     "engine.tls.client_key: client_cert and client_key go together"),
    ('[engine.tls]\nclient_key = { env = "KEY" }\n', "engine.tls.client_key: expected str"),
    ('[engine.queues.printer]\nmax_concurrent = 1\n',
     "engine.queues.printer: unknown task queue; expected one of sap, browser, mail, flow"),
    ('[engine.queues.sap]\nmax_per_minute = 0\n',
     "engine.queues.sap.max_per_minute: must be at least 1"),
    ('[engine.queues.sap]\nmax_per_second = 2\n', "engine.queues.sap.max_per_second: unknown"),
    ('[engine]\ntime_zone = "Mars/Olympus"\n', "engine.time_zone: unknown time zone"),
])
def test_bad_tls_and_queue_settings_are_named(tmp_path: Path, monkeypatch, text: str,
                                              named: str) -> None:
    monkeypatch.delenv("ARBOTS_TEMPORAL", raising=False)
    (tmp_path / "ca.pem").write_text("-----BEGIN-----\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(named)):
        _load(tmp_path, text)


def test_tls_files_are_handed_to_temporal_and_never_printed(tmp_path: Path) -> None:
    key = "-----BEGIN PRIVATE KEY-----\nCANARY-KEY\n-----END PRIVATE KEY-----\n"
    (tmp_path / "worker.key").write_text(key, encoding="utf-8")
    (tmp_path / "worker.pem").write_text("CERT", encoding="utf-8")
    tls = EngineTls(None, tmp_path / "worker.pem", tmp_path / "worker.key", "temporal.corp")
    made = tls_config(tls)
    assert (made.client_private_key, made.client_cert, made.server_root_ca_cert,
            made.domain) == (key.encode(), b"CERT", None, "temporal.corp")
    assert "CANARY" not in repr(EngineConfig(tls=tls))
    (tmp_path / "worker.key").unlink()
    with pytest.raises(ConfigError, match=r"\[engine.tls\] client_key: cannot read .*worker.key"):
        tls_config(tls)
