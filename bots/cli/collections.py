"""``arbots collections``: what AR staff record about an account by hand (promises to pay,
contacts, disputes)."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

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
from bots.config import Config, ConfigError

if TYPE_CHECKING:
    from bots.runner import RunOutcome

F = TypeVar("F", bound=Callable[..., Any])


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


_ACTION_OPTIONS = (
    click.option("--company-code", default=None,
                 help="Company code of the account (default: the first configured)."),
    click.option("--as", "user", default=None, metavar="USER",
                 help="Who recorded it, for the note and the audit (default: the OS user)."),
    click.option("--run-id", hidden=True, default=None,
                 help="Record the run under this id (the web console follows its runs by it)."),
    click.option("--source", hidden=True, type=click.Choice(["cli", "console"]), default="cli",
                 help="Where it was recorded (the web console says console)."),
    wait_option,
    config_option,
)


def _action_options(command: F) -> F:
    """The options every recording command takes (company code, --as, run id, source,
    --wait, --config)."""
    for option in reversed(_ACTION_OPTIONS):
        command = option(command)
    return command


def _run_on_demand(cfg: Config, bot: str, request: dict[str, str], wait: timedelta | None,
                   run_id: str | None) -> RunOutcome:
    """Run the on-demand bot ``bot`` with ``request`` and print its errors; exit 2 (config)
    or 75 (the landscape is busy) when it cannot start."""
    from bots.domain import Trigger
    from bots.runner import run_bots
    from bots.store import LeaseHeld

    try:
        outcome = run_bots(cfg, (bot,), Trigger.ON_DEMAND, inputs={bot: request}, wait=wait,
                           run_id=run_id)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    except LeaseHeld as exc:
        fail(str(exc), EXIT_BUSY)
    for error in outcome.report.bots[0].errors:
        console.print(f"[bold red]error:[/] {escape(error.item)}: {escape(error.reason)} "
                      f"{escape(error.how_to_fix)}", highlight=False, soft_wrap=True)
    return outcome


@collections_group.command("promise")
@click.argument("customer")
@click.option("--amount", required=True, callback=_amount, help="Amount promised, e.g. 1234.56.")
@click.option("--date", "promised_date", required=True, callback=_day,
              help="Day the customer promised to pay by (YYYY-MM-DD).")
@click.option("--currency", default=None,
              help="Currency of the promise (default: the account's open items' currency).")
@_action_options
def promise_command(customer: str, amount: Decimal, promised_date: date,
                    currency: str | None, company_code: str | None, user: str | None,
                    run_id: str | None, source: str, wait: timedelta | None,
                    config_path: str | None) -> None:
    """Record that CUSTOMER promised to pay --amount by --date, with a note in SAP.

    Recording the same promise again changes nothing. Each collections run then
    judges it: kept once paid (within [collections] promise_tolerance_pct),
    broken when the date has passed, which puts the account first on the next list.
    """
    from bots.pipeline.promises import REQUEST, PromiseRequest

    cfg = load_or_exit(config_path)
    request = PromiseRequest(
        customer=customer, amount=amount, promised_date=promised_date,
        company_code=company_code or cfg.sap.company_codes[0],
        currency=currency.upper() if currency else None,
        recorded_by=user or getpass.getuser(), source=source)
    outcome = _run_on_demand(cfg, REQUEST, request.as_input(), wait, run_id)
    section = outcome.report.bots[0]
    if not section.errors:
        recorded = "recorded" if section.counts["promises_recorded"] else "already recorded"
        console.print(f"promise of {request.customer} ({request.company_code}) to pay {amount} "
                      f"by {promised_date.isoformat()}: {recorded}; notes written "
                      f"{section.counts['notes_written']}, already there "
                      f"{section.counts['notes_already_written']} (run {outcome.run_id})",
                      highlight=False)
    raise SystemExit(outcome.exit_code)


def _record(bot: str, config_path: str | None, wait: timedelta | None, run_id: str | None,
            **request: str | None) -> None:
    """Run the on-demand bot ``bot`` of :mod:`bots.pipeline.account_actions` with
    ``request``; print its errors or what it wrote; exit with the run's exit code."""
    from bots.pipeline.account_actions import AccountAction

    cfg = load_or_exit(config_path)
    fields = {k: v or "" for k, v in request.items()}
    action = AccountAction(**{**fields, "company_code": fields["company_code"]
                              or cfg.sap.company_codes[0]})
    outcome = _run_on_demand(cfg, bot, action.as_input(), wait, run_id)
    section = outcome.report.bots[0]
    for waiting in section.waiting:
        console.print(f"{waiting.item}: {waiting.why}", highlight=False, markup=False)
    counts = ", ".join(f"{k} {v}" for k, v in section.counts.items())
    console.print(f"{bot} of {action.company_code}/{action.customer}: {counts} "
                  f"(run {outcome.run_id})", highlight=False, markup=False)
    raise SystemExit(outcome.exit_code)


@collections_group.command("contacted")
@click.argument("customer")
@click.option("--note", "text", default="", help="What was said (goes into the note in SAP).")
@_action_options
def contacted_command(customer: str, text: str, company_code: str | None, user: str | None,
                      run_id: str | None, source: str, wait: timedelta | None,
                      config_path: str | None) -> None:
    """Record that CUSTOMER was contacted: a collection note on the account in SAP (the
    collections cadence counts from it), written once per person, account and day."""
    from bots.pipeline.account_actions import CONTACT

    _record(CONTACT, config_path, wait, run_id, customer=customer, text=text,
            company_code=company_code, recorded_by=user or getpass.getuser(), source=source)


@collections_group.command("dispute")
@click.argument("customer")
@click.option("--invoice", required=True, help="Document number or reference of the invoice.")
@click.option("--reason", "text", required=True,
              help="The customer's reason (the case's note; its reason code as for a "
                   "printed deduction reason).")
@click.option("--amount", default=None, help="Disputed amount (default: all that is open).")
@_action_options
def dispute_command(customer: str, invoice: str, text: str, amount: str | None,
                    company_code: str | None, user: str | None, run_id: str | None,
                    source: str, wait: timedelta | None, config_path: str | None) -> None:
    """Record that CUSTOMER disputes --invoice: an FSCM dispute case on the invoice item,
    opened once (needs [disputes] enabled)."""
    from bots.pipeline.account_actions import DISPUTE

    _record(DISPUTE, config_path, wait, run_id, customer=customer, text=text, invoice=invoice,
            amount=amount, company_code=company_code, recorded_by=user or getpass.getuser(),
            source=source)
