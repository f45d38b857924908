"""Run reports to render: a busy night with hostile customer text, and an empty run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bots.domain import Run, RunStatus, Trigger
from bots.reports import (
    AgingBucket,
    BotSection,
    BotStatus,
    CashReviewRow,
    CollectionRow,
    ErrorItem,
    InputOutcome,
    InputRecord,
    PortalFailureRow,
    RunReport,
    StatusAmount,
    UnmatchedRow,
    WaitingItem,
    WriteRecord,
    WriteState,
)

SCRIPT = "<script>alert(1)</script>"
ATTR = '"onmouseover=alert(2) x="'
FORMULA = '=HYPERLINK("http://evil.example/x","click")'
STARTED = datetime(2026, 4, 12, 2, 0, 0, tzinfo=UTC)
ENDED = datetime(2026, 4, 12, 2, 4, 10, tzinfo=UTC)


def busy_report() -> RunReport:
    """A nightly run touching every part of the report, with hostile text everywhere."""
    report = RunReport.from_run(
        Run(id="run-20260412-0200", trigger=Trigger.SCHEDULE, started=STARTED,
            bots=("remittance", "cashapp", "portals", "collections"),
            status=RunStatus.FAILED, ended=ENDED),
        config_source="config/site.toml")
    report.bots += [
        BotSection("remittance", BotStatus.OK, counts={"files": 5, "remittances": 4,
                                                       "quarantined": 1},
                   errors=[ErrorItem(f"inbox/{SCRIPT}.pdf", f"encrypted PDF {ATTR}",
                                     "Ask the payer for an unprotected copy.")]),
        BotSection("cashapp", BotStatus.OK, counts={"auto": 12, "review": 2, "unmatched": 1},
                   amounts={"USD": Decimal("10290.00"), "JPY": Decimal("1500000")},
                   waiting=[WaitingItem(f"payment from {SCRIPT}", "AR clerk",
                                        f"deduction reason {ATTR}"),
                            WaitingItem("r-2 line 3", "credit manager",
                                        "short pay of 210.00 USD, reason DAMAGED")]),
        BotSection("portals", BotStatus.FAILED, counts={"submitted": 3, "failed": 1},
                   errors=[ErrorItem("invoice 90012345 (Coupa)",
                                     f"portal said: {SCRIPT}",
                                     "Check the PO number with the buyer, then rerun.",
                                     files=("portals/coupa-90012345/trace.zip",
                                            "portals/coupa-90012345/screenshot.png",
                                            "https://evil.example/steal.png"))]),
        BotSection("collections", BotStatus.SKIPPED, counts={}),
    ]
    report.aging += [
        AgingBucket("current", "USD", Decimal("52000.00"), 20),
        AgingBucket("1-30", "USD", Decimal("12000.50"), 7),
        AgingBucket("31-60", "USD", Decimal("4000.00"), 3),
        AgingBucket("61-90", "USD", Decimal("-150.00"), 1),
        AgingBucket(">90", "USD", Decimal("900.00"), 1),
        AgingBucket("current", "JPY", Decimal("3500000"), 4),
        AgingBucket("1-30", "KWD", Decimal("1234.567"), 2),
    ]
    report.amounts_by_status += [
        StatusAmount("applied", "USD", Decimal("10290.00"), 12),
        StatusAmount("review", "USD", Decimal("2400.00"), 2),
        StatusAmount("unmatched", "USD", Decimal("99.99"), 1),
        StatusAmount("applied", "JPY", Decimal("1500000"), 1),
    ]
    report.worklist += [
        CollectionRow("0000100042", f"ACME {SCRIPT}", "USD", Decimal("12000.50"),
                      date(2026, 3, 1), 42, "31-60", dunning_level=2, clerk="JS",
                      contact="ap@acme.example", last_note=date(2026, 3, 29),
                      next_step="reminder sent"),
        CollectionRow("0000200077", FORMULA, "JPY", Decimal("350000"), date(2026, 2, 1), 70,
                      "61-90"),
        CashReviewRow("r-5f1c0a9e2b7d", f"-{SCRIPT}", "ACH 000123987", "90012345",
                      "0000100042", "1400000123", "USD", Decimal("10290.00"), 0.82,
                      "fuzzy-ref", f"@reason {ATTR}", discount_amount=Decimal("210.00")),
        UnmatchedRow("r-77aa", "inbox/kw.pdf", "+Gulf Trading", "WIRE 55", date(2026, 4, 10),
                     "KWD", Decimal("1234.567"), "no open item of this amount"),
        PortalFailureRow("coupa", "0000100042", "90012345", "PO-7781", "EUR",
                         Decimal("999.90"), date(2026, 4, 1), SCRIPT,
                         "Check the PO number", trace="portals/coupa-90012345/trace.zip",
                         screenshot="/etc/passwd"),
    ]
    report.external_writes += [
        WriteRecord("SAP", "post clearing", "0000100042 / 1400000123", "post-abc123",
                    WriteState.DONE, "USD", Decimal("10290.00"), "document 1400009999"),
        WriteRecord("portal coupa", "submit invoice", f"90012345 {SCRIPT}", "sub-def456",
                    WriteState.FAILED, detail=ATTR),
    ]
    report.inputs += [
        InputRecord("inbox/acme-0412.pdf", "ab" * 32, "pdf", InputOutcome.APPLIED),
        InputRecord(f"inbox/{SCRIPT}.pdf", "cd" * 32, "pdf", InputOutcome.QUARANTINED,
                    "encrypted"),
    ]
    return report


def empty_report() -> RunReport:
    """A run that found nothing to do."""
    return RunReport(run_id="run-empty", status=RunStatus.OK, trigger=Trigger.ON_DEMAND,
                     dry_run=True, started=STARTED, ended=STARTED, config_source="(demo)")
