"""``arbots console``: serve the web console; ``add-user`` and ``token`` manage its access."""

from __future__ import annotations

import sys

import click

from bots.cli.common import EXIT_CONFIG, EXIT_FAILURES, config_option, console, fail, load_or_exit
from bots.store import Store


@click.group("console", invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep loopback behind a TLS reverse proxy).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--approve-limit", "approve_limits", multiple=True, metavar="[CUR=]AMOUNT",
              help="Largest payment AR staff may post alone (e.g. 10000.00, JPY=1500000; "
                   "repeatable); above it a supervisor decides. Default: no limit.")
@config_option
@click.pass_context
def console_group(ctx: click.Context, host: str, port: int, approve_limits: tuple[str, ...],
                  config_path: str | None) -> None:
    """Serve the web console (runs, review, "what does this pay?") from the store."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from bots.console import create_app
    from bots.console.review import parse_limits

    try:
        limits = parse_limits(approve_limits)
    except ValueError as exc:
        fail(str(exc), EXIT_CONFIG)
    cfg = load_or_exit(config_path)
    with Store(cfg.store_target()) as store:
        if not store.console_users():
            console.print("no console users yet: add one with `arbots console add-user NAME "
                          "--role admin --password-stdin`", highlight=False)
    console.print(f"arbots console on http://{host}:{port}/ (store {cfg.store_name})",
                  highlight=False)
    uvicorn.run(create_app(cfg, approve_limits=limits), host=host, port=port,
                log_level="warning")


@console_group.command("add-user")
@click.argument("name")
@click.option("--role", type=click.Choice(["ar_staff", "supervisor", "admin"]), required=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@config_option
def add_user_command(name: str, role: str, password_stdin: bool,
                     config_path: str | None) -> None:
    """Add console user NAME with ROLE, or reset an existing one's role and password."""
    from bots.console.auth import add_user

    if not password_stdin:
        fail("give the password on standard input with --password-stdin (never as an "
             "argument: it would be in the shell history)", EXIT_CONFIG)
    password = sys.stdin.readline().rstrip("\r\n")
    cfg = load_or_exit(config_path)
    with Store(cfg.store_target()) as store:
        try:
            add_user(store, name, role, password)
        except ValueError as exc:
            fail(str(exc), EXIT_FAILURES)
    console.print(f"console user {name} saved with role {role}", highlight=False, markup=False)


@console_group.command("token")
@click.argument("user")
@config_option
def token_command(user: str, config_path: str | None) -> None:
    """Issue an API token for USER, printed once on stdout (only its hash is kept)."""
    from bots.console.auth import issue_token

    cfg = load_or_exit(config_path)
    with Store(cfg.store_target()) as store:
        try:
            token = issue_token(store, user)
        except ValueError as exc:
            fail(str(exc), EXIT_FAILURES)
    click.echo(token)


__all__ = ["console_group"]
