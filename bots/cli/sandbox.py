"""``arbots sandbox reset``: regenerate the embedded sandbox (SAP data, or the whole world).

``arbots sandbox reset`` replaces the SAP sandbox's data only;
``arbots sandbox reset --world [--size small|demo|bigday] [--seed N]`` resets the
whole world the bots run against (SAP sandbox, reference portals, demo
mailbox, outbox, run store and runs folder) without running anything, so a
trial can be repeated exactly. Only a sandbox configuration can be reset.
"""

from __future__ import annotations

import click

from bots.cli.common import (
    EXIT_CONFIG,
    config_option,
    console,
    exits_on_config_error,
    fail,
    load_or_exit,
)
from bots.config import ConfigError


@click.group("sandbox")
def sandbox_group() -> None:
    """The embedded sandbox systems."""


@sandbox_group.command("reset")
@config_option
@click.option("--world", "whole_world", is_flag=True,
              help="Reset the whole world: SAP, portals, mailbox, outbox, store, runs.")
@click.option("--size", type=click.Choice(["demo", "small", "bigday"]), default=None,
              help="With --world: the world's size (default demo).")
@click.option("--customers", type=click.IntRange(min=1), default=None,
              help="SAP only: number of customers [default: 70].")
@click.option("--items", type=click.IntRange(min=0), default=None,
              help="SAP only: number of open items [default: 3200].")
@click.option("--seed", type=int, default=None,
              help="Seed of the generated data [default: 7; small world: 8; bigday: 9].")
@exits_on_config_error
def reset_cmd(config_path: str | None, whole_world: bool, size: str | None,
              customers: int | None, items: int | None, seed: int | None) -> None:
    """Regenerate the SAP sandbox's demo data, or with --world the whole sandbox world."""
    cfg = load_or_exit(config_path)
    if whole_world:
        if customers is not None or items is not None:
            fail("--customers and --items are for the SAP data alone; with --world use "
                 "--size", EXIT_CONFIG)
        from bots.sandbox.world import SIZES, reset_world

        shape = SIZES[size or "demo"]
        try:
            seeded = reset_world(cfg, size=size or "demo", seed=seed, keep_runs=False)
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)
        console.print(f"sandbox world ({size or 'demo'}, seed "
                      f"{shape.seed if seed is None else seed}) below {cfg.home}: "
                      f"{shape.customers} customers, {shape.items:,} items, "
                      f"{len(seeded)} e-mails in the demo mailbox; store, outbox, portals "
                      "and runs emptied", highlight=False)
        return
    if size is not None:
        fail("--size goes with --world", EXIT_CONFIG)
    from bots.sandbox.sap import reset_sandbox  # the sandbox is this command's subject

    given = {name: value for name, value in
             (("customers", customers), ("items", items), ("seed", seed)) if value is not None}
    summary = reset_sandbox(cfg.sap.sandbox_db, **given)  # its own defaults for the rest
    console.print(f"SAP sandbox {cfg.sap.sandbox_db}: {summary.customers} customers, "
                  f"{summary.open_items:,} items ({summary.seconds:.1f}s)", highlight=False)
