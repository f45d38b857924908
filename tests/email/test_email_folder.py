"""The folder backend, the configuration of mailboxes and the registry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bots.config import ConfigError, load_config
from bots.email import (
    Mailbox,
    MailboxError,
    MessageRef,
    backend,
    configured_mailboxes,
    kinds,
    open_mailbox,
    seed_demo_mailbox,
)
from bots.email.folder import FolderMailbox

SAMPLES = ("spec__fixtures__emails__attachment_emails__attachment_pdf.eml",
           "spec__fixtures__emails__multi_charset__japanese_attachment_long_name.eml",
           "spec__fixtures__emails__error_emails__content_transfer_encoding_with_8bits.eml")


def test_seeded_samples_round_trip_and_move_atomically(tmp_path: Path, samples: Path) -> None:
    raws = [(samples / "mikel__mail" / name).read_bytes() for name in SAMPLES]
    garbage = b"\x00\xff not a mail \xfe\r\n\r\n\x00"
    files = seed_demo_mailbox(tmp_path / "box", [*raws, garbage])
    assert [f.name for f in files] == [f"demo-00{n}.eml" for n in (1, 2, 3, 4)]
    for n, f in enumerate(files):  # make "oldest first" deterministic
        os.utime(f, ns=(n * 10**9, n * 10**9))
    with open_mailbox("local", {"kind": "folder", "path": "box"}, tmp_path) as box:
        refs = box.list_new()
        assert [r.id for r in refs] == [f.name for f in files]
        assert [box.fetch(r) for r in refs] == [*raws, garbage]
        assert refs[3].subject is None and refs[3].sender is None  # malformed: still listed
        assert refs[0].subject == "Another PDF with \N{PARTY POPPER} Unicode chars in it " \
                                  "\N{POPCORN}"  # raw UTF-8 in the header
        assert refs[0].sender == "Test Tester <xxxx@xxxx.com>"
        assert refs[1].subject == "まみむめも" * 10  # RFC 2047, ISO-2022-JP
        inode = files[0].stat().st_ino
        assert box.move(refs[0], "processed") == "processed/demo-001.eml"
        assert (tmp_path / "box/processed/demo-001.eml").stat().st_ino == inode  # a rename
        assert box.move(refs[3], "exceptions") == "exceptions/demo-004.eml"
        assert [r.id for r in box.list_new()] == ["demo-002.eml", "demo-003.eml"]


def test_a_name_taken_in_the_destination_is_never_overwritten(tmp_path: Path) -> None:
    box = FolderMailbox("local", tmp_path)
    box.connect()
    (tmp_path / "processed" / "a.eml").write_bytes(b"earlier")
    (tmp_path / "a.eml").write_bytes(b"Subject: later\r\n\r\nx")
    (ref,) = box.list_new()
    assert box.move(ref, "processed") == "processed/a.eml.1"
    assert (tmp_path / "processed" / "a.eml").read_bytes() == b"earlier"


def test_maildir_layout_and_hidden_files(tmp_path: Path) -> None:
    for sub in ("new", "cur", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.M1.host").write_bytes(b"Subject: one\n\nx")
    (tmp_path / "cur" / "2.M2.host:2,S").write_bytes(b"Subject: two\n\nx")
    (tmp_path / "tmp" / "3.M3.host").write_bytes(b"Subject: being written\n\n")
    (tmp_path / ".partial.eml.tmp").write_bytes(b"Subject: hidden\n\n")
    with FolderMailbox("md", tmp_path) as box:
        assert sorted(r.id for r in box.list_new()) == ["cur/2.M2.host:2,S", "new/1.M1.host"]
        assert {r.subject for r in box.list_new()} == {"one", "two"}


def test_errors_name_the_file(tmp_path: Path) -> None:
    with FolderMailbox("local", tmp_path) as box:
        with pytest.raises(MailboxError, match=r"mailbox local: cannot read .*gone.eml"):
            box.fetch(MessageRef("local", "gone.eml"))
        with pytest.raises(MailboxError, match="not a message of this folder"):
            box.fetch(MessageRef("local", "../etc/passwd"))
        with pytest.raises(ValueError, match="expected one of processed, exceptions"):
            box.move(MessageRef("local", "x.eml"), "trash")  # type: ignore[arg-type]


def test_registry_and_contract() -> None:
    assert sorted(kinds()) == ["ews", "folder", "graph", "imap"]
    for kind in kinds():
        cls = backend(kind)
        assert issubclass(cls, Mailbox) and cls.kind == kind and cls.is_available()


def test_default_configuration_is_the_sandbox_folder(tmp_path: Path) -> None:
    config = load_config(None, home=tmp_path)
    (box,) = configured_mailboxes(config)
    assert isinstance(box, FolderMailbox)
    assert box.name == "sandbox" and box.path == tmp_path / "var/sandbox/mailbox"


def test_configured_mailboxes_are_validated_naming_file_and_key(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[mailboxes.a]\nkind = "folder"\npath = "/srv/a"\n'
                    '[mailboxes.b]\nkind = "pop3"\n')
    with pytest.raises(ConfigError, match=rf"{site}: mailboxes.b.kind: expected one of "
                                          r".*imap.*, got 'pop3'"):
        configured_mailboxes(load_config(site, home=tmp_path))
    site.write_text('[mailboxes.a]\nkind = "folder"\npaht = "x"\n')
    with pytest.raises(ConfigError, match=r"mailboxes.a.paht: unknown key"):
        configured_mailboxes(load_config(site, home=tmp_path))
    site.write_text('[mailboxes.a]\nkind = "folder"\npath = "/srv/a"\n')
    (box,) = configured_mailboxes(load_config(site, home=tmp_path))
    assert box.path == Path("/srv/a")
