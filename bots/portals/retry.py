"""The portal peer's part of the shared retry policy (:mod:`bots.retry`).

What is retried: :class:`~bots.portals.errors.TechnicalError` (timeouts, 5xx
pages, dropped connections, an expired session) and nothing else: business
rejections, silent failures and refused logins go straight to the caller (a
retried wrong password locks the account). Waits grow exponentially from
``[portals] backoff_ms`` with jitter, ``[portals] attempts`` in all::

    policy = portal_policy(pcfg.attempts, pcfg.backoff_ms)
    await policy.run_async(attempt, retry_on=TechnicalError, what="portal coupa: INV-1")

:func:`as_portal_error` turns Playwright's exceptions (timeouts, network
errors) into :class:`~bots.portals.errors.TechnicalError` so the runner has
one vocabulary.
"""

from __future__ import annotations

from playwright.async_api import Error as PlaywrightError

from bots.portals.errors import PortalError, TechnicalError
from bots.retry import RetryPolicy

MAX_WAIT_SECONDS = 30.0


def portal_policy(attempts: int = 3, backoff_ms: int = 1000) -> RetryPolicy:
    """The policy for a portal site: ``attempts`` in all, first wait up to ``backoff_ms``."""
    base = min(backoff_ms / 1000, MAX_WAIT_SECONDS)
    return RetryPolicy(attempts=attempts, base_delay=base, max_delay=MAX_WAIT_SECONDS)


def as_portal_error(exc: BaseException) -> PortalError:
    """The portal error for ``exc``: Playwright timeouts and network errors are technical."""
    if isinstance(exc, PortalError):
        return exc
    if isinstance(exc, PlaywrightError):
        first_line = (exc.message or str(exc)).splitlines()[0]
        return TechnicalError(f"{type(exc).__name__}: {first_line}")
    raise exc
