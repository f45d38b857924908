"""Reminder e-mails by level: rendered as ``.eml`` into the outbox, sent by SMTP if set.

Three levels (friendly, firm, final notice) chosen by
:func:`bots.pipeline.collections.reminder_level`. The outbox file is named
after the idempotency key, written atomically (temporary file + rename), so
rendering twice is harmless; SMTP delivery goes through the ledger like every
external write. An intent left pending by a crash with SMTP configured is
*not* sent again (an SMTP server cannot be asked whether it delivered): it is
reported for a person to check, which is the safe side of "never twice".

SMTP is encrypted and the server verified (``ssl.create_default_context``,
``[collections.smtp] ca_file`` for a private CA): STARTTLS is required before
anything is sent (port 587), or TLS from the first byte with ``implicit_tls``
(port 465). Only ``starttls = false`` plus ``allow_plaintext_auth = true``
sends a password over a plain connection; a server that does not offer
STARTTLS is otherwise refused with :class:`SmtpRefused`.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from bots.config import CollectionsConfig
from bots.domain import format_amount, stable_id

if TYPE_CHECKING:
    from bots.pipeline.collections import FollowUp

SUBJECTS = {
    1: "Friendly reminder: open invoices on account {account}",
    2: "Second reminder: invoices past due on account {account}",
    3: "Final notice: overdue balance on account {account}",
}
OPENINGS = {
    1: "Our records show the invoices below as past due. If you have already paid, "
       "thank you, and please send us the remittance advice.",
    2: "We have not yet received payment for the invoices below, which are now well past "
       "due. Please arrange payment or let us know of any dispute.",
    3: "Despite earlier reminders the balance below remains unpaid. Please pay within 7 "
       "days or contact us today; otherwise we may hold further deliveries on credit.",
}
MAX_ITEMS_LISTED = 25


def reminder_key(followup: FollowUp) -> str:
    """One reminder per account, level and day."""
    return stable_id("mail", followup.company_code, followup.customer.number, followup.level,
                     followup.next_contact.isoformat())


def render_reminder(followup: FollowUp, sender: str, key: str) -> EmailMessage:
    """The reminder e-mail for one account (plain text, the overdue items listed)."""
    f = followup
    account = f.customer.number.lstrip("0") or f.customer.number
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = f.customer.email
    msg["Subject"] = SUBJECTS[f.level].format(account=account)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(idstring=key)
    msg["X-Arbots-Key"] = key
    rows = [f"  {(i.invoice_ref or i.document_no):<18} due {i.due_date.isoformat()}  "
            f"{format_amount(i.amount, i.currency):>14} {i.currency}"
            for i in f.overdue_items[:MAX_ITEMS_LISTED]]
    if len(f.overdue_items) > MAX_ITEMS_LISTED:
        rows.append(f"  ... and {len(f.overdue_items) - MAX_ITEMS_LISTED} more")
    body = [
        f"Dear {f.customer.name} accounts payable team,", "",
        OPENINGS[f.level], "",
        "  Invoice            Due date                 Amount",
        *rows, "",
        f"Total past due: {format_amount(f.overdue, f.currency)} {f.currency}", "",
        "Please quote the invoice numbers with your payment.",
        "Accounts Receivable",
    ]
    msg.set_content("\n".join(body))
    return msg


def outbox_path(outbox: Path, key: str) -> Path:
    """Where the reminder keyed ``key`` is (or will be) in the outbox."""
    return outbox / f"{key}.eml"


def write_outbox(outbox: Path, key: str, message: EmailMessage) -> Path:
    """Write ``message`` as ``<key>.eml`` atomically; returns the path."""
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox_path(outbox, key)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(bytes(message))
    os.replace(tmp, path)
    return path


class SmtpRefused(smtplib.SMTPException):
    """We refuse to talk to this server as configured (it cannot encrypt the session)."""


def smtp_context(policy: CollectionsConfig) -> ssl.SSLContext:
    """A verifying TLS context: the system's CAs, or ``[collections.smtp] ca_file``."""
    cafile = str(policy.smtp_ca_file) if policy.smtp_ca_file is not None else None
    return ssl.create_default_context(cafile=cafile)


def send_smtp(policy: CollectionsConfig, message: EmailMessage) -> None:
    """Deliver ``message`` through the configured SMTP server (TLS as configured, login if set)."""
    server = f"{policy.smtp_host}:{policy.smtp_port}"
    context = smtp_context(policy)
    smtp = smtplib.SMTP_SSL(policy.smtp_host, policy.smtp_port, timeout=30, context=context) \
        if policy.smtp_implicit_tls else smtplib.SMTP(policy.smtp_host, policy.smtp_port,
                                                      timeout=30)
    with smtp:
        smtp.ehlo()
        encrypted = policy.smtp_implicit_tls
        if policy.smtp_starttls:
            if not smtp.has_extn("starttls"):
                raise SmtpRefused(f"SMTP server {server} does not offer STARTTLS; nothing was "
                                  "sent (see [collections.smtp] starttls)")
            smtp.starttls(context=context)
            smtp.ehlo()
            encrypted = True
        if policy.smtp_user and policy.smtp_password is not None:
            if not encrypted and not policy.smtp_allow_plaintext_auth:
                raise SmtpRefused(f"SMTP server {server}: refusing to send the password of "
                                  f"{policy.smtp_user} in clear (see [collections.smtp] "
                                  "allow_plaintext_auth)")
            smtp.login(policy.smtp_user, policy.smtp_password.reveal())
        smtp.send_message(message)
