"""The retry policy for SAP calls: technical failures only, exponential backoff.

    policy = RetryPolicy(max_attempts=4, base_delay=0.5)
    result = policy.run(lambda: conn.call("RFC_PING"))

Only :class:`~bots.sap.errors.SapTechnicalError` is retried. Business errors
and logon errors go straight to the caller (a retried wrong password locks
the SAP user). ``sleep`` is injectable so tests do not wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bots.sap.errors import SapTechnicalError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry technical failures up to ``max_attempts`` calls in all."""

    max_attempts: int = 4
    base_delay: float = 0.5  # seconds before the 2nd attempt; doubles each time
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be at least 1, "
                             f"got {self.max_attempts}")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("RetryPolicy delays must not be negative")

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))

    def run(self, operation: Callable[[], T],
            before_retry: Callable[[], None] | None = None) -> T:
        """``operation()``, retried on SapTechnicalError; the last error is raised."""
        attempt = 1
        while True:
            try:
                return operation()
            except SapTechnicalError as exc:
                if attempt >= self.max_attempts:
                    raise
                wait = self.delay(attempt)
                log.warning("SAP technical error (attempt %d of %d), retrying in %.1fs: %s",
                            attempt, self.max_attempts, wait, exc.message)
                self.sleep(wait)
                if before_retry is not None:
                    before_retry()
                attempt += 1
