"""Configuration safety: no system folder created unless configured and present; a missing
secret's error names the file and the key (and never a value)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bots.config import ConfigError, Secret, load_config
from tests.cli.test_cli_run import arbots

REPO = Path(__file__).resolve().parents[2]


def site(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "site.toml"
    file.write_text(text, encoding="utf-8")
    return file


@pytest.mark.parametrize("key", ["path", "runs_dir"])
def test_an_absolute_path_below_a_missing_folder_is_an_error_naming_file_and_key(
        tmp_path: Path, key: str) -> None:
    missing = tmp_path / "var-lib-arbots"
    file = site(tmp_path, f'[store]\n{key} = "{missing / "arbots"}"\n')
    with pytest.raises(ConfigError, match=rf"site.toml: store.{key}: the folder "
                                          rf".*var-lib-arbots does not exist"):
        load_config(file, home=tmp_path)
    assert not missing.exists()


def test_a_missing_arbots_home_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ARBOTS_HOME: the folder .*nowhere does not exist"):
        load_config(site(tmp_path, ""), home=tmp_path / "nowhere")


def test_a_run_creates_nothing_when_the_configured_folder_is_missing(tmp_path: Path) -> None:
    """The example configuration's first try, with its store in a missing system folder."""
    system = tmp_path / "var" / "lib" / "arbots"
    text = (REPO / "config" / "example.toml").read_text(encoding="utf-8")
    text = text.replace('path = "arbots.sqlite"', f'path = "{system / "arbots.sqlite"}"')
    work = tmp_path / "work"
    work.mkdir()
    config = site(work, text)
    result = arbots("run", "nightly", "--config", str(config), cwd=work)
    assert result.returncode == 2, result.stderr
    assert "site.toml: store.path: the folder" in result.stderr
    assert not (tmp_path / "var").exists()
    assert sorted(p.name for p in work.iterdir()) == ["site.toml"]


@pytest.mark.parametrize(("section", "key"), [
    ('[sap.connection]\npasswd = { env = "ARBOTS_CANARY_UNSET" }', "sap.connection.passwd"),
    ('[collections.smtp]\npassword = { env = "ARBOTS_CANARY_UNSET" }',
     "collections.smtp.password"),
])
def test_a_missing_env_secret_names_file_key_and_variable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, section: str, key: str) -> None:
    monkeypatch.delenv("ARBOTS_CANARY_UNSET", raising=False)
    cfg = load_config(site(tmp_path, section + "\n"), home=tmp_path)
    secret = cfg.sap.passwd if key.startswith("sap") else cfg.collections.smtp_password
    assert secret is not None
    with pytest.raises(ConfigError) as caught:
        secret.reveal()
    assert str(caught.value) == (f'{tmp_path / "site.toml"}: {key} = '
                                 '{ env = "ARBOTS_CANARY_UNSET" }: environment variable '
                                 "ARBOTS_CANARY_UNSET is not set")


def test_a_keyring_secret_error_names_file_and_key(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # not installed
    cfg = load_config(site(tmp_path, '[sap.connection]\npasswd = { keyring = "svc/RFC" }\n'),
                      home=tmp_path)
    assert cfg.sap.passwd is not None
    with pytest.raises(ConfigError, match=r'site.toml: sap.connection.passwd = '
                                          r'\{ keyring = "svc/RFC" \}: the keyring module'):
        cfg.sap.passwd.reveal()


def test_a_secret_never_shows_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_CANARY_SET", "canary-8d1e")
    secret = Secret(env="ARBOTS_CANARY_SET", where="site.toml: sap.connection.passwd")
    assert secret.reveal() == "canary-8d1e"
    assert "canary" not in repr(secret) + str(secret)
