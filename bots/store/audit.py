"""The audit log: one line per transition of an external write, and per lease event."""

from __future__ import annotations

import json
from typing import Any

from bots.store.connection import StoreConnection
from bots.store.database import Row


class AuditLog(StoreConnection):
    """Appending to and reading the audit log (part of :class:`bots.store.Store`)."""

    def audit(self, run_id: str | None, kind: str, key: str, event: str,
              detail: dict[str, Any] | None = None) -> None:
        """Append one line to the audit log."""
        self.db.execute(
            "INSERT INTO audit (at, run_id, kind, key, event, detail) VALUES (?,?,?,?,?,?)",
            (self._now(), run_id, kind, key, event, json.dumps(detail or {}, default=str)))

    def audit_log(self, run_id: str | None = None) -> list[Row]:
        """The audit lines, of one run or all, oldest first."""
        if run_id is None:
            return list(self.db.execute("SELECT * FROM audit ORDER BY id"))
        return list(self.db.execute("SELECT * FROM audit WHERE run_id = ? ORDER BY id",
                                    (run_id,)))
