"""The mailbox contract every backend fulfils, and the registry of backends.

A *mailbox* is where remittance e-mails arrive. The bots only ever do four
things with it, whatever the server::

    with open_mailbox("remittances", settings, home) as box:   # bots.email.settings
        for ref in box.list_new():          # what is waiting, oldest first
            raw = box.fetch(ref)            # the RFC 822 bytes, unparsed
            ...                             # record, parse, match (other rooms)
            box.move(ref, "processed")      # or "exceptions"

Contract (invoice2data ``__interface__`` style), for a backend class:

- ``kind``: the name used in configuration (``kind = "imap"``).
- ``is_available() -> bool``: whether its optional dependency imports here.
- ``from_settings(name, section, home) -> Mailbox``: builds it from one
  validated configuration table (:class:`bots.config._Section`), without
  connecting.
- ``connect()``: connects and authenticates (``__enter__`` calls it).
- ``list_new() -> list[MessageRef]``: messages still in the watched folder;
  moved messages are not listed again.
- ``fetch(ref) -> bytes``: the raw message, byte for byte.
- ``move(ref, to) -> str | None``: moves it to the ``processed`` or
  ``exceptions`` folder (created when missing); returns the message's id in
  its new folder when the server says it.
- ``close()``: idempotent; ``__exit__`` calls it.

Errors are :class:`MailboxError` and its subclasses. :class:`MailboxAuthError`
(credentials refused) is never retried; :class:`TransientError` (timeouts,
resets, 5xx, 429) is retried by :func:`bots.email.retry.retried` (the one
policy of :mod:`bots.retry`).
No error message, log line or ``repr`` carries a password or token.

Limits: this room moves bytes, it does not parse them. The subject, sender and
date of a :class:`MessageRef` are filled when the server gives them cheaply
and are ``None`` otherwise (also for a malformed header).
"""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, Literal

if TYPE_CHECKING:
    from bots.config import Secret, _Section

Destination = Literal["processed", "exceptions"]
DESTINATIONS: tuple[Destination, ...] = ("processed", "exceptions")


class MailboxError(Exception):
    """A mailbox operation failed; the message names the mailbox and the reason."""


class MailboxAuthError(MailboxError):
    """The server refused the credentials. Never retried."""


class TransientError(MailboxError):
    """A technical failure worth retrying (timeout, reset, 5xx, 429)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class MessageRef:
    """One message waiting in a mailbox.

    ``id`` is stable for the message's life in that mailbox and fit as an
    idempotency key: the file name (folder), ``UIDVALIDITY.UID`` (IMAP), the
    ItemId (EWS), the ImmutableId (Graph).
    """

    mailbox: str
    id: str
    subject: str | None = None
    sender: str | None = None
    date: datetime | None = None


class Mailbox(ABC):
    """Base class of the backends: the context manager and the contract."""

    kind: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()  # optional modules the backend imports

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def is_available(cls) -> bool:
        """Whether the backend's optional dependencies import on this machine."""
        return all(importlib.util.find_spec(module) is not None for module in cls.requires)

    @classmethod
    @abstractmethod
    def from_settings(cls, name: str, section: _Section, home: Path) -> Mailbox:
        """Build the mailbox from its configuration table (does not connect)."""

    @abstractmethod
    def connect(self) -> None:
        """Connect and authenticate; MailboxAuthError when refused."""

    @abstractmethod
    def list_new(self) -> list[MessageRef]:
        """The messages waiting in the watched folder, oldest first."""

    @abstractmethod
    def fetch(self, ref: MessageRef) -> bytes:
        """The raw RFC 822 bytes of ``ref``."""

    @abstractmethod
    def move(self, ref: MessageRef, to: Destination) -> str | None:
        """Move ``ref`` to the processed or exceptions folder."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection (safe to call twice)."""

    def __enter__(self) -> Mailbox:
        self.connect()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    def _check_destination(self, to: str) -> Destination:
        if to not in DESTINATIONS:
            raise ValueError(f"mailbox {self.name}: move to {to!r}: expected one of "
                             f"{', '.join(DESTINATIONS)}")
        return to  # type: ignore[return-value]


# --------------------------------------------------------------------------- registry

_BACKENDS: dict[str, type[Mailbox]] = {}


def register(cls: type[Mailbox]) -> type[Mailbox]:
    """Class decorator: make a backend known under its ``kind``."""
    _BACKENDS[cls.kind] = cls
    return cls


def backend(kind: str) -> type[Mailbox]:
    """The backend class registered for ``kind`` (KeyError when unknown)."""
    return _BACKENDS[kind]


def kinds() -> tuple[str, ...]:
    """The registered kinds, in registration order."""
    return tuple(_BACKENDS)


# --------------------------------------------------------------------------- helpers


def summarize_headers(raw: bytes, mailbox: str, id: str) -> MessageRef:
    """A MessageRef with subject, sender and date read from raw header bytes.

    RFC 2047 encoded-words and raw UTF-8 (RFC 6532) are decoded; the sender is
    shown as written (no address parsing). Never raises: a header that does not
    decode leaves its field ``None``.
    """
    ends = [at for at in (raw.find(b"\n\n"), raw.find(b"\r\n\r\n")) if at >= 0]
    raw = raw[:min(ends, default=len(raw))]  # the header block only: parsing the body costs
    try:
        headers = {name.lower(): value for name, value in  # the first of repeated headers wins
                   reversed(list(BytesHeaderParser().parsebytes(raw).raw_items()))}
    except Exception:  # bad bytes are the parser room's business, not a reason to stop
        return MessageRef(mailbox, id)
    return MessageRef(mailbox, id, subject=_decoded(headers.get("subject")),
                      sender=_decoded(headers.get("from")), date=_date(headers.get("date")))


def required_secret(section: _Section, key: str) -> Secret:
    """``section.secret(key)`` for a key without default (never None)."""
    secret = section.secret(key)
    assert secret is not None  # _Section.secret raises "is required" instead
    return secret


def _decoded(value: str | None) -> str | None:
    """A raw header value as one line of text (encoded-words, raw UTF-8 decoded)."""
    if value is None:
        return None
    if any("\udc80" <= ch <= "\udcff" for ch in value):  # 8-bit bytes the parser escaped
        raw = value.encode("ascii", "surrogateescape")
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            value = raw.decode("latin-1")
    try:
        value = str(make_header(decode_header(value)))
    except Exception:  # a malformed encoded-word: keep the text as it came
        pass
    return " ".join(value.split()) or None


def _date(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
