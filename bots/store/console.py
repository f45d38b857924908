"""What the web console keeps: users, API tokens, sign-in attempts, the runs it started,
and the review decisions people took in it.

Passwords and tokens arrive here already hashed (:mod:`bots.console.auth` hashes
them); the store keeps no secret in clear. A review decision is taken on one
version of a waiting remittance: :meth:`ConsoleTables.decide` refuses it with
:class:`StaleDecision` when the remittance changed since (another person
decided, a run posted it), and changes nothing then.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bots.store.audit import AuditLog
from bots.store.database import Row

ROLES = ("ar_staff", "supervisor", "admin")
# sign-ins and password resets of the same second must still come in order
INSTANT = "microseconds"
DECISIONS = ("approve", "reject", "reassign")


class StaleDecision(RuntimeError):
    """The remittance is no longer at the version the decision was taken on."""


class ConsoleTables(AuditLog):
    """Users, tokens, sign-ins, launches and review decisions (part of ``Store``)."""

    # ------------------------------------------------------------------ users and tokens

    def set_user(self, name: str, role: str, password_hash: str) -> None:
        """Add the user ``name`` or give an existing one a new role and password."""
        if role not in ROLES:
            raise ValueError(f"role {role!r}: expected one of {', '.join(ROLES)}")
        self.db.execute(
            "INSERT INTO console_users (name, role, password_hash, created, password_set)"
            " VALUES (?,?,?,?,?) ON CONFLICT(name) DO UPDATE SET role = excluded.role,"
            " password_hash = excluded.password_hash, password_set = excluded.password_set",
            (name, role, password_hash, self._now(), self._now(timespec=INSTANT)))
        self.audit(None, "console_user", name, "set", {"role": role})

    def console_user(self, name: str) -> Row | None:
        """The user ``name`` (name, role, password_hash), or None."""
        row: Row | None = self.db.execute(
            "SELECT * FROM console_users WHERE name = ?", (name,)).fetchone()
        return row

    def console_users(self) -> list[Row]:
        """Every user, by name (without the password hash)."""
        return list(self.db.execute("SELECT name, role, created FROM console_users ORDER BY name"))

    def add_token(self, user: str, token_hash: str) -> None:
        """Keep the hash of a new API token of ``user``."""
        self.db.execute("INSERT INTO console_tokens (token_hash, \"user\", created)"
                        " VALUES (?,?,?)", (token_hash, user, self._now()))
        self.audit(None, "console_token", user, "issued")

    def token_user(self, token_hash: str) -> Row | None:
        """The user whose token hashes to ``token_hash``, or None."""
        row: Row | None = self.db.execute(
            "SELECT u.* FROM console_tokens t JOIN console_users u ON u.name = t.\"user\""
            " WHERE t.token_hash = ?", (token_hash,)).fetchone()
        return row

    def record_sign_in(self, user: str, ok: bool) -> None:
        """Keep one sign-in attempt (for throttling and the audit)."""
        self.db.execute("INSERT INTO console_sign_ins (\"user\", at, ok) VALUES (?,?,?)",
                        (user, self._now(timespec=INSTANT), int(ok)))

    def failed_sign_ins(self, user: str, since: datetime) -> int:
        """Failed sign-ins of ``user`` since ``since``, after the last good one and after
        the user's password was last set (a password reset ends the streak)."""
        row = self.db.execute(
            "SELECT count(*) FROM console_sign_ins WHERE \"user\" = ? AND ok = 0"
            " AND at >= ? AND at > coalesce((SELECT max(at) FROM console_sign_ins"
            " WHERE \"user\" = ? AND ok = 1), '') AND at > coalesce((SELECT password_set"
            " FROM console_users WHERE name = ?), '')",
            (user, self._now(since, INSTANT), user, user)).fetchone()
        return int(row[0])

    # ------------------------------------------------------------------ launches

    def record_launch(self, run_id: str, bot: str, dry_run: bool, person: str,
                      pid: int | None) -> None:
        """Keep a run the console started (the run's own row appears once it starts)."""
        self.db.execute(
            "INSERT INTO console_launches (run_id, bot, dry_run, person, pid, started)"
            " VALUES (?,?,?,?,?,?)", (run_id, bot, int(dry_run), person, pid, self._now()))
        self.audit(run_id, "console_run", run_id, "started",
                   {"by": person, "bot": bot, "dry_run": dry_run})

    def finish_launch(self, run_id: str, exit_code: int, message: str) -> None:
        """Keep how the process of a started run ended (exit code, last line of stderr)."""
        self.db.execute("UPDATE console_launches SET exit_code = ?, message = ? WHERE run_id = ?",
                        (exit_code, message, run_id))

    def launch(self, run_id: str) -> Row | None:
        """The launch of ``run_id``, or None (a run started elsewhere)."""
        row: Row | None = self.db.execute(
            "SELECT * FROM console_launches WHERE run_id = ?", (run_id,)).fetchone()
        return row

    def launches(self, limit: int = 200) -> list[Row]:
        """The newest launches first."""
        return list(self.db.execute(
            "SELECT * FROM console_launches ORDER BY started DESC, rowid DESC LIMIT ?", (limit,)))

    # ------------------------------------------------------------------ review decisions

    def decide(self, remittance_id: str, version: int, decision: str, person: str,
               target: dict[str, Any] | None = None) -> int:
        """Record ``person``'s decision on ``remittance_id`` at ``version``; its id.

        Queued until :meth:`settle_decision`. Raises :class:`StaleDecision`
        (nothing changed) when the remittance is not waiting for review at
        that version; a decision raises the version itself.
        """
        if decision not in DECISIONS:
            raise ValueError(f"decision {decision!r}: expected one of {', '.join(DECISIONS)}")
        with self.db.transaction():
            moved = self.db.execute(
                "UPDATE remittances SET version = version + 1 WHERE id = ? AND version = ?"
                " AND status = 'review' AND NOT EXISTS (SELECT 1 FROM review_decisions"
                " WHERE remittance_id = ? AND status = 'queued')",
                (remittance_id, version, remittance_id)).rowcount
            if not moved:
                raise StaleDecision(f"payment {remittance_id} changed since version {version} "
                                    "(decided by someone else, or posted): nothing was changed")
            decision_id = self.db.execute(
                "INSERT INTO review_decisions (remittance_id, version, decision, target, person,"
                " at, status) VALUES (?,?,?,?,?,?,'queued') RETURNING id",
                (remittance_id, version, decision, json.dumps(target or {}), person,
                 self._now())).fetchall()[0][0]
            self.audit(None, "review_decision", remittance_id, decision,
                       {"by": person, "version": version, "target": target or {}})
        return int(decision_id)

    def latest_proposals(self, remittance_id: str) -> list[dict[str, str]]:
        """The engine's rows (PROPOSALS.csv columns) for ``remittance_id`` from the last run
        that proposed for it, in the engine's order."""
        return [json.loads(r["row"]) for r in self.db.execute(
            "SELECT \"row\" FROM cash_lines WHERE remittance_id = ? AND source = 'engine' AND"
            " run_id = (SELECT run_id FROM cash_lines WHERE remittance_id = ? AND"
            " source = 'engine' ORDER BY rowid DESC LIMIT 1) ORDER BY seq",
            (remittance_id, remittance_id))]

    def latest_snapshot_run(self) -> str | None:
        """The newest run that kept an open-item snapshot, or None."""
        row = self.db.execute(
            "SELECT id FROM runs r WHERE EXISTS (SELECT 1 FROM snapshot_items s WHERE"
            " s.run_id = r.id) ORDER BY started DESC, rowid DESC LIMIT 1").fetchone()
        return str(row["id"]) if row else None

    def queued_decisions(self) -> list[Row]:
        """Decisions not yet carried out, oldest first."""
        return list(self.db.execute(
            "SELECT * FROM review_decisions WHERE status = 'queued' ORDER BY id"))

    def decisions_of(self, remittance_id: str) -> list[Row]:
        """Every decision taken on ``remittance_id``, oldest first."""
        return list(self.db.execute(
            "SELECT * FROM review_decisions WHERE remittance_id = ? ORDER BY id",
            (remittance_id,)))

    def settle_decision(self, decision_id: int, status: str, message: str = "") -> None:
        """Say what became of a queued decision: ``done`` or ``failed`` (with why)."""
        self.db.execute("UPDATE review_decisions SET status = ?, message = ? WHERE id = ?",
                        (status, message or None, decision_id))
