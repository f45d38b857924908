"""The mailboxes' use of the one retry policy (:mod:`bots.retry`): defaults per kind of server.

A backend translates what went wrong into :class:`~bots.email.base.TransientError`
(timeouts, connection resets, HTTP 5xx, HTTP 429 with ``Retry-After``) or into
a final error (:class:`~bots.email.base.MailboxAuthError`, a 4xx, a protocol
refusal). :func:`retried` retries only the transient ones::

    retried(policy, lambda: list_messages(), "mailbox remittances: list",
            before_retry=drop_connection)

A server's ``Retry-After`` is honoured when it is not longer than the
policy's ``max_delay`` (longer means "not now": the error is raised at once).
The final error says how many attempts were made.

Limits: a retried ``move`` may already have happened on the server when the
answer was lost; the backends document how they tolerate that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from bots.email.base import TransientError
from bots.retry import RetryPolicy

if TYPE_CHECKING:
    from bots.config import _Section

T = TypeVar("T")

# Defaults per kind of peer: IMAP servers recover fast; HTTP APIs throttle with
# Retry-After (Graph asks for up to a few minutes under heavy load).
DEFAULT_POLICIES: dict[str, RetryPolicy] = {
    "imap": RetryPolicy(attempts=4, base_delay=1.0, max_delay=20.0),
    "ews": RetryPolicy(attempts=5, base_delay=2.0, max_delay=60.0),
    "graph": RetryPolicy(attempts=5, base_delay=2.0, max_delay=120.0),
}


def policy_from_settings(section: _Section, kind: str) -> RetryPolicy:
    """The kind's default policy, adjusted by ``retries`` and ``max_retry_wait`` (seconds)."""
    default = DEFAULT_POLICIES[kind]
    retries = section.integer("retries", default.attempts - 1, minimum=0)
    max_wait = section.integer("max_retry_wait", int(default.max_delay), minimum=1)
    return default.limited(attempts=retries + 1, max_delay=float(max_wait))


def retried(policy: RetryPolicy, operation: Callable[[], T], what: str,
            before_retry: Callable[[], object] | None = None) -> T:
    """``operation()`` under ``policy``, retrying TransientError only.

    The errors' messages already name the mailbox; ``what`` names the
    operation in the retry log lines. A TransientError that ends the retries
    comes out with "(gave up after N attempt(s))" appended.
    """
    attempts = 0

    def counted() -> T:
        nonlocal attempts
        attempts += 1
        return operation()

    try:
        return policy.run(counted, retry_on=TransientError, what=what,
                          before_retry=before_retry)
    except TransientError as exc:
        raise TransientError(f"{exc} (gave up after {attempts} attempt(s))",
                             exc.retry_after) from exc
