"""Zip archives: the members are extracted in turn, within hard limits.

A zip is a container (see :mod:`bots.remittance.registry`): it has no
remittances of its own, only ``parts``. Before anything is decompressed,
:func:`check_archive` compares the central directory against
:class:`~bots.remittance.limits.Limits` (member count, declared total size,
per-member compression ratio); then every member is read with a hard cap, so
that a directory that lies about sizes cannot expand past the limit either.
Nesting (a zip in a zip) is counted by the front door.

Limits: encrypted members are refused (``encrypted``); folders and hidden
macOS metadata (``__MACOSX/``) are skipped.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from bots.domain import Remittance
from bots.remittance import sniff as _sniff
from bots.remittance.errors import ExtractError
from bots.remittance.limits import Limits
from bots.remittance.registry import Part

NAME = "zip"


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    return _sniff.is_zip(head)


def read(data: bytes, source: str) -> list[Remittance]:
    """A zip holds no remittance itself; see :func:`parts`."""
    return []


#: What a damaged archive makes zipfile and zlib raise (openpyxl lets them through too).
BROKEN_ZIP = (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError,
              zlib.error, NotImplementedError)


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except BROKEN_ZIP as exc:
        raise ExtractError("corrupt", f"not a readable zip archive: {exc}") from None


def check_archive(data: bytes, limits: Limits) -> list[zipfile.ZipInfo]:
    """The archive's file members, or ExtractError("zip-bomb"/"encrypted"/"corrupt")."""
    with _open(data) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > limits.max_members:
        raise ExtractError("zip-bomb", f"{len(members)} members, more than the limit of "
                                       f"{limits.max_members}")
    declared = sum(m.file_size for m in members)
    if declared > limits.max_archive_bytes:
        raise ExtractError("zip-bomb", f"expands to {declared} bytes, more than the limit "
                                       f"of {limits.max_archive_bytes}")
    for m in members:
        if m.flag_bits & 0x1:
            raise ExtractError("encrypted", f"member {m.filename} is password-protected")
        if m.file_size > limits.max_ratio * max(m.compress_size, 1) and m.file_size > 1024:
            raise ExtractError("zip-bomb", f"member {m.filename} expands "
                                           f"{m.file_size // max(m.compress_size, 1)}-fold, "
                                           f"more than the limit of {limits.max_ratio}")
    return members


def parts(data: bytes, source: str, limits: Limits) -> list[Part]:
    """Every member's bytes, read with a hard cap on the total."""
    members = check_archive(data, limits)
    budget = limits.max_archive_bytes
    out: list[Part] = []
    with _open(data) as archive:
        for m in members:
            if m.filename.startswith("__MACOSX/") or m.filename.rsplit("/", 1)[-1][:1] == ".":
                continue
            try:
                with archive.open(m) as stream:
                    body = stream.read(min(budget, limits.max_file_bytes) + 1)
            except BROKEN_ZIP as exc:
                raise ExtractError("corrupt", f"member {m.filename}: {exc}") from None
            if len(body) > min(budget, limits.max_file_bytes):
                raise ExtractError("zip-bomb", f"member {m.filename} expands beyond the "
                                               "limits (its declared size is false)")
            budget -= len(body)
            out.append(Part(m.filename, body))
    return out
