"""Which mailboxes the bots watch: the ``[mailboxes]`` section of the configuration.

Each named table is one mailbox; ``kind`` picks the backend, which validates
its own keys (errors name the file and the key, unknown keys are refused)::

    [mailboxes.remittances]
    kind = "imap"                      # folder | imap | ews | graph
    host = "imap.example.com"
    user = "remit@example.com"
    password = { env = "ARBOTS_IMAP_PASSWORD" }

With no ``[mailboxes]`` section the bots read the demo folder mailbox at
``var/sandbox/mailbox`` (relative to ARBOTS_HOME). Building a mailbox never
connects; ``with box:`` or ``box.connect()`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bots.config import Config, ConfigError, _Section
from bots.email import ews, folder, graph, imap  # noqa: F401 - importing registers them
from bots.email.base import Mailbox, backend, kinds

DEFAULT_MAILBOXES: dict[str, dict[str, Any]] = {
    "sandbox": {"kind": "folder", "path": folder.DEFAULT_PATH},
}


def mailbox_settings(config: Config) -> dict[str, dict[str, Any]]:
    """The configured mailbox tables by name (the sandbox folder when none)."""
    section = config.raw.get("mailboxes") or {}
    if not isinstance(section, dict):
        raise ConfigError(f"{config.source}: mailboxes: expected a table of named mailboxes")
    return dict(section) if section else dict(DEFAULT_MAILBOXES)


def open_mailbox(name: str, settings: Mapping[str, Any], home: Path, *,
                 source: str = "config") -> Mailbox:
    """Validate one mailbox table and build its backend (without connecting)."""
    section = _Section(source, f"mailboxes.{name}", settings)
    kind = section.text("kind", choices=kinds())
    cls = backend(kind)
    if not cls.is_available():
        raise ConfigError(f"{source}: mailboxes.{name}.kind: {kind!r} needs a package that "
                          f"is not installed here (see bots/email/{kind}.py)")
    return cls.from_settings(name, section, home)


def configured_mailboxes(config: Config) -> list[Mailbox]:
    """Every configured mailbox, built and validated (none connected yet)."""
    return [open_mailbox(name, settings, config.home, source=config.source)
            for name, settings in mailbox_settings(config).items()]
