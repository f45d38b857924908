"""One-time codes (TOTP, RFC 6238) for portal logins, never reused, never about to expire.

::

    codes = TotpCodes()
    code = await codes.code(site.totp_secret.reveal())

A code is only handed out when at least ``min_remaining`` seconds of its
30-second window remain (otherwise it waits for the next window), and a
window whose code was already handed out for the same secret is never used
again (portals refuse a replayed code): the caller then waits for the next
window. The clock and the sleep are injected, so tests need not wait.

Limits: one process. Two processes sharing one TOTP secret can still collide
within a window; keep one runner per portal account.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable

import pyotp

from bots.portals.errors import LoginFailed


class TotpCodes:
    """Hands out TOTP codes for any number of secrets."""

    def __init__(self, *, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 min_remaining: float = 5.0) -> None:
        self.clock, self.sleep, self.min_remaining = clock, sleep, min_remaining
        self._last_step: dict[str, int] = {}  # sha256(secret) -> last window used

    async def code(self, secret: str) -> str:
        """A fresh code for ``secret`` (waits for the next window when needed)."""
        try:
            totp = pyotp.TOTP(secret)
        except (ValueError, TypeError):
            raise LoginFailed("totp_secret is not a valid base32 TOTP secret "
                              "(at least 112 bits)") from None
        key = hashlib.sha256(secret.encode()).hexdigest()
        while True:
            now = self.clock()
            step, into = divmod(now, totp.interval)
            remaining = totp.interval - into
            if remaining >= self.min_remaining and self._last_step.get(key, -1) < step:
                self._last_step[key] = int(step)  # no await between check and set
                return totp.generate_otp(int(step))
            await self.sleep(remaining + 0.05)


SHARED_CODES = TotpCodes()
"""The process-wide code source: one record of used windows for all runners."""
