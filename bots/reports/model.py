"""The run report's data model: plain dataclasses, no I/O.

The runner fills one :class:`RunReport` per run; :mod:`bots.reports.writer`
turns it into ``report.json``, ``report.html`` and ``worklist.xlsx``::

    report = RunReport.from_run(run, config_source="config/demo.toml")
    report.bots.append(BotSection("cashapp", BotStatus.OK, counts={"auto": 12}))
    report.aging.append(AgingBucket("1-30", "USD", Decimal("1200.00"), 3))
    report.worklist.append(UnmatchedRow("r-1", "inbox/a.pdf", "ACME", ...))

Money is a :class:`~decimal.Decimal` with its currency next to it, never a
float: the constructors raise ``TypeError`` on anything else, so a float
cannot slip into a report. Text fields hold whatever the world sent (payer
names, deduction reasons, portal error messages): the writers escape it, the
model does not.

Worklist rows come in five kinds, one XLSX sheet each (:data:`WORKLIST_KINDS`,
in sheet order): :class:`CollectionRow`, :class:`CashReviewRow`,
:class:`UnmatchedRow`, :class:`PortalFailureRow`, :class:`CreditReleaseRow`. Each
kind names its sheet (``SHEET``) and whether a person must decide on each row (``NEEDS_DECISION``:
the sheet then gets an empty "Decision" column), and whether a person may correct
the invoice reference read (``CORRECTABLE``: an empty "Corrected invoice ref"
column, learned from by ``arbots review apply``).

Paths to evidence (portal traces, screenshots) are relative to the run folder,
so that the report links to them and still opens when the folder is moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from bots.domain import Run, RunStatus, Trigger
from bots.reports.formatting import seconds_between

if TYPE_CHECKING:  # pandas is loaded only where the figures are computed
    from bots.reports.metrics import CashFigures


def _require_money(where: str, amount: object) -> None:
    if not isinstance(amount, Decimal):
        raise TypeError(f"{where}: money is a Decimal, got {type(amount).__name__}")


class BotStatus(StrEnum):
    """How one bot's part of the run ended."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


class WriteState(StrEnum):
    """Where an external write stands (intent is recorded before the call)."""

    INTENT = "intent"  # recorded, call not confirmed: check the target before retrying
    SUBMITTED = "submitted"  # taken by an asynchronous service (S/4 lockbox), not confirmed
    DONE = "done"
    FAILED = "failed"
    DRY_RUN = "dry_run"  # would have been written


class InputOutcome(StrEnum):
    """The one place every input ends in."""

    APPLIED = "applied"
    REVIEW = "review"
    QUARANTINED = "quarantined"
    SEEN_BEFORE = "seen_before"  # same content hash in an earlier run: not processed again


# --------------------------------------------------------------------------- per bot


@dataclass(frozen=True)
class ErrorItem:
    """Something that failed, why, and what a person does about it."""

    item: str  # the file, invoice, remittance ... that failed
    reason: str
    how_to_fix: str
    files: tuple[str, ...] = ()  # trace/screenshot paths relative to the run folder


@dataclass(frozen=True)
class WaitingItem:
    """Something the bot left for a person: what, for whom, why."""

    item: str
    for_whom: str  # a role or a person: "AR clerk", "credit manager", "J. Smith"
    why: str


@dataclass
class BotSection:
    """One bot's part of the run.

    ``counts`` are the bot's own tallies (``{"auto": 12, "review": 3}``);
    ``amounts`` is the money it moved (applied, posted, submitted), per currency.
    ``seconds`` is the bot's wall time (None for a bot that did not run).
    """

    name: str
    status: BotStatus
    counts: dict[str, int] = field(default_factory=dict)
    amounts: dict[str, Decimal] = field(default_factory=dict)
    errors: list[ErrorItem] = field(default_factory=list)
    waiting: list[WaitingItem] = field(default_factory=list)
    seconds: float | None = None

    def __post_init__(self) -> None:
        self.status = BotStatus(self.status)
        for currency, amount in self.amounts.items():
            _require_money(f"bot {self.name}: amounts[{currency}]", amount)
        for key, count in self.counts.items():
            if not isinstance(count, int) or isinstance(count, bool):
                raise TypeError(f"bot {self.name}: counts[{key}] is an int, got {count!r}")


