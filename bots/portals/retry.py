"""Retry as a policy object: which failures are retried, how often, how long to wait.

One policy per kind of peer, technical failures only (business rejections,
silent failures and refused logins are never retried)::

    policy = RetryPolicy(attempts=3, backoff=1.0)   # waits 1 s, then 2 s
    if policy.should_retry(exc, attempt):
        await asyncio.sleep(policy.delay(attempt))

:func:`as_portal_error` turns Playwright's exceptions (timeouts, network
errors) into :class:`~bots.portals.errors.TechnicalError` so the runner has
one vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Error as PlaywrightError

from bots.portals.errors import PortalError, TechnicalError


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all; the wait doubles from ``backoff`` seconds up to ``max_wait``."""

    attempts: int = 3
    backoff: float = 1.0
    max_wait: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"RetryPolicy.attempts: at least 1, got {self.attempts}")
        if self.backoff < 0 or self.max_wait < 0:
            raise ValueError("RetryPolicy: waits cannot be negative")

    def should_retry(self, error: PortalError, attempt: int) -> bool:
        """Whether to try again after ``error`` ended attempt number ``attempt`` (from 1)."""
        return isinstance(error, TechnicalError) and attempt < self.attempts

    def delay(self, attempt: int) -> float:
        """Seconds to wait after attempt number ``attempt`` failed."""
        return min(self.max_wait, self.backoff * 2 ** (attempt - 1))


FAIL_FAST = RetryPolicy(attempts=1)


def as_portal_error(exc: BaseException) -> PortalError:
    """The portal error for ``exc``: Playwright timeouts and network errors are technical."""
    if isinstance(exc, PortalError):
        return exc
    if isinstance(exc, PlaywrightError):
        first_line = (exc.message or str(exc)).splitlines()[0]
        return TechnicalError(f"{type(exc).__name__}: {first_line}")
    raise exc
