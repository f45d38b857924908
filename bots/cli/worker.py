"""``arbots worker``: serve the Temporal engine's task queues on this host.

Exit codes: 0 stopped on request (SIGINT, SIGTERM), 2 configuration error or
Temporal unreachable (the message names the address).
"""

from __future__ import annotations

import logging

import click

from bots.cli.common import EXIT_CONFIG, config_option, fail, load_or_exit
from bots.config import ConfigError
from bots.engine.plan import QUEUES


def _queues(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(q.strip() for q in value.split(",") if q.strip()))
    unknown = [q for q in names if q not in QUEUES]
    if unknown or not names:
        raise click.BadParameter(f"expected some of {','.join(QUEUES)}, got {value!r}")
    return names


@click.command("worker")
@click.option("--queues", default=",".join(QUEUES), show_default=True, callback=_queues,
              help="Task queues to serve, comma-separated: sap (SAP bots), browser (portals), "
                   "mail (intake), flow (the workflow).")
@config_option
def worker_command(queues: tuple[str, ...], config_path: str | None) -> None:
    """Run the Temporal engine's workers for QUEUES until SIGINT or SIGTERM.

    The address is [engine] address (ARBOTS_TEMPORAL=host:port overrides it);
    see runbooks/temporal.md for which host serves which queue.
    """
    from bots.engine.worker import serve

    cfg = load_or_exit(config_path)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                                                   "%(message)s")
    try:
        serve(cfg, queues)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