# --------------------------------------------------------------------------- money views


@dataclass(frozen=True)
class AgingBucket:
    """Open receivables in one days-past-due bucket of one currency."""

    label: str  # "current", "1-30", "31-60", "61-90", ">90"
    currency: str
    amount: Decimal
    count: int

    def __post_init__(self) -> None:
        _require_money(f"aging bucket {self.label}", self.amount)


@dataclass(frozen=True)
class StatusAmount:
    """Money of one currency by what became of it ("applied", "review", "unmatched")."""

    status: str
    currency: str
    amount: Decimal
    count: int

    def __post_init__(self) -> None:
        _require_money(f"amount by status {self.status}", self.amount)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class WriteRecord:
    """One write to an external system (SAP posting, note, portal submission, e-mail)."""

    system: str  # "SAP", "portal coupa", "smtp"
    action: str  # "post clearing", "save note", "submit invoice"
    target: str  # customer / document / invoice the write is about
    idempotency_key: str
    state: WriteState
    currency: str = ""
    amount: Decimal | None = None
    detail: str = ""  # confirmation number, or the error
    files: tuple[str, ...] = ()  # what it sent (invoice PDF ...), relative to the run folder

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", WriteState(self.state))
        if self.amount is not None:
            _require_money(f"write {self.idempotency_key}", self.amount)
            if not self.currency:
                raise ValueError(f"write {self.idempotency_key}: an amount needs a currency")


@dataclass(frozen=True)
class InputRecord:
    """One input that entered the run (e-mail, PDF, bank file) and where it ended."""

    source: str
    sha256: str
    format: str
    outcome: InputOutcome
    reason: str = ""  # why quarantined / why it waits

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", InputOutcome(self.outcome))


# --------------------------------------------------------------------------- worklist rows


@dataclass(frozen=True)
class CollectionRow:
    """A customer with overdue items to chase."""

    SHEET: ClassVar[str] = "Collections"
    NEEDS_DECISION: ClassVar[bool] = True
    CORRECTABLE: ClassVar[bool] = False

    customer: str
    customer_name: str
    currency: str
    overdue: Decimal
    oldest_due: date
    days_past_due: int
    bucket: str
    dunning_level: int = 0
    clerk: str = ""
    contact: str = ""
    last_note: date | None = None
    next_step: str = ""  # what the bot did or proposes: "reminder sent", "call"
    company_code: str = ""

    def __post_init__(self) -> None:
        _require_money(f"collections row {self.customer}", self.overdue)


@dataclass(frozen=True)
class CashReviewRow:
    """A proposed match the engine would not post unattended."""

    SHEET: ClassVar[str] = "Cash review"
    NEEDS_DECISION: ClassVar[bool] = True
    CORRECTABLE: ClassVar[bool] = True

    remittance_id: str
    payer_name: str
    payment_ref: str
    invoice_ref: str
    customer: str
    document_no: str
    currency: str
    applied_amount: Decimal
    confidence: float  # a score in [0, 1], never money (as bots.domain.Proposal)
    rule: str
    reason: str
    # why the payment as a whole waits; for a payment posted in part (its certain lines
    # cleared, the rest on account), where its cash is and why the rest was not applied
    waiting_reason: str = ""
    discount_amount: Decimal = Decimal("0")
    deduction_amount: Decimal = Decimal("0")
    source: str = ""
    fiscal_year: str = ""  # with document_no and line_item: the open item (for review apply)
    line_item: str = ""
    line_index: int | None = None  # the remittance line; None: the payment as a whole
    treatment: str = ""  # clear | residual | partial | write_off | on_account (Treatment)
    reason_code: str = ""  # SAP reason code (RSTGR) of a residual, write-off, on account

    def __post_init__(self) -> None:
        for name in ("applied_amount", "discount_amount", "deduction_amount"):
            _require_money(f"cash review row {self.remittance_id}: {name}",
                           getattr(self, name))


@dataclass(frozen=True)
class UnmatchedRow:
    """A payment, or a line of one, that matched no open item."""

    SHEET: ClassVar[str] = "Unmatched"
    NEEDS_DECISION: ClassVar[bool] = True
    CORRECTABLE: ClassVar[bool] = True

    remittance_id: str
    source: str
    payer_name: str
    payment_ref: str
    payment_date: date | None
    currency: str
    amount: Decimal
    reason: str
    invoice_ref: str = ""

    def __post_init__(self) -> None:
        _require_money(f"unmatched row {self.remittance_id}", self.amount)


