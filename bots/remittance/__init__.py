"""Remittance intake: any file a payer sends in, out come :class:`~bots.domain.Remittance`.

One front door, :func:`extract`, for a file, a folder (recursed) or bytes::

    from bots.remittance import extract

    result = extract("inbox/")
    for remittance in result.remittances:
        ...                      # one payment and the invoices it pays
    for failure in result.failures:
        print(failure)           # "inbox/x.pdf: the PDF is password-protected (encrypted)"

The format is found from the content (:mod:`bots.remittance.sniff`), not the
file name; each format has its reader (:mod:`bots.remittance.registry`). An
e-mail or a zip is a container: its body is read and every attachment or
member is extracted in turn, named ``path#attachment``.

Every remittance gets a stable id: the same bytes always give the same ids.
A file that cannot be read gives one :class:`Failure` (source, code, reason)
and the others still go through; nothing raises out of :func:`extract` for bad
input: a reader's bug is a failure too (``internal``), and an amount the
interchange cannot carry (``1e309``, 30 digits, more decimals than the
currency has) fails its document as ``out-of-range`` (``amount out of range``).
Inside a container, parts that are simply not remittances (a logo, a
signature file) are listed in ``ignored``, not in ``failures``.

Two kinds of input are recognised and set apart rather than read as payments:

* a bank booking that returns or reverses an earlier incoming payment (camt
  DBIT with ``RvslInd`` or a SEPA return reason, MT940 ``RC``) is a
  ``Remittance`` with ``kind == "return"``, listed in ``returns``, never in
  ``remittances`` (:data:`RETURN_REASON` says why, for people);
* an e-invoice (Factur-X/ZUGFeRD PDF, XRechnung, UBL) is a failure with code
  ``e-invoice`` and a reason starting ``e-invoice, not a remittance``
  (:mod:`bots.remittance.einvoice`), also when it is the only part of an e-mail.

Limits (:mod:`bots.remittance.limits`): file size, archive expansion, nesting.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import InvalidOperation
from pathlib import Path

from bots.domain import Remittance
from bots.remittance.errors import CODES, EINVOICE_REASON, ExtractError
from bots.remittance.limits import DEFAULT_LIMITS, Limits
from bots.remittance.records import finish
from bots.remittance.registry import Part, reader_for
from bots.remittance.sniff import HEAD_BYTES, as_utf8
from bots.remittance.values import OUT_OF_RANGE, collecting_notes

log = logging.getLogger(__name__)

#: Codes that, inside a container, mean "this part is not a remittance": ignored.
_HARMLESS_IN_CONTAINER = {"not-a-remittance", "unsupported", "empty", "needs-ocr", "e-invoice"}
#: Why a return is not written as a remittance (``arbots extract`` says it on stderr).
RETURN_REASON = "return of an earlier payment, not a remittance"


@dataclass(frozen=True)
class Failure:
    """A file (or part) that gave no remittance, and why."""

    source: str
    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason} ({self.code})"


@dataclass
class ExtractResult:
    """What came out of one or more files.

    The same bytes found twice (one advice attached to two e-mails) give the
    same remittance id twice; ``arbots extract`` writes such a remittance once.
    """

    remittances: list[Remittance] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    ignored: list[Failure] = field(default_factory=list)
    returns: list[Remittance] = field(default_factory=list)

    def add(self, other: ExtractResult) -> None:
        """Append ``other``'s results to this one."""
        self.remittances.extend(other.remittances)
        self.failures.extend(other.failures)
        self.ignored.extend(other.ignored)
        self.returns.extend(other.returns)


def extract(path_or_bytes: str | os.PathLike[str] | bytes, source: str | None = None, *,
            limits: Limits = DEFAULT_LIMITS) -> ExtractResult:
    """Remittances and failures from a file, a folder (recursive) or raw bytes.

    ``source`` names bytes in messages and output (default ``"<bytes>"``); for
    a file it overrides the path as the name; for a folder it is not used.
    """
    if isinstance(path_or_bytes, bytes | bytearray):
        return extract_bytes(bytes(path_or_bytes), source or "<bytes>", limits=limits)
    root = Path(path_or_bytes)
    if not root.is_dir():
        return extract_file(root, source, limits=limits)
    result = ExtractResult()
    for path in input_files([root]):
        result.add(extract_file(path, limits=limits))
    return result


def input_files(paths: list[Path]) -> Iterator[Path]:
    """The files under ``paths``: files as given, folders recursed in name order.

    Hidden files and folders (``.name``) inside folders are skipped; a missing
    path is yielded as is, so that :func:`extract_file` reports it.
    """
    for path in paths:
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path).parts
                if sub.is_file() and not any(p.startswith(".") for p in rel):
                    yield sub
        else:
            yield path


