"""One retry policy for every peer (SAP, mailboxes, portals, HTTP clients), on tenacity.

A policy is data: how many attempts, how long to wait. The *peer* says which
of its exceptions are technical (worth another attempt) at the call site::

    policy = RetryPolicy(attempts=4, base_delay=0.5, max_delay=30)
    rows = policy.run(lambda: conn.call("RFC_PING"), retry_on=SapTechnicalError,
                      what="SAP RFC_PING", before_retry=reopen)
    await policy.run_async(sign_in, retry_on=TechnicalError, what="portal coupa: sign in")

Rules, the same for every peer:

* Only ``retry_on`` exceptions are retried; anything else (business refusals,
  logon/auth errors: a retried wrong password locks the account) goes straight
  to the caller. Logon errors must therefore not subclass a peer's technical
  error class.
* Waits grow exponentially from ``base_delay`` (doubling) up to ``max_delay``,
  with jitter: the wait after attempt *n* is drawn from
  ``[d * (1 - jitter), d]`` where ``d = min(max_delay, base_delay * 2**(n-1))``,
  so that many clients failing together do not come back together.
* An exception with a ``retry_after`` attribute (seconds, e.g. HTTP 429
  ``Retry-After``) sets the wait instead; longer than ``max_delay`` means "not
  now": the error is raised at once.
* After the last attempt the last exception is raised unchanged.
* ``before_retry`` runs at the start of every attempt but the first (reopen a
  broken connection); a technical failure there counts as that attempt's.
* One log line per retry (``what``, the error's class and first line, the
  attempt, the wait): peers' error messages carry no secrets, and ``what``
  must not either.
* ``sleep`` is injectable (tests pass ``waits.append``); ``None`` means
  ``time.sleep`` in :meth:`RetryPolicy.run` and ``asyncio.sleep`` in
  :meth:`RetryPolicy.run_async` (an injected sleep may be sync or async there).

Each peer derives its policy from its existing settings (``[sap] retries``,
a mailbox's ``retries`` / ``max_retry_wait``, ``[portals] attempts`` /
``backoff_ms``).

**Durable engines.** On the Temporal engine (future), Temporal owns retries:
an activity must call its peer exactly once and let the engine's retry policy
decide. Build the peers there with ``policy.once()`` (or :data:`ONE_ATTEMPT`),
which keeps the error classification but never waits or retries.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
)

T = TypeVar("T")
log = logging.getLogger(__name__)

ExceptionTypes = type[BaseException] | tuple[type[BaseException], ...]


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` calls in all; exponential backoff with jitter between them."""

    attempts: int = 4
    base_delay: float = 1.0  # seconds before the 2nd attempt; doubles each time
    max_delay: float = 30.0
    jitter: float = 0.5  # share of each wait drawn at random (0: exact waits)
    sleep: Callable[[float], object] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"RetryPolicy.attempts: must be at least 1, got {self.attempts}")
        if not 0 <= self.base_delay <= self.max_delay:
            raise ValueError(f"RetryPolicy: need 0 <= base_delay <= max_delay, got "
                             f"{self.base_delay} and {self.max_delay}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"RetryPolicy.jitter: between 0 and 1, got {self.jitter}")

    def once(self) -> RetryPolicy:
        """The same policy with a single attempt (for engines that own retries)."""
        return replace(self, attempts=1)

    def limited(self, attempts: int, max_delay: float | None = None) -> RetryPolicy:
        """This policy with a peer's settings: ``attempts`` in all, waits up to ``max_delay``."""
        top = self.max_delay if max_delay is None else max_delay
        return replace(self, attempts=attempts, max_delay=top,
                       base_delay=min(self.base_delay, top))

    def delay(self, attempt: int) -> float:
        """The longest wait after failed attempt ``attempt`` (1-based), before jitter."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))

    # ------------------------------------------------------------------ running

    def run(self, operation: Callable[[], T], *, retry_on: ExceptionTypes, what: str,
            before_retry: Callable[[], object] | None = None) -> T:
        """``operation()``, again after ``retry_on`` errors as the policy allows."""
        retrying = Retrying(sleep=self._sync_sleep, retry=retry_if_exception_type(retry_on),
                            stop=self._stop, wait=self._wait, reraise=True,
                            before_sleep=lambda state: self._log(state, what))
        for attempt in retrying:
            with attempt:
                if before_retry is not None and attempt.retry_state.attempt_number > 1:
                    before_retry()
                return operation()
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def run_async(self, operation: Callable[[], Awaitable[T]], *,
                        retry_on: ExceptionTypes, what: str,
                        before_retry: Callable[[], Awaitable[object]] | None = None) -> T:
        """``await operation()``, again after ``retry_on`` errors as the policy allows."""
        retrying = AsyncRetrying(sleep=self._async_sleep,
                                 retry=retry_if_exception_type(retry_on), stop=self._stop,
                                 wait=self._wait, reraise=True,
                                 before_sleep=lambda state: self._log(state, what))
        async for attempt in retrying:
            with attempt:
                if before_retry is not None and attempt.retry_state.attempt_number > 1:
                    await before_retry()
                return await operation()
        raise AssertionError("unreachable: tenacity re-raises the last error")

    # ------------------------------------------------------------------ tenacity parts

    def _sync_sleep(self, seconds: float) -> None:
        (self.sleep or time.sleep)(seconds)

    async def _async_sleep(self, seconds: float) -> None:
        if self.sleep is None:
            await asyncio.sleep(seconds)
        elif inspect.isawaitable(waited := self.sleep(seconds)):
            await waited

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.attempts:
            return True
        retry_after = _retry_after(state)
        return retry_after is not None and retry_after > self.max_delay

    def _wait(self, state: RetryCallState) -> float:
        retry_after = _retry_after(state)
        if retry_after is not None:
            return max(0.0, retry_after)
        longest = self.delay(state.attempt_number)
        return longest - longest * self.jitter * random.random()

    def _log(self, state: RetryCallState, what: str) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning("%s: %s (attempt %d of %d), retrying in %.1fs", what, describe(error),
                    state.attempt_number, self.attempts, wait)


ONE_ATTEMPT = RetryPolicy(attempts=1, base_delay=0.0, max_delay=0.0)


def describe(error: BaseException | None) -> str:
    """An error as one short log-safe line: its class and the first line of its message."""
    if error is None:
        return "no error"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


def _retry_after(state: RetryCallState) -> float | None:
    error = state.outcome.exception() if state.outcome is not None else None
    value = getattr(error, "retry_after", None)
    return float(value) if isinstance(value, (int, float)) else None
