"""Which errors Temporal retries: one table, one function.

On the Temporal engine an activity calls once and Temporal owns the retries
(the tenacity policy of :mod:`bots.retry` is the local engine's). An error
leaving an activity becomes an ``ApplicationError`` whose ``type`` is the
error's class name:

================================  ============  ===========================================
error                             retried       why
================================  ============  ===========================================
``ConfigError``                   no            a bad setting stays bad: fix it, rerun
``SapLogonError``                 no            a retry with a wrong password locks the user
``LeaseHeld``                     no            another run writes to the landscape (exit 75)
``LeaseLost``                     no            another run took the landscape over
``SapTechnicalError``             yes           the line or the server failed
``TimeoutError``, ``OSError``     yes           a timeout, a dropped connection
================================  ============  ===========================================

Any other exception is retried too (Temporal's default), within the
activity's retry policy (:data:`MAX_ATTEMPTS`).
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from bots.config import ConfigError
from bots.exit_codes import EXIT_BUSY, EXIT_CONFIG, EXIT_FAILURES
from bots.sap.errors import SapLogonError, SapTechnicalError
from bots.store import LeaseHeld

MAX_ATTEMPTS = 5


class LeaseLost(RuntimeError):
    """Another run took the landscape's lease over while this run was between bots."""


NON_RETRYABLE: tuple[type[BaseException], ...] = (ConfigError, SapLogonError, LeaseHeld,
                                                  LeaseLost)
RETRYABLE: tuple[type[BaseException], ...] = (SapTechnicalError, TimeoutError, OSError)
EXIT_OF_TYPE = {  # ApplicationError type -> exit code of `arbots run` when it ends the run
    "ConfigError": EXIT_CONFIG, "SapLogonError": EXIT_CONFIG,
    "SapTechnicalError": EXIT_CONFIG, "TimeoutError": EXIT_CONFIG,
    "LeaseHeld": EXIT_BUSY, "LeaseLost": EXIT_FAILURES,
}
NON_RETRYABLE_TYPES = [kind.__name__ for kind in NON_RETRYABLE]


def application_error(exc: BaseException) -> ApplicationError:
    """``exc`` as the ``ApplicationError`` Temporal sees: its class name, retryable or not."""
    return ApplicationError(str(exc), type=type(exc).__name__,
                            non_retryable=isinstance(exc, NON_RETRYABLE))
