"""Mailboxes: where remittance e-mails arrive, and where they go once handled.

One contract (:class:`~bots.email.base.Mailbox`: ``list_new``, ``fetch``,
``move``, ``close``), four backends registered by ``kind``:

========  ==============================================  =====================
kind      what                                            module
========  ==============================================  =====================
folder    a folder of ``.eml`` files or a Maildir          :mod:`bots.email.folder`
imap      any IMAP server (imaplib; password or XOAUTH2)   :mod:`bots.email.imap`
ews       on-premises Exchange (exchangelib)               :mod:`bots.email.ews`
graph     Exchange Online (Microsoft Graph, MSAL)          :mod:`bots.email.graph`
========  ==============================================  =====================

Typical use (see :mod:`bots.email.settings` for the configuration)::

    from bots.email import configured_mailboxes

    for box in configured_mailboxes(config):
        with box:
            for ref in box.list_new():
                raw = box.fetch(ref)
                ...
                box.move(ref, "processed")

This room moves bytes; parsing them is :mod:`bots.remittance`'s business.
"""

from bots.email.base import (
    DESTINATIONS,
    Destination,
    Mailbox,
    MailboxAuthError,
    MailboxError,
    MessageRef,
    TransientError,
    backend,
    kinds,
)
from bots.email.folder import seed_demo_mailbox
from bots.email.settings import configured_mailboxes, mailbox_settings, open_mailbox

__all__ = [
    "DESTINATIONS", "Destination", "Mailbox", "MailboxAuthError", "MailboxError", "MessageRef",
    "TransientError", "backend", "configured_mailboxes", "kinds",
    "mailbox_settings", "open_mailbox", "seed_demo_mailbox",
]
