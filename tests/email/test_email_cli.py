"""``arbots mailbox check|list`` against a folder, a real Dovecot and an unreachable server."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from mailbox_servers import Dovecot, deliver, dovecot, message  # noqa: F401 - fixture

from bots.cli import main
from bots.email import seed_demo_mailbox


@pytest.mark.slow  # a real Dovecot: about 3 s to start and stop per module
def test_check_and_list(tmp_path: Path, dovecot: Dovecot,  # noqa: F811
                        monkeypatch: pytest.MonkeyPatch) -> None:
    user = "cli@arbots.example"
    deliver(dovecot, user, message(1))
    deliver(dovecot, user, message(2))
    seed_demo_mailbox(tmp_path / "drop", [b"Subject: local\r\n\r\nx"])
    site = tmp_path / "site.toml"
    site.write_text(f"""
[mailboxes.local]
kind = "folder"
path = "{tmp_path / 'drop'}"

[mailboxes.imap]
kind = "imap"
host = "127.0.0.1"
port = {dovecot.port}
security = "plain"
user = "{user}"
password = {{ env = "T_CLI_IMAP_PW" }}

[mailboxes.down]
kind = "imap"
host = "127.0.0.1"
port = 1
security = "plain"
user = "{user}"
password = {{ env = "T_CLI_IMAP_PW" }}
retries = 0
""")
    monkeypatch.setenv("T_CLI_IMAP_PW", dovecot.password)
    result = CliRunner().invoke(main, ["mailbox", "check", "--config", str(site)])
    assert result.exit_code == 2, result.output  # one mailbox unreachable
    assert "local\tfolder\t1\n" in result.stdout
    assert "imap\timap\t2\n" in result.stdout
    assert dovecot.password not in result.output
    ok = CliRunner().invoke(main, ["mailbox", "list", "--config", str(site), "--name", "imap"])
    assert ok.exit_code == 0, ok.output
    lines = ok.stdout.splitlines()
    assert lines[0] == "mailbox\tid\tdate\tfrom\tsubject" and len(lines) == 3
    assert lines[1].startswith("imap\t") and lines[1].endswith(
        "\t2026-11-24T10:01:00+00:00\tPayer 1 <ap1@customer.example>\tRemittance advice 1")
    assert CliRunner().invoke(main, ["mailbox", "list", "--config", str(site), "--name",
                                     "imap"]).stdout == ok.stdout  # listing moved nothing


def test_bad_configuration_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[mailboxes.x]\nkind = "imap"\nhost = "h"\nuser = "u"\npassword = "pw"\n')
    result = CliRunner().invoke(main, ["mailbox", "check", "--config", str(site)])
    assert result.exit_code == 2
    assert "mailboxes.x.password: secrets are never values" in result.output
