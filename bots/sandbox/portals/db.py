"""The persistent state of one reference portal: one SQLite file.

Users (password hash, TOTP secret, last TOTP step used), sessions, known
devices (browsers that passed MFA), purchase orders with their lines, and the
invoices suppliers submitted. Amounts are integer minor units; quantities are
decimal strings. One connection guarded by a lock: the portal's server threads
take turns, which is plenty for a test portal.

Limits: sandbox-grade security (SHA-256 password hashes, no lockout).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bots.domain import from_minor, to_minor

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, password_sha256 TEXT NOT NULL,
    totp_secret TEXT, last_totp_step INTEGER NOT NULL DEFAULT -1);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, user TEXT NOT NULL,
    created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS devices (token TEXT PRIMARY KEY, user TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS purchase_orders (number TEXT PRIMARY KEY, customer TEXT NOT NULL,
    currency TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS po_lines (po TEXT NOT NULL, line INTEGER NOT NULL,
    description TEXT NOT NULL, quantity TEXT NOT NULL, unit_price_minor INTEGER NOT NULL,
    unit TEXT NOT NULL DEFAULT '', PRIMARY KEY (po, line));
CREATE TABLE IF NOT EXISTS invoices (id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL, confirmation TEXT NOT NULL DEFAULT '', po TEXT NOT NULL,
    currency TEXT NOT NULL, invoice_date TEXT NOT NULL, total_minor INTEGER NOT NULL,
    status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', decide_at REAL NOT NULL DEFAULT 0,
    pending_reason TEXT NOT NULL DEFAULT '', attachment TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS invoice_lines (invoice_id INTEGER NOT NULL, line INTEGER NOT NULL,
    quantity TEXT NOT NULL, amount_minor INTEGER NOT NULL, tax_minor INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, line));
"""


@dataclass(frozen=True)
class PoLine:
    line: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = ""  # ISO/UN-CEFACT code; "" = each


