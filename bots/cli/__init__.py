"""The ``arbots`` command line: a thin surface over the rooms, no business rules.

Exit codes: 0 ok, 1 finished with failures (bad files, refused postings),
2 configuration or connection error, 75 the landscape is held by another run,
130 stopped by Ctrl-C, 143 stopped by SIGTERM. Each command lives in its own
module of this package and is registered here.
"""

from __future__ import annotations

import click

from bots.cli.collections import collections_group
from bots.cli.common import console
from bots.cli.console import console_group
from bots.cli.extract import extract_command
from bots.cli.mailbox import mailbox
from bots.cli.match import match_cmd
from bots.cli.portals import portals_group
from bots.cli.run import demo_command, report_command, review_group, run_command, runs_command
from bots.cli.sandbox import sandbox_group
from bots.cli.sap import sap_group
from bots.cli.schedule import schedule_command
from bots.cli.worker import worker_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arbots")
def main() -> None:
    """Automation bots for SAP accounts receivable."""


for _command in (run_command, demo_command, runs_command, report_command, review_group,
                 schedule_command, extract_command, match_cmd, sap_group, sandbox_group,
                 portals_group, mailbox, console_group, worker_command, collections_group):
    main.add_command(_command)

__all__ = ["main", "console"]
