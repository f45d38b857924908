"""A folder of ``.eml`` files (or a Maildir) as a mailbox: the embedded default.

Layout under ``path``::

    path/*.eml, path/*           messages waiting (hidden files are ignored)
    path/new/*, path/cur/*       the same, when ``path`` is a Maildir
    path/processed/              moved here after processing
    path/exceptions/             moved here when the bots could not handle them

The id of a message is its file name relative to ``path`` (``remit-1.eml``,
``new/1732460000.M1.host``). Moving is an atomic ``rename`` inside one file
system; a name already taken in the destination gets a ``.1``, ``.2`` suffix
instead of overwriting. Configuration::

    [mailboxes.local]
    kind = "folder"
    path = "var/sandbox/mailbox"      # relative to ARBOTS_HOME

Limits: a file being written while the bots list the folder could be read
half-written; drop files atomically (write a hidden ``.name`` then rename, as
:func:`seed_demo_mailbox` does, or deliver into a Maildir's ``tmp/``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from bots.email.base import (
    Destination,
    Mailbox,
    MailboxError,
    MessageRef,
    register,
    summarize_headers,
)

if TYPE_CHECKING:
    from bots.config import _Section

DEFAULT_PATH = "var/sandbox/mailbox"
_HEADER_BYTES = 16384  # enough for the headers of any sane message


@register
class FolderMailbox(Mailbox):
    """Messages as files in a local folder; moves are renames."""

    kind = "folder"

    def __init__(self, name: str, path: Path) -> None:
        super().__init__(name)
        self.path = path

    @classmethod
    def from_settings(cls, name: str, section: _Section, home: Path) -> FolderMailbox:
        box = cls(name, section.path("path", home, DEFAULT_PATH))
        section.check_unknown()
        return box

    def connect(self) -> None:
        """Create the folder and its processed/exceptions subfolders if missing."""
        try:
            for sub in ("", "processed", "exceptions"):
                (self.path / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MailboxError(f"mailbox {self.name}: cannot use folder {self.path}: "
                               f"{exc.strerror}") from None

    def list_new(self) -> list[MessageRef]:
        """Waiting files, oldest first (by modification time, then name)."""
        stamped = []
        for where in (self.path, self.path / "new", self.path / "cur"):
            if not where.is_dir():
                continue
            for entry in os.scandir(where):
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                try:
                    stamped.append((entry.stat().st_mtime_ns, entry.name, Path(entry.path)))
                except FileNotFoundError:  # taken away while we looked
                    continue
        return [self._ref(file) for _, _, file in sorted(stamped)]

    def _ref(self, file: Path) -> MessageRef:
        ident = file.relative_to(self.path).as_posix()
        try:
            with file.open("rb") as fh:
                head = fh.read(_HEADER_BYTES)
        except OSError:
            return MessageRef(self.name, ident)
        return summarize_headers(head, self.name, ident)  # the parser stops at the headers' end

    def _file(self, ref: MessageRef) -> Path:
        file = self.path / ref.id
        if ".." in Path(ref.id).parts or Path(ref.id).is_absolute():
            raise MailboxError(f"mailbox {self.name}: {ref.id!r} is not a message of this folder")
        return file

    def fetch(self, ref: MessageRef) -> bytes:
        file = self._file(ref)
        try:
            return file.read_bytes()
        except OSError as exc:
            raise MailboxError(f"mailbox {self.name}: cannot read {file}: {exc.strerror}") \
                from None

    def move(self, ref: MessageRef, to: Destination) -> str:
        """Rename the file into ``to``/; returns its new id (``processed/name``)."""
        folder = self.path / self._check_destination(to)
        folder.mkdir(exist_ok=True)
        source = self._file(ref)
        target = folder / source.name
        suffix = 0
        while target.exists():
            suffix += 1
            target = folder / f"{source.name}.{suffix}"
        try:
            os.rename(source, target)
        except OSError as exc:
            raise MailboxError(f"mailbox {self.name}: cannot move {source} to {folder}: "
                               f"{exc.strerror}") from None
        return target.relative_to(self.path).as_posix()

    def close(self) -> None:
        """Nothing to release."""


def seed_demo_mailbox(path: Path, messages: list[bytes], prefix: str = "demo") -> list[Path]:
    """Drop ``messages`` into a folder mailbox as ``<prefix>-NNN.eml``, atomically.

    Numbers continue after the files already waiting. Each file is written
    hidden and renamed into place, so a bot listing the folder at the same time
    never sees half a message. Returns the new files.
    """
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    number = 0
    for raw in messages:
        number += 1
        while (path / f"{prefix}-{number:03d}.eml").exists():
            number += 1
        final = path / f"{prefix}-{number:03d}.eml"
        hidden = path / f".{final.name}.tmp"
        hidden.write_bytes(raw)
        os.rename(hidden, final)
        written.append(final)
    return written
