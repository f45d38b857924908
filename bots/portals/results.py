"""What came of each invoice: the runner's answer, one per invoice, for the run report.

Outcomes:

* ``submitted`` - the portal confirmed; ``confirmation`` is its number;
* ``duplicate`` - the portal already had the invoice number (``confirmation``
  is the portal's existing number) or the ledger says it was done before;
* ``rejected`` - the portal or buyer refused it; ``message`` is their words;
* ``failed`` - technical failure after the retries, a silent failure, or a
  refused login; ``message`` says which;
* ``dry_run`` - everything was done except pressing Submit;
* ``skipped`` - not submitted because the caller's last check before Submit
  said it is no longer due (``message``: ``skipped: paid before submission``);
* ``busy`` - another live run holds the invoice's intent; not touched.

``traces``/``screenshots`` are kept on failure (and on success when asked), so
the run report can link them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Outcome(StrEnum):
    SUBMITTED = "submitted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    FAILED = "failed"
    DRY_RUN = "dry_run"
    SKIPPED = "skipped"
    BUSY = "busy"


@dataclass(frozen=True)
class SubmissionResult:
    """The result of one invoice at one portal site."""

    portal: str
    customer: str
    invoice_no: str
    idempotency_key: str
    outcome: Outcome
    message: str
    attempts: int = 0
    confirmation: str | None = None
    portal_status: str = ""
    traces: tuple[Path, ...] = ()
    screenshots: tuple[Path, ...] = ()

    @property
    def ok(self) -> bool:
        """True unless the invoice was rejected or failed."""
        return self.outcome not in (Outcome.REJECTED, Outcome.FAILED)
