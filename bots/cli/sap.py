"""``arbots sap ping|open-items|customers``.

Exit codes: 0 ok; 1 SAP refused the request (a business error); 2 the
configuration is wrong, the logon was refused or SAP cannot be reached.
Every error is one line on stderr.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bots.cli.common import (
    EXIT_CONFIG,
    EXIT_FAILURES,
    config_option,
    console,
    exits_on_config_error,
    fail,
    load_or_exit,
)
from bots.interchange import write_customers, write_open_items
from bots.sap import SapBusinessError, SapError, SapLogonError, SapTechnicalError, connect


def _sap_failure(exc: SapError) -> None:
    """One line and the exit code that fits the error."""
    if isinstance(exc, SapLogonError):
        fail(f"SAP logon refused: {exc.message} (check sap.connection.user and passwd)",
             EXIT_CONFIG)
    if isinstance(exc, SapTechnicalError):
        fail(f"SAP not reachable: {exc.message}", EXIT_CONFIG)
    code = EXIT_FAILURES if isinstance(exc, SapBusinessError) else EXIT_CONFIG
    fail(f"SAP refused: {exc.message}", code)


@click.group("sap")
def sap_group() -> None:
    """Talk to SAP (or the sandbox): health check, open-item and customer export."""


@sap_group.command("ping")
@config_option
@exits_on_config_error
def ping_cmd(config_path: str | None) -> None:
    """Log on, call RFC_PING and STFC_CONNECTION, print the system's answer."""
    cfg = load_or_exit(config_path)
    try:
        with connect(cfg.sap) as sap:
            seconds = sap.ping()
            info = sap.system_info()
    except SapError as exc:
        _sap_failure(exc)
        return
    click.echo(f"ok ({cfg.sap.mode}, {seconds * 1000:.1f} ms): {info}")


@sap_group.command("open-items")
@config_option
@click.option("--company-code", "company_codes", multiple=True,
              help="Company code (repeatable; default: sap.company_codes).")
@click.option("--key-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Open at this date, YYYY-MM-DD (default: today).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file: .csv, or .xlsx for a worksheet.")
@exits_on_config_error
def open_items_cmd(config_path: str | None, company_codes: tuple[str, ...],
                   key_date: object, out: Path) -> None:
    """Export the open items as the interchange OPEN.csv (or .xlsx)."""
    cfg = load_or_exit(config_path)
    codes = list(company_codes or cfg.sap.company_codes)
    on = key_date.date() if key_date is not None else date.today()  # type: ignore[attr-defined]
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    try:
        with connect(cfg.sap) as sap, Progress(*columns, console=console,
                                               transient=True) as progress:
            task = progress.add_task("open items: 0", total=None)

            def advance(n: int) -> None:
                if n % 1000 == 0:
                    progress.update(task, description=f"open items: {n:,}")

            count = write_open_items(sap.iter_open_items(codes, on), out, advance)
    except SapError as exc:
        _sap_failure(exc)
        return
    console.print(f"{count:,} open items of {', '.join(codes)} at {on.isoformat()} -> {out}",
                  highlight=False)



@sap_group.command("customers")
@config_option
@click.option("--company-code", "company_codes", multiple=True,
              help="Company code (repeatable; default: sap.company_codes).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file: .csv, or .xlsx for a worksheet.")
@exits_on_config_error
def customers_cmd(config_path: str | None, company_codes: tuple[str, ...], out: Path) -> None:
    """Export the customers as the interchange CUST.csv (the file of `match --customers`)."""
    cfg = load_or_exit(config_path)
    codes = list(company_codes or cfg.sap.company_codes)
    try:
        with connect(cfg.sap) as sap:
            count = write_customers(sap.customers(codes), out)
    except SapError as exc:
        _sap_failure(exc)
        return
    console.print(f"{count:,} customers of {', '.join(codes)} -> {out}", highlight=False)
