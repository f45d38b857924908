"""The ``arbots`` command line: a thin surface over the rooms, no business rules.

Exit codes: 0 ok, 1 finished with failures (bad files, refused postings),
2 configuration or connection error. Each command lives in its own module of
this package and is registered here.
"""

from __future__ import annotations

import click

from bots.cli.common import console


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arbots")
def main() -> None:
    """Automation bots for SAP accounts receivable."""


# Registration of the command modules (one line per surface module).
from bots.cli.run import demo_command, report_command, run_command, runs_command  # noqa: E402

for _command in (run_command, demo_command, runs_command, report_command):
    main.add_command(_command)

__all__ = ["main", "console"]
