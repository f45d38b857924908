"""Reminder e-mails by level: rendered as ``.eml`` into the outbox, sent by SMTP if set.

Three levels (friendly, firm, final notice) chosen by
:func:`bots.pipeline.collections.reminder_level`; the texts are Jinja2
templates per level and language in ``config/reminders/`` (or ``[collections]
reminder_templates``), the customer's language (KNA1-SPRAS) falling back to
English. The outbox file is named
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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from bots.config import CollectionsConfig
from bots.domain import format_amount, from_minor, stable_id
from bots.sap.values import ISO_LANGUAGES

if TYPE_CHECKING:
    from bots.pipeline.collections import FollowUp

#: The shipped reminder texts: ``level<N>.<language>.txt.j2`` (Jinja2, plain text).
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "config" / "reminders"
FALLBACK_LANGUAGE = "en"
MAX_ITEMS_LISTED = 25


def reminder_key(followup: FollowUp) -> str:
    """One reminder per account, level and day."""
    return stable_id("mail", followup.company_code, followup.customer.number, followup.level,
                     followup.next_contact.isoformat())


class ReminderTemplateError(Exception):
    """A reminder template is missing or broken (the message names the file and why)."""


def template_for(folder: Path, level: int, sap_language: str) -> Path:
    """The template of ``level`` in the customer's language, else in English."""
    language = ISO_LANGUAGES.get(sap_language.upper(), sap_language).lower()
    for candidate in (language, FALLBACK_LANGUAGE):
        path = folder / f"level{level}.{candidate}.txt.j2"
        if path.is_file():
            return path
    raise ReminderTemplateError(f"{folder / f'level{level}.{FALLBACK_LANGUAGE}.txt.j2'}: no "
                                f"reminder template for level {level}")


@lru_cache(maxsize=8)
def _environment(folder: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=False,  # noqa: S701 - plain text mail
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def reminder_text(followup: FollowUp, folder: Path = TEMPLATES_DIR) -> tuple[str, str]:
    """(subject, body) of the reminder, from the template for its level and language.

    The template's first line is ``Subject: ...``, then a blank line, then the
    body; it sees ``customer``, ``account``, ``level``, ``items`` (``ref``,
    ``due``, ``amount``, ``currency``; at most
    :data:`MAX_ITEMS_LISTED`), ``more``, ``total`` and ``currency``.
    """
    f = followup
    path = template_for(folder, f.level, f.customer.language)
    listed = f.remind_items[:MAX_ITEMS_LISTED]
    try:
        text = _environment(folder).get_template(path.name).render(
            customer=f.customer, account=f.customer.number.lstrip("0") or f.customer.number,
            level=f.level, currency=f.currency,
            total=format_amount(from_minor(sum(i.amount_minor for i in f.remind_items),
                                           f.currency), f.currency),
            items=[{"ref": i.invoice_ref or i.document_no, "due": i.due_date.isoformat(),
                    "amount": format_amount(i.amount, i.currency), "currency": i.currency}
                   for i in listed],
            more=len(f.remind_items) - len(listed))
    except jinja2.TemplateError as exc:
        raise ReminderTemplateError(f"{path}: {exc}") from None
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject:") or "\n" in head:
        raise ReminderTemplateError(f"{path}: the first line must be 'Subject: ...' followed "
                                    "by a blank line")
    return head.removeprefix("Subject:").strip(), body


def render_reminder(followup: FollowUp, sender: str, key: str,
                    templates: Path = TEMPLATES_DIR) -> EmailMessage:
    """The reminder e-mail for one account (plain text, the items to remind listed)."""
    subject, body = reminder_text(followup, templates)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = followup.customer.email
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(idstring=key)
    msg["X-Arbots-Key"] = key
    msg.set_content(body)
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
