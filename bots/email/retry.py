"""Retry as a policy object, one per kind of mail server (exchangelib's FaultTolerance idea).

A backend translates what went wrong into :class:`~bots.email.base.TransientError`
(timeouts, connection resets, HTTP 5xx, HTTP 429 with ``Retry-After``) or into
a final error (:class:`~bots.email.base.MailboxAuthError`, a 4xx, a protocol
refusal). The policy retries only the transient ones::

    policy = RetryPolicy(attempts=4, base_delay=1, max_delay=30, sleep=fake_sleep)
    policy.run(lambda: list_messages(), what="mailbox remittances: list")

Delays double from ``base_delay`` up to ``max_delay``; a server's
``Retry-After`` is honoured when it is not longer than ``max_delay`` (longer
means "not now": the error is raised at once). ``sleep`` is injectable so that
tests never wait, and ``on_retry`` lets a backend drop a broken connection
before the next attempt.

Limits: a retried ``move`` may already have happened on the server when the
answer was lost; the backends document how they tolerate that.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from bots.email.base import TransientError

if TYPE_CHECKING:
    from bots.config import _Section

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry technical failures."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"RetryPolicy.attempts: must be at least 1, got {self.attempts}")
        if self.base_delay < 0 or self.max_delay < self.base_delay:
            raise ValueError("RetryPolicy: need 0 <= base_delay <= max_delay")

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None means give up."""
        if attempt >= self.attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_delay else None
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)

    def run(self, operation: Callable[[], T], what: str,
            on_retry: Callable[[], None] | None = None) -> T:
        """Call ``operation`` until it succeeds, retrying TransientError only.

        The errors' messages already name the mailbox; ``what`` names the
        operation in the retry log lines.
        """
        attempt = 1
        while True:
            try:
                return operation()
            except TransientError as exc:
                wait = self.delay(attempt, exc.retry_after)
                if wait is None:
                    raise TransientError(f"{exc} (gave up after {attempt} attempt(s))",
                                         exc.retry_after) from exc
                log.warning("%s; retry %d/%d of %s in %.1fs", exc, attempt, self.attempts - 1,
                            what, wait)
                if on_retry is not None:
                    on_retry()
                self.sleep(wait)
                attempt += 1


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
    return replace(default, attempts=retries + 1, max_delay=float(max_wait),
                   base_delay=min(default.base_delay, float(max_wait)))
