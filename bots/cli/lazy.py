"""A click group whose commands are imported only when one of them runs.

``arbots extract`` should not pay for importing Playwright, Temporal, FastAPI
and SQLAlchemy, which other commands need. :class:`LazyGroup` knows each
command by the module and attribute that define it and by its one-line help,
so ``arbots --help`` lists every command without importing any, and
``arbots CMD ...`` (or ``arbots CMD --help``) imports ``CMD``'s module only.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives (``module:attribute``) and its one-line help."""

    target: str
    help: str

    def load(self) -> click.Command:
        """Import the command's module and return the command."""
        module, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


class LazyGroup(click.Group):
    """A :class:`click.Group` whose commands are imported on first use."""

    def __init__(self, *args: Any, lazy_commands: dict[str, LazyCommand],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.add_command(self.lazy_commands[cmd_name].load(), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their one-line help, importing none that is not loaded yet."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            if name in self.commands:
                command = self.commands[name]
                if not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
            else:
                stand_in = click.Command(name, help=self.lazy_commands[name].help)
                rows.append((name, stand_in.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
