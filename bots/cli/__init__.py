"""The ``arbots`` command line: a thin surface over the rooms, no business rules.

Exit codes: 0 ok, 1 finished with failures (bad files, refused postings),
2 configuration or connection error, 75 the landscape is held by another run,
130 stopped by Ctrl-C, 143 stopped by SIGTERM. Each command lives in its own
module of this package and is listed in :data:`COMMANDS`, which is imported
only when the command runs (:mod:`bots.cli.lazy`): ``arbots extract`` does not
import the browser, the web console or the database.
"""

from __future__ import annotations

import click

from bots.cli.lazy import LazyCommand, LazyGroup

#: Each command's module and attribute, and its one-line help for ``arbots --help``
#: (the first line of the command's docstring; a test keeps the two the same).
COMMANDS = {
    "collections": LazyCommand("bots.cli.collections:collections_group",
                               "Record what a customer told the collector."),
    "console": LazyCommand("bots.cli.console:console_group",
                           'Serve the web console (runs, review, "what does this pay?") '
                           "from the store."),
    "demo": LazyCommand("bots.cli.run:demo_command",
                        "Reset the sandbox, run the nightly job on it, print the report path."),
    "extract": LazyCommand("bots.cli.extract:extract_command",
                           "Read remittance files (PDF, e-mail, CSV/XLSX, X12 820, BAI2, camt, "
                           "MT940)."),
    "mailbox": LazyCommand("bots.cli.mailbox:mailbox",
                           "Check the configured mailboxes (folder, IMAP, Exchange, Graph)."),
    "match": LazyCommand("bots.cli.match:match_cmd",
                         "Propose which open items each remittance pays "
                         "(auto / review / unmatched)."),
    "portals": LazyCommand("bots.cli.portals:portals_group",
                           "Customer AP portals: check the sign-ins, submit invoices."),
    "report": LazyCommand("bots.cli.run:report_command",
                          "Print (or open) the report of RUN_ID, by default the newest run."),
    "review": LazyCommand("bots.cli.run:review_group",
                          "Act on the decisions AR staff wrote into a worklist."),
    "run": LazyCommand("bots.cli.run:run_command",
                       "Run BOTS now: nightly, or any of the bots by name."),
    "runs": LazyCommand("bots.cli.run:runs_command",
                        "List the run history, newest first (runs found dead are marked "
                        "aborted)."),
    "sandbox": LazyCommand("bots.cli.sandbox:sandbox_group", "The embedded sandbox systems."),
    "sap": LazyCommand("bots.cli.sap:sap_group",
                       "Talk to SAP (or the sandbox): health check, open-item and customer "
                       "export."),
    "schedule": LazyCommand("bots.cli.schedule:schedule_command",
                            "Run the configured [schedule] jobs unattended, until SIGTERM or "
                            "SIGINT."),
    "worker": LazyCommand("bots.cli.worker:worker_command",
                          "Run the Temporal engine's workers for QUEUES until SIGINT or "
                          "SIGTERM."),
}


@click.group(cls=LazyGroup, lazy_commands=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arbots")
def main() -> None:
    """Automation bots for SAP accounts receivable."""


__all__ = ["COMMANDS", "main"]
