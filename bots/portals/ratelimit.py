"""A per-portal rate limit: at most N invoices a minute, spaced evenly.

``await limiter.wait()`` before each invoice; callers queue for slots
``60 / per_minute`` seconds apart. ``per_minute = 0`` means no limit. The
clock and the sleep are injected for tests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateLimiter:
    """Spaces the calls to :meth:`wait` at least ``60 / per_minute`` seconds apart."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if per_minute < 0:
            raise ValueError(f"rate limit: per_minute cannot be negative, got {per_minute}")
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0

    async def wait(self) -> None:
        """Return when the caller may go (its slot is reserved before it sleeps)."""
        if not self.interval:
            return
        now = self.clock()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await self.sleep(slot - now)
