"""``arbots portals check`` and ``arbots portals submit``: the portal bots on their own.

``check`` signs in afresh to every configured portal site (saving the
session for the next run) and says which work.
``submit --portal NAME`` submits invoices through one site: from
``--invoices FILE`` (JSON, see :mod:`bots.portals.invoice`), or in sandbox
mode, without a file, one demo invoice per open PO of the reference portal.
``--invoice NO`` keeps only that invoice; ``--dry-run`` fills every form and
presses no Submit. Sites without ``base_url`` (sandbox mode) are served by
the reference portals, started for the command's duration.

``submit`` holds the landscape's lease (not in a dry run): another run
holding it makes it refuse (exit 75, naming the run) or, with ``--wait``, wait.

Exit codes: 0 ok; 1 some invoices were rejected or failed; 2 configuration
error, or (``check``) a site could not be signed in to; 75 the landscape is
held by another run.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import click

from bots.cli.common import (
    EXIT_BUSY,
    EXIT_CONFIG,
    EXIT_FAILURES,
    config_option,
    console,
    exits_on_config_error,
    fail,
    load_or_exit,
    wait_option,
)
from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.portals import (
    PortalInvoice,
    PortalRunner,
    PortalsConfig,
    PortalSite,
    SubmissionResult,
    load_invoices,
    open_browser,
    portal_policy,
    portals_config,
)
from bots.portals.connect import reachable_sites
from bots.portals.cxml_sender import CxmlSender
from bots.store import LeaseHeld, Store
from bots.takeover import landscape_run


@click.group("portals")
def portals_group() -> None:
    """Customer AP portals: check the sign-ins, submit invoices."""


@portals_group.command("check")
@config_option
@exits_on_config_error
def check_cmd(config_path: str | None) -> None:
    """Sign in afresh to each configured portal site and report."""
    cfg = load_or_exit(config_path)
    pcfg = portals_config(cfg)
    with reachable_sites(pcfg) as (sites, _):
        runner = PortalRunner.from_config(pcfg, sites, ledger=None,
                                          artifacts_dir=cfg.runs_dir / "portals-check")

        async def check() -> dict[str, str | None]:
            async with open_browser() as browser:
                return await runner.check(browser)

        answers = asyncio.run(check())
    for name, problem in answers.items():
        click.echo(f"{name}: {'ok' if problem is None else 'FAILED: ' + problem}")
    if any(answers.values()):
        sys.exit(EXIT_CONFIG)


@portals_group.command("submit")
@click.option("--portal", "site_name", required=True, help="Portal site ([portals.sites.NAME]).")
@click.option("--invoice", "invoice_no", default=None, help="Submit only this invoice number.")
@click.option("--invoices", "invoices_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="JSON file of invoices (default in sandbox: demo invoices).")
@click.option("--dry-run", is_flag=True, help="Fill every form, press no Submit, record nothing.")
@wait_option
@config_option
@exits_on_config_error
def submit_cmd(site_name: str, invoice_no: str | None, invoices_file: Path | None,
               dry_run: bool, wait: timedelta | None, config_path: str | None) -> None:
    """Submit invoices through one portal site and print what happened to each."""
    cfg = load_or_exit(config_path)
    pcfg = portals_config(cfg)
    if site_name not in pcfg.sites:
        fail(f"{cfg.source}: portals.sites: no site named {site_name!r} (have: "
             f"{', '.join(sorted(pcfg.sites)) or 'none'})", EXIT_CONFIG)
    bad: list[str] = []
    with reachable_sites(pcfg) as (sites, world):
        if invoices_file is not None:
            invoices, bad = load_invoices(invoices_file)
        elif world is not None:
            from bots.sandbox.portals.demo import demo_invoices

            family = pcfg.sites[site_name].family  # a cXML buyer: the Ariba-like portal
            invoices = demo_invoices(world["ariba" if family == "cxml" else family],
                                     site_name, date.today())
        else:
            fail("give --invoices FILE (no demo invoices outside the sandbox)", EXIT_CONFIG)
        chosen = [i for i in invoices if i.portal == site_name
                  and (invoice_no is None or i.invoice_no == invoice_no)]
        for line in bad:
            console.print(f"[red]bad input:[/] {line}", highlight=False)
        try:
            results = _submit(cfg, pcfg, [s for s in sites if s.name == site_name], chosen,
                              dry_run, wait)
        except LeaseHeld as exc:
            fail(str(exc), EXIT_BUSY)
    for r in results:
        extra = f" {r.confirmation}" if r.confirmation else ""
        click.echo(f"{r.invoice_no}: {r.outcome.value}{extra} - {r.message}")
        for path in (*r.traces, *r.screenshots):
            click.echo(f"    {path}")
    if not chosen:
        console.print("nothing to submit", highlight=False)
    if bad or not all(r.ok for r in results):
        sys.exit(EXIT_FAILURES)


def _submit(cfg: Config, pcfg: PortalsConfig, sites: list[PortalSite],
            invoices: list[PortalInvoice], dry_run: bool,
            wait: timedelta | None) -> list[SubmissionResult]:
    """One recorded run of the portal bot over ``invoices``, holding the landscape's lease."""
    with Store(cfg.store_target()) as store, landscape_run(
            cfg, store, Trigger.ON_DEMAND, ("portals",), dry_run=dry_run,
            wait=wait) as (run, lease, _takeover):
        runner = PortalRunner.from_config(pcfg, sites, ledger=store.ledger(run.id),
                                          artifacts_dir=cfg.runs_dir / run.id / "portals")

        async def submit() -> list[SubmissionResult]:
            recorder = lease.register_child if lease is not None else None
            async with open_browser(on_process=recorder) as browser:
                return await runner.submit(browser, invoices, dry_run=dry_run)

        def send_cxml() -> list[SubmissionResult]:  # a cXML buyer needs no browser
            return CxmlSender(sites, ledger=store.ledger(run.id),
                              artifacts_dir=cfg.runs_dir / run.id / "portals",
                              retry=portal_policy(pcfg.attempts, pcfg.backoff_ms)
                              ).submit(invoices, dry_run=dry_run)

        try:
            cxml = bool(sites) and all(site.is_cxml for site in sites)
            results = (send_cxml() if cxml else asyncio.run(submit())) if invoices else []
        except KeyboardInterrupt:
            store.finish_run(run.id, RunStatus.INTERRUPTED, {}, "stopped by Ctrl-C")
            raise
        except BaseException as exc:
            store.finish_run(run.id, RunStatus.FAILED, {}, f"{type(exc).__name__}: {exc}")
            raise
        counts = Counter(r.outcome.value for r in results)
        status = RunStatus.OK if all(r.ok for r in results) else RunStatus.FAILED
        store.finish_run(run.id, status, dict(counts))
    return results
