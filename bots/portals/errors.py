"""What can go wrong at a portal, sorted by what the runner does about it.

* :class:`TechnicalError` - timeouts, 5xx pages, dropped connections: retried
  with backoff and jitter by the shared policy (:mod:`bots.portals.retry`);
  the portal is searched for the invoice before every new attempt.
* :class:`SessionExpired` - the portal showed its sign-in page: sign in again,
  then retry.
* :class:`BusinessRejection` - the portal (or the buyer) refused the invoice:
  PO closed, over the PO, duplicate number, missing field. Carries the
  portal's own words; never retried.
* :class:`SilentFailure` - Submit ended with neither a confirmation nor an
  error; never retried blindly (a person must look).
* :class:`LoginFailed` - wrong password, code refused: never retried (accounts
  lock out).
"""

from __future__ import annotations


class PortalError(Exception):
    """Base of the portal bots' errors; the message is safe to report (no secrets)."""


class TechnicalError(PortalError):
    """A technical failure worth retrying."""


class SessionExpired(TechnicalError):
    """The portal asks to sign in again."""


class BusinessRejection(PortalError):
    """The portal refused the invoice; the message is the portal's words."""


class SilentFailure(PortalError):
    """Submit was pressed and the portal said nothing: no confirmation, no error."""


class LoginFailed(PortalError):
    """The portal refused the credentials or the one-time code."""
