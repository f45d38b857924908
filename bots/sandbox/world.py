"""The whole embedded world at once: what ``arbots demo`` resets.

:func:`reset_world` gives a fresh demo: new SAP sandbox data dated today, an
empty run store, outbox and reference portals (with their saved sessions), and
a demo mailbox seeded with remittance e-mails
that pay the new open items (:mod:`bots.sandbox.mailbox`). Runs already in the
runs folder are kept.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from bots.config import Config, ConfigError
from bots.email.folder import DEFAULT_PATH
from bots.portals.settings import portals_config
from bots.sandbox.mailbox import SeededMessage, seed_demo_mailbox
from bots.sandbox.sap import reset_sandbox


def demo_mailbox_path(cfg: Config) -> Path:
    """The folder of the demo mailbox (``[mailboxes.sandbox] path`` or the default)."""
    settings = (cfg.raw.get("mailboxes") or {}).get("sandbox", {})
    raw = Path(settings.get("path", DEFAULT_PATH))
    return raw if raw.is_absolute() else cfg.home / raw


def reset_world(cfg: Config, today: date | None = None) -> list[SeededMessage]:
    """Reset SAP sandbox, store, outbox, portals and demo mailbox; the seeded messages."""
    if not cfg.is_sandbox:
        raise ConfigError(f"{cfg.source}: sap.mode: is {cfg.sap.mode!r}; only a sandbox "
                          "world can be reset")
    from bots.sap import connect

    today = today or date.today()
    for suffix in ("", "-wal", "-shm"):
        cfg.store_path.with_name(cfg.store_path.name + suffix).unlink(missing_ok=True)
    shutil.rmtree(cfg.collections.outbox, ignore_errors=True)
    portals = portals_config(cfg)
    for folder in (portals.sandbox_dir, portals.state_dir):
        shutil.rmtree(folder, ignore_errors=True)
    reset_sandbox(cfg.sap.sandbox_db)
    with connect(cfg.sap) as sap:
        customers = {(c.company_code, c.number): c for c in sap.customers(cfg.sap.company_codes)}
        items = list(sap.iter_open_items(cfg.sap.company_codes, today))
    mailbox = demo_mailbox_path(cfg)
    shutil.rmtree(mailbox, ignore_errors=True)
    return seed_demo_mailbox(mailbox, items, customers, today)
