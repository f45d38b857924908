"""The whole embedded world at once: what ``arbots demo`` and ``sandbox reset --world`` reset.

:func:`reset_world` gives a fresh world: new SAP sandbox data dated today, an
empty run store, outbox and reference portals (with their saved sessions), and
a demo mailbox seeded with remittance e-mails that pay the new open items
(:mod:`bots.sandbox.mailbox`). Nothing is run. The world is seeded: the same
size, seed and day give the same SAP data and the same mails, so a trial
(the crash bench, a support case) can be repeated exactly.

Three sizes (:data:`SIZES`): ``demo`` (70 customers, 3,200 items, 23 mails: what
``arbots demo`` shows), ``small`` (10 customers, 100 items, 8 mails, 4
invoices for the reference portals with the embedded configuration's
customer mapping: a nightly run in a few seconds, for the crash and
concurrency trials) and ``bigday`` (a big company's night, for ``python -m
bench bigday``: 6,000 customers, 100,000 open items, 3,003 mails of which
3,000 pay, and 300 invoices dated today for the customers the configuration
maps to portal sites). :meth:`WorldSize.scaled` gives a size at a fraction of
another (a quick trial of the big day). ``arbots demo`` keeps the runs
folder; ``sandbox reset --world`` empties it too (``keep_runs=False``).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from bots.config import Config, ConfigError
from bots.email.folder import DEFAULT_PATH
from bots.portals.settings import portals_config
from bots.sandbox.mailbox import (
    BIGDAY_COUNTS,
    DEMO_COUNTS,
    SMALL_COUNTS,
    SeededMessage,
    scaled_counts,
    seed_demo_mailbox,
)
from bots.sandbox.sap import generate


@dataclass(frozen=True)
class WorldSize:
    """How big a generated world is, and the seed that makes it what it is."""

    customers: int
    items: int
    seed: int
    mails: Mapping[str, int]  # advices per paying scenario of the demo mailbox
    portal_invoices: int = 0  # invoices dated today for the configured portal customers

    def scaled(self, fraction: float) -> WorldSize:
        """This size with customers, items, advices and portal invoices times ``fraction``."""
        if not 0 < fraction <= 1:
            raise ValueError(f"a world is scaled by a fraction in (0, 1], got {fraction}")
        return replace(self, customers=max(10, round(self.customers * fraction)),
                       items=max(100, round(self.items * fraction)),
                       mails=scaled_counts(self.mails, fraction),
                       portal_invoices=round(self.portal_invoices * fraction))


SIZES: dict[str, WorldSize] = {
    "demo": WorldSize(customers=70, items=3200, seed=7, mails=DEMO_COUNTS),
    # seed 8: the embedded portal customers get 4 new invoices (one at least per portal)
    "small": WorldSize(customers=10, items=100, seed=8, mails=SMALL_COUNTS),
    # 6,600 accounts (the middle customers in both company codes), 15 items each: over
    # 5,000 of them past due
    "bigday": WorldSize(customers=6000, items=100_000, seed=9, mails=BIGDAY_COUNTS,
                        portal_invoices=300),
}


def demo_mailbox_path(cfg: Config) -> Path:
    """The folder of the demo mailbox (``[mailboxes.sandbox] path`` or the default)."""
    settings = (cfg.raw.get("mailboxes") or {}).get("sandbox", {})
    raw = Path(settings.get("path", DEFAULT_PATH))
    return raw if raw.is_absolute() else cfg.home / raw


def reset_world(cfg: Config, today: date | None = None, *, size: str | WorldSize = "demo",
                seed: int | None = None, keep_runs: bool = True) -> list[SeededMessage]:
    """Reset SAP sandbox, store, outbox, portals and demo mailbox; the seeded messages.

    ``size`` is a name of :data:`SIZES` or a :class:`WorldSize`; ``seed``
    replaces the size's own seed (SAP data and mails); ``keep_runs`` False also
    empties the runs folder.
    """
    if not cfg.is_sandbox:
        raise ConfigError(f"{cfg.source}: sap.mode: is {cfg.sap.mode!r}; only a sandbox "
                          "world can be reset")
    if isinstance(size, str) and size not in SIZES:
        raise ValueError(f"unknown world size {size!r}; known: {', '.join(SIZES)}")
    from bots.sap import connect

    shape = SIZES[size] if isinstance(size, str) else size
    seed = shape.seed if seed is None else seed
    today = today or date.today()
    for suffix in ("", "-wal", "-shm"):
        cfg.store_path.with_name(cfg.store_path.name + suffix).unlink(missing_ok=True)
    shutil.rmtree(cfg.collections.outbox, ignore_errors=True)
    if not keep_runs:
        shutil.rmtree(cfg.runs_dir, ignore_errors=True)
    portals = portals_config(cfg)
    for folder in (portals.sandbox_dir, portals.state_dir):
        shutil.rmtree(folder, ignore_errors=True)
    if shape.portal_invoices and not portals.customers:
        raise ConfigError(f"{cfg.source}: portals.customers: none configured, so the "
                          f"{shape.portal_invoices} portal invoices of this world have no "
                          "customer")
    generate(cfg.sap.sandbox_db, customers=shape.customers, items=shape.items, seed=seed,
             today=today, new_invoices=shape.portal_invoices, invoiced=sorted(portals.customers))
    with connect(cfg.sap) as sap:
        customers = {(c.company_code, c.number): c for c in sap.customers(cfg.sap.company_codes)}
        items = list(sap.iter_open_items(cfg.sap.company_codes, today))
    mailbox = demo_mailbox_path(cfg)
    shutil.rmtree(mailbox, ignore_errors=True)
    return seed_demo_mailbox(mailbox, items, customers, today, seed=seed, counts=shape.mails)