@dataclass(frozen=True)
class PurchaseOrder:
    """A buyer's purchase order as the portal shows it to the supplier."""

    number: str
    customer: str
    currency: str
    status: str  # Open | Closed
    lines: tuple[PoLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((ln.quantity * ln.unit_price for ln in self.lines), Decimal(0))


@dataclass(frozen=True)
class InvoiceRecord:
    """An invoice as the portal stored it."""

    id: int
    number: str
    confirmation: str
    po: str
    currency: str
    total: Decimal
    status: str
    reason: str
    decide_at: float
    pending_reason: str


@dataclass(frozen=True)
class NewLine:
    """One invoice line the portal accepted, ready to store."""

    line: int
    quantity: Decimal
    amount: Decimal
    tax: Decimal


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PortalDB:
    """One portal's SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        if "unit" not in {r[1] for r in self._db.execute("PRAGMA table_info(po_lines)")}:
            self._db.execute("ALTER TABLE po_lines ADD COLUMN unit TEXT NOT NULL DEFAULT ''")
        self.issued: list[str] = []  # every session and device token handed out, in order

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _all(self, sql: str, args: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _run(self, sql: str, args: Sequence[object] = ()) -> int:
        with self._lock:
            return self._db.execute(sql, args).lastrowid or 0

    # ------------------------------------------------------------------ users and sessions

    def add_user(self, name: str, password: str, totp_secret: str | None = None) -> None:
        self._run("INSERT OR REPLACE INTO users (name, password_sha256, totp_secret) "
                  "VALUES (?, ?, ?)", (name, _sha(password), totp_secret))

    def check_password(self, name: str, password: str) -> bool:
        rows = self._all("SELECT password_sha256 FROM users WHERE name = ?", (name,))
        return bool(rows) and secrets.compare_digest(rows[0][0], _sha(password))

    def totp_secret(self, name: str) -> str | None:
        rows = self._all("SELECT totp_secret FROM users WHERE name = ?", (name,))
        return rows[0][0] if rows else None

    def use_totp_step(self, name: str, step: int) -> bool:
        """Record that the code of ``step`` was used; False if it (or a later one) was."""
        with self._lock:
            cur = self._db.execute("UPDATE users SET last_totp_step = ? WHERE name = ? AND "
                                   "last_totp_step < ?", (step, name, step))
            return cur.rowcount == 1

    def new_session(self, user: str, now: float) -> str:
        token = secrets.token_urlsafe(24)
        self._run("INSERT INTO sessions VALUES (?, ?, ?)", (token, user, now))
        self.issued.append(token)
        return token

    def session_user(self, token: str, not_before: float) -> str | None:
        rows = self._all("SELECT user FROM sessions WHERE token = ? AND created >= ?",
                         (token, not_before))
        return rows[0][0] if rows else None

    def end_sessions(self, token: str | None = None) -> None:
        """End one session, or all of them."""
        if token is None:
            self._run("DELETE FROM sessions")
        else:
            self._run("DELETE FROM sessions WHERE token = ?", (token,))

    def new_device(self, user: str) -> str:
        token = secrets.token_urlsafe(24)
        self._run("INSERT INTO devices VALUES (?, ?)", (token, user))
        self.issued.append(token)
        return token

    def known_device(self, token: str, user: str) -> bool:
        return bool(self._all("SELECT 1 FROM devices WHERE token = ? AND user = ?",
                              (token, user)))

    # ------------------------------------------------------------------ purchase orders

    def add_purchase_order(self, po: PurchaseOrder) -> None:
        """Store ``po`` unless a PO with its number exists (seeding is repeatable)."""
        with self._lock:
            self._db.execute("BEGIN")
            cur = self._db.execute("INSERT OR IGNORE INTO purchase_orders VALUES (?, ?, ?, ?)",
                                   (po.number, po.customer, po.currency, po.status))
            if cur.rowcount:
                self._db.executemany(
                    "INSERT INTO po_lines VALUES (?, ?, ?, ?, ?, ?)",
                    [(po.number, ln.line, ln.description, str(ln.quantity),
                      to_minor(ln.unit_price, po.currency), ln.unit) for ln in po.lines])
            self._db.execute("COMMIT")

    def purchase_orders(self, number: str | None = None) -> list[PurchaseOrder]:
        """All purchase orders (or the one numbered ``number``), by number."""
        where, args = ("WHERE number = ?", (number,)) if number else ("", ())
        orders = self._all(f"SELECT * FROM purchase_orders {where} ORDER BY number", args)
        currency = {o["number"]: o["currency"] for o in orders}
        lines: dict[str, list[PoLine]] = {}
        line_where = "WHERE po = ?" if number else ""
        for r in self._all(f"SELECT * FROM po_lines {line_where} ORDER BY po, line", args):
            lines.setdefault(r["po"], []).append(PoLine(
                r["line"], r["description"], Decimal(r["quantity"]),
                from_minor(r["unit_price_minor"], currency[r["po"]]), r["unit"]))
        return [PurchaseOrder(o["number"], o["customer"], o["currency"], o["status"],
                              tuple(lines.get(o["number"], ()))) for o in orders]

    def invoiced_quantities(self, po: str) -> dict[int, Decimal]:
        """Quantity already invoiced per PO line (rejected invoices do not count)."""
        rows = self._all("SELECT l.line, l.quantity FROM invoice_lines l JOIN invoices i "
                         "ON i.id = l.invoice_id WHERE i.po = ? AND i.status != 'Rejected'",
                         (po,))
        done: dict[int, Decimal] = {}
        for r in rows:
            done[r["line"]] = done.get(r["line"], Decimal(0)) + Decimal(r["quantity"])
        return done

    # ------------------------------------------------------------------ invoices

    def add_invoice(self, *, number: str, po: str, currency: str, invoice_date: str,
                    lines: Sequence[NewLine], total: Decimal, status: str, attachment: str,
                    prefix: str, decide_at: float = 0, pending_reason: str = "") -> InvoiceRecord:
        """Store an accepted invoice and give it the portal's confirmation number."""
        with self._lock:
            self._db.execute("BEGIN")
            invoice_id = self._db.execute(
                "INSERT INTO invoices (number, po, currency, invoice_date, total_minor, status,"
                " decide_at, pending_reason, attachment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (number, po, currency, invoice_date, to_minor(total, currency), status,
                 decide_at, pending_reason, attachment)).lastrowid
            self._db.execute("UPDATE invoices SET confirmation = ? WHERE id = ?",
                             (f"{prefix}{invoice_id:06d}", invoice_id))
            self._db.executemany(
                "INSERT INTO invoice_lines VALUES (?, ?, ?, ?, ?)",
                [(invoice_id, ln.line, str(ln.quantity), to_minor(ln.amount, currency),
                  to_minor(ln.tax, currency)) for ln in lines])
            self._db.execute("COMMIT")
        return self.invoices(invoice_id=invoice_id)[0]

    def invoices(self, *, number: str | None = None, invoice_id: int | None = None
                 ) -> list[InvoiceRecord]:
        """Invoices by supplier number (case-insensitive) or id; all, newest first, if neither."""
        if invoice_id is not None:
            rows = self._all("SELECT * FROM invoices WHERE id = ?", (invoice_id,))
        elif number is not None:
            rows = self._all("SELECT * FROM invoices WHERE upper(number) = upper(?) "
                             "ORDER BY id DESC", (number,))
        else:
            rows = self._all("SELECT * FROM invoices ORDER BY id DESC")
        return [InvoiceRecord(r["id"], r["number"], r["confirmation"], r["po"], r["currency"],
                              from_minor(r["total_minor"], r["currency"]), r["status"],
                              r["reason"], r["decide_at"], r["pending_reason"]) for r in rows]

    def decide(self, invoice_id: int, status: str, reason: str) -> None:
        """Record the buyer's decision on a submitted invoice."""
        self._run("UPDATE invoices SET status = ?, reason = ? WHERE id = ?",
                  (status, reason, invoice_id))
