"""Faults a reference portal can be told to show, so tests meet real failures.

::

    faults = portals.coupa.faults
    faults.fail_request(1)                    # the next request answers 500
    faults.fail_request(1, path="/invoices")  # ... the next one under /invoices
    faults.expire_sessions(1, path="/invoices")  # sessions end just before that request
    faults.lose_submit_response()             # next invoice is saved, the answer is a 500
    faults.delay_seconds = Decimal("0.5")     # every page is slow
    faults.submit_label = "Send invoice"      # the Submit button was renamed

:meth:`Faults.reset` puts everything back. Thread-safe: the server threads
read the faults while the test thread sets them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_SUBMIT_LABEL = "Submit"


@dataclass
class _Countdown:
    """Fires on the ``left``-th request whose path starts with ``path``."""

    what: str  # "fail" | "expire"
    left: int
    path: str


@dataclass(frozen=True)
class RequestFaults:
    """What to do to the request arriving now."""

    delay: float = 0.0
    fail: bool = False
    expire_sessions: bool = False


class Faults:
    """The faults of one portal; all off by default."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """No delay, no failures, the normal Submit button."""
        with self._lock:
            self.delay_seconds = Decimal(0)
            self.submit_label = DEFAULT_SUBMIT_LABEL
            self._countdowns: list[_Countdown] = []
            self._lost_submits = 0

    def fail_request(self, nth: int = 1, path: str = "/") -> None:
        """The ``nth`` request from now (under ``path``) answers 500 Internal Server Error."""
        self._add("fail", nth, path)

    def expire_sessions(self, nth: int = 1, path: str = "/") -> None:
        """All sessions end just before the ``nth`` request from now (under ``path``)."""
        self._add("expire", nth, path)

    def _add(self, what: str, nth: int, path: str) -> None:
        if nth < 1:
            raise ValueError("nth counts from 1")
        with self._lock:
            self._countdowns.append(_Countdown(what, nth, path))

    def lose_submit_response(self, times: int = 1) -> None:
        """The next ``times`` submissions are saved but answered with a 500 (crash mid-submit)."""
        with self._lock:
            self._lost_submits += times

    def on_request(self, path: str) -> RequestFaults:
        """What to do to the request for ``path`` arriving now."""
        with self._lock:
            fired = set()
            for countdown in self._countdowns:
                if path.startswith(countdown.path):
                    countdown.left -= 1
                    if countdown.left == 0:
                        fired.add(countdown.what)
            self._countdowns = [c for c in self._countdowns if c.left > 0]
            return RequestFaults(float(self.delay_seconds), "fail" in fired, "expire" in fired)

    def take_lost_submit(self) -> bool:
        """Whether the submission being saved now must be answered with a 500."""
        with self._lock:
            if self._lost_submits:
                self._lost_submits -= 1
                return True
            return False