def extract_file(path: Path, source: str | None = None, *,
                 limits: Limits = DEFAULT_LIMITS) -> ExtractResult:
    """Remittances from one regular file (size-checked before and while it is read)."""
    name = source or str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or /dev/zero would never end
            return _failed(name, "unreadable", "not a regular file")
        if info.st_size > limits.max_file_bytes:
            return _failed(name, "too-large", f"{info.st_size} bytes, more than the limit "
                                              f"of {limits.max_file_bytes}")
        with path.open("rb") as fh:  # at most one byte past the limit, should it grow
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        return _failed(name, "unreadable", f"cannot read the file: {exc.strerror or exc}")
    return extract_bytes(data, name, limits=limits)


def extract_bytes(data: bytes, source: str, *, limits: Limits = DEFAULT_LIMITS,
                  depth: int = 0) -> ExtractResult:
    """Remittances from the bytes of one file; ``depth`` counts enclosing containers."""
    if len(data) > limits.max_file_bytes:
        return _failed(source, "too-large", f"{len(data)} bytes, more than the limit of "
                                            f"{limits.max_file_bytes}")
    data = as_utf8(data)  # UTF-16 text (Excel's "Unicode text") read as UTF-8
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        return _failed(source, "empty", "the file is empty")
    name = source.rsplit("#", 1)[-1]
    try:
        reader = reader_for(data[:HEAD_BYTES], name)
    except Exception as exc:  # a sniffing bug must not stop the run either
        log.debug("sniffing failed on %s", source, exc_info=True)
        return _failed(source, "internal", f"sniffing failed: {type(exc).__name__}: {exc}")
    if reader is None:
        return _failed(source, "not-a-remittance", "unrecognised content (not PDF, e-mail, "
                       "CSV/XLSX, X12 820, BAI2, camt, MT940 or text)")
    if not reader.is_available():
        return _failed(source, "unsupported", f"the {reader.NAME} reader is not installed")
    result = ExtractResult()
    try:
        with collecting_notes() as notes:
            own = reader.read(data, source)
        finished = [finish(r, data, i, notes) for i, r in enumerate(own)]
        parts = reader.parts(data, source, limits) if hasattr(reader, "parts") else []
    except ExtractError as exc:
        return _failed(source, exc.code, exc.reason)
    except InvalidOperation:  # decimal arithmetic past its context: an amount out of range
        log.debug("reader %s overflowed on %s", reader.NAME, source, exc_info=True)
        return _failed(source, "out-of-range", f"{OUT_OF_RANGE} (decimal overflow in the "
                                               f"{reader.NAME} reader)")
    except Exception as exc:  # a reader bug must not stop the run
        log.debug("reader %s failed on %s", reader.NAME, source, exc_info=True)
        return _failed(source, "internal", f"the {reader.NAME} reader failed: "
                                           f"{type(exc).__name__}: {exc}")
    for r in finished:
        (result.returns if r.kind == "return" else result.remittances).append(r)
    for part in parts:
        result.add(_extract_part(part, source, limits, depth + 1))
    if not result.remittances and not result.failures and not result.returns:
        einvoices = [f.source.rsplit("#", 1)[-1] for f in result.ignored if f.code == "e-invoice"]
        if einvoices:
            return _failed(source, "e-invoice", f"{EINVOICE_REASON}: {', '.join(einvoices)}",
                           ignored=result.ignored)
        why = f"the {reader.NAME} content holds no payment advice"
        if result.ignored:
            named = "; ".join(f"{f.source.rsplit('#', 1)[-1]}: {f.reason}"
                              for f in result.ignored[:3])
            more = ", ..." if len(result.ignored) > 3 else ""
            why += f" (nor do its {len(result.ignored)} parts: {named}{more})"
        return _failed(source, "not-a-remittance", why, ignored=result.ignored)
    return result


def _extract_part(part: Part, parent: str, limits: Limits, depth: int) -> ExtractResult:
    source = f"{parent}#{part.name}"
    if depth > limits.max_depth:
        return _failed(source, "zip-bomb", f"nested more than {limits.max_depth} containers "
                                           "deep")
    child = extract_bytes(part.data, source, limits=limits, depth=depth)
    harmless = [f for f in child.failures if f.code in _HARMLESS_IN_CONTAINER]
    child.failures = [f for f in child.failures if f.code not in _HARMLESS_IN_CONTAINER]
    child.ignored.extend(harmless)
    for remittance in child.remittances:
        if not remittance.payer_name and part.payer_hint:
            remittance.payer_name = part.payer_hint
    return child


def _failed(source: str, code: str, reason: str,
            ignored: list[Failure] | None = None) -> ExtractResult:
    assert code in CODES, code
    return ExtractResult(failures=[Failure(source, code, reason)], ignored=ignored or [])


__all__ = ["DEFAULT_LIMITS", "RETURN_REASON", "ExtractError", "ExtractResult", "Failure",
           "Limits", "extract", "extract_bytes", "extract_file", "input_files"]