@dataclass(frozen=True)
class PortalFailureRow:
    """An invoice a portal refused or the bot could not submit."""

    SHEET: ClassVar[str] = "Portal failures"
    NEEDS_DECISION: ClassVar[bool] = True
    CORRECTABLE: ClassVar[bool] = False

    portal: str
    customer: str
    invoice_no: str
    po_number: str
    currency: str
    amount: Decimal
    invoice_date: date
    error: str
    how_to_fix: str
    trace: str = ""  # relative to the run folder
    screenshot: str = ""  # relative to the run folder

    def __post_init__(self) -> None:
        _require_money(f"portal failure row {self.invoice_no}", self.amount)


@dataclass(frozen=True)
class CreditReleaseRow:
    """A sales order blocked for credit whose customer paid: release it? (bots.pipeline.credit)"""

    SHEET: ClassVar[str] = "Credit releases"
    NEEDS_DECISION: ClassVar[bool] = True
    CORRECTABLE: ClassVar[bool] = False

    order: str
    customer: str
    credit_account: str
    credit_area: str
    currency: str
    order_value: Decimal
    paid_tonight: Decimal
    exposure_after: Decimal  # exposure - tonight's payments + the order's value
    credit_limit: Decimal
    reason: str

    def __post_init__(self) -> None:
        for name in ("order_value", "paid_tonight", "exposure_after", "credit_limit"):
            _require_money(f"credit release row {self.order}: {name}", getattr(self, name))


WorklistRow = CollectionRow | CashReviewRow | UnmatchedRow | PortalFailureRow | CreditReleaseRow
WORKLIST_KINDS: tuple[type[WorklistRow], ...] = (
    CollectionRow, CashReviewRow, UnmatchedRow, PortalFailureRow, CreditReleaseRow)


# --------------------------------------------------------------------------- the report


@dataclass
class RunReport:
    """Everything a supervisor reads about one run.

    ``started``/``ended`` are what the store recorded (timezone-aware UTC
    recommended); ``ended`` is None while the run is still going.
    """

    run_id: str
    status: RunStatus
    trigger: Trigger
    dry_run: bool
    started: datetime
    ended: datetime | None
    config_source: str
    bots: list[BotSection] = field(default_factory=list)
    company_codes: list[str] = field(default_factory=list)  # the run's (empty: not recorded)
    aging: list[AgingBucket] = field(default_factory=list)
    amounts_by_status: list[StatusAmount] = field(default_factory=list)
    worklist: list[WorklistRow] = field(default_factory=list)
    external_writes: list[WriteRecord] = field(default_factory=list)
    inputs: list[InputRecord] = field(default_factory=list)
    cash: CashFigures | None = None  # cash application's figures (bots.reports.metrics)

    def __post_init__(self) -> None:
        self.status = RunStatus(self.status)
        self.trigger = Trigger(self.trigger)
        names = [bot.name for bot in self.bots]
        if len(names) != len(set(names)):
            raise ValueError(f"run {self.run_id}: a bot appears twice in {names}")

    @classmethod
    def from_run(cls, run: Run, *, config_source: str,
                 company_codes: Sequence[str] = ()) -> RunReport:
        """An empty report for ``run`` (the store's record), to be filled;
        ``company_codes``: the ones the run worked on."""
        return cls(run_id=run.id, status=run.status, trigger=run.trigger,
                   dry_run=run.dry_run, started=run.started, ended=run.ended,
                   config_source=config_source, company_codes=list(company_codes))

    @property
    def duration_seconds(self) -> int | None:
        """Whole seconds from start to end; None while running."""
        return seconds_between(self.started, self.ended)

    def worklist_by_kind(self) -> dict[str, list[WorklistRow]]:
        """Worklist rows per sheet name, every kind present, in sheet order."""
        sheets: dict[str, list[WorklistRow]] = {kind.SHEET: [] for kind in WORKLIST_KINDS}
        for row in self.worklist:
            sheets[row.SHEET].append(row)
        return sheets

