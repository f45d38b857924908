"""What ``arbots match`` takes from the run store when not told otherwise.

The nightly run matches with what the store knows: the payer aliases and
reference patterns learned from reviews (the memory file beside the store) and
the remittances applied by earlier runs. ``arbots match`` on files uses the same
two by default, so that the same open items, customers and advices give the
same proposals on files as in the nightly run (issue 11, item 6). ``--memory``
and ``--already-applied`` replace them; a store that does not exist yet gives
neither (nothing learned, nothing applied) and is not created.
"""

from __future__ import annotations

from bots.cashapp import Memory
from bots.config import Config
from bots.store import Store


def learned_memory(cfg: Config) -> Memory | None:
    """The nightly run's memory of learned aliases and patterns, if it exists."""
    path = cfg.cashapp_memory_path
    return Memory(path) if path.exists() else None


def applied_remittances(cfg: Config) -> set[str]:
    """The ids of the remittances the store says were applied (none without a store)."""
    if not cfg.has_store():
        return set()
    with Store(cfg.store_target()) as store:
        return {row["id"] for row in store.remittances("applied")}
