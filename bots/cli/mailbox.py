"""``arbots mailbox check|list``: are the configured mailboxes reachable, and what waits there.

``check`` connects to each mailbox and says how many messages wait;
``list`` prints them one per line, tab-separated (mailbox, id, date, sender,
subject), for people and for scripts. Neither moves or changes
anything. Exit code 2 when a mailbox cannot be reached or refuses the login
(the others are still checked), 0 otherwise.
"""

from __future__ import annotations

import click

from bots.cli.common import (
    EXIT_CONFIG,
    EXIT_OK,
    config_option,
    console,
    exits_on_config_error,
    load_or_exit,
)
from bots.email import Mailbox, MailboxError, MessageRef, configured_mailboxes


@click.group("mailbox")
def mailbox() -> None:
    """Check the configured mailboxes (folder, IMAP, Exchange, Graph)."""


def _visit(config_path: str | None, name: str | None) \
        -> list[tuple[Mailbox, list[MessageRef] | MailboxError]]:
    config = load_or_exit(config_path)
    boxes = configured_mailboxes(config)
    if name is not None:
        boxes = [box for box in boxes if box.name == name]
        if not boxes:
            raise click.BadParameter(f"no mailbox named {name!r} in {config.source}",
                                     param_hint="--name")
    results: list[tuple[Mailbox, list[MessageRef] | MailboxError]] = []
    for box in boxes:
        try:
            with box:
                results.append((box, box.list_new()))
        except MailboxError as exc:
            results.append((box, exc))
    return results


def _exit_code(results: list[tuple[Mailbox, list[MessageRef] | MailboxError]]) -> int:
    return EXIT_CONFIG if any(isinstance(r, MailboxError) for _, r in results) else EXIT_OK


@mailbox.command("check")
@config_option
@click.option("--name", default=None, help="Only this mailbox.")
@exits_on_config_error
def check(config_path: str | None, name: str | None) -> None:
    """Connect to each mailbox and report how many new messages wait."""
    results = _visit(config_path, name)
    for box, result in results:
        if isinstance(result, MailboxError):
            console.print(f"[bold red]{box.name}[/] ({box.kind}): {result}", highlight=False)
        else:
            console.print(f"[green]{box.name}[/] ({box.kind}): {len(result)} new message(s)",
                          highlight=False)
            click.echo(f"{box.name}\t{box.kind}\t{len(result)}")
    raise SystemExit(_exit_code(results))


@mailbox.command("list")
@config_option
@click.option("--name", default=None, help="Only this mailbox.")
@exits_on_config_error
def list_messages(config_path: str | None, name: str | None) -> None:
    """List the messages waiting in each mailbox (nothing is moved)."""
    results = _visit(config_path, name)
    click.echo("mailbox\tid\tdate\tfrom\tsubject")
    for box, result in results:
        if isinstance(result, MailboxError):
            console.print(f"[bold red]{box.name}[/] ({box.kind}): {result}", highlight=False)
            continue
        for ref in result:
            fields = (box.name, ref.id, ref.date.isoformat() if ref.date else "",
                      ref.sender or "", ref.subject or "")
            click.echo("\t".join(" ".join(f.split()) for f in fields))
    raise SystemExit(_exit_code(results))
