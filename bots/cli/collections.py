"""``arbots collections``: what AR staff record about an account by hand (promises to pay)."""

from __future__ import annotations

import getpass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import click
from rich.markup import escape

from bots.cli.common import (
    EXIT_BUSY,
    EXIT_CONFIG,
    config_option,
    console,
    fail,
    load_or_exit,
    wait_option,
)
from bots.config import ConfigError


@click.group("collections")
def collections_group() -> None:
    """Record what a customer told the collector."""


def _amount(_ctx: click.Context, _param: click.Parameter, value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"not an amount: {value!r} (write 1234.56)") from None
    if not amount.is_finite() or amount <= 0:
        raise click.BadParameter(f"a promise needs a positive amount, got {value}")
    return amount


def _day(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date: {value!r} (write 2026-12-20)") from None


@collections_group.command("promise")
@click.argument("customer")
@click.option("--amount", required=True, callback=_amount, help="Amount promised, e.g. 1234.56.")
@click.option("--date", "promised_date", required=True, callback=_day,
              help="Day the customer promised to pay by (YYYY-MM-DD).")
@click.option("--company-code", default=None,
              help="Company code of the account (default: the first configured).")
@click.option("--currency", default=None,
              help="Currency of the promise (default: the account's open items' currency).")
@click.option("--as", "user", default=None, metavar="USER",
              help="Who took the promise, for the note and the audit (default: the OS user).")
@click.option("--run-id", hidden=True, default=None,
              help="Record the run under this id (the web console follows its runs by it).")
@click.option("--source", hidden=True, type=click.Choice(["cli", "console"]), default="cli",
              help="Where the promise was taken (the web console says console).")
@wait_option
@config_option
def promise_command(customer: str, amount: Decimal, promised_date: date,
                    company_code: str | None, currency: str | None, user: str | None,
                    run_id: str | None, source: str, wait: timedelta | None,
                    config_path: str | None) -> None:
    """Record that CUSTOMER promised to pay --amount by --date, with a note in SAP.

    Recording the same promise again changes nothing. Each collections run then
    judges it: kept once paid (within [collections] promise_tolerance_pct),
    broken when the date has passed, which puts the account first on the next list.
    """
    from bots.domain import Trigger
    from bots.pipeline.promises import REQUEST, PromiseRequest
    from bots.runner import run_bots
    from bots.store import LeaseHeld

    cfg = load_or_exit(config_path)
    request = PromiseRequest(
        customer=customer, amount=amount, promised_date=promised_date,
        company_code=company_code or cfg.sap.company_codes[0],
        currency=currency.upper() if currency else None,
        recorded_by=user or getpass.getuser(), source=source)
    try:
        outcome = run_bots(cfg, (REQUEST,), Trigger.ON_DEMAND,
                           inputs={REQUEST: request.as_input()}, wait=wait, run_id=run_id)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    except LeaseHeld as exc:
        fail(str(exc), EXIT_BUSY)
    section = outcome.report.bots[0]
    for error in section.errors:
        console.print(f"[bold red]error:[/] {escape(error.item)}: {escape(error.reason)} "
                      f"{escape(error.how_to_fix)}", highlight=False, soft_wrap=True)
    if not section.errors:
        recorded = "recorded" if section.counts["promises_recorded"] else "already recorded"
        console.print(f"promise of {request.customer} ({request.company_code}) to pay {amount} "
                      f"by {promised_date.isoformat()}: {recorded}; notes written "
                      f"{section.counts['notes_written']}, already there "
                      f"{section.counts['notes_already_written']} (run {outcome.run_id})",
                      highlight=False)
    raise SystemExit(outcome.exit_code)
