"""What every command shares: the --config option, error exits, the console."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from bots.config import Config, ConfigError, load_config

console = Console(stderr=True)

EXIT_OK, EXIT_FAILURES, EXIT_CONFIG = 0, 1, 2

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default=None,
    envvar="ARBOTS_CONFIG", help="Configuration file (default: the embedded sandbox demo).")


def load_or_exit(config_path: str | None) -> Config:
    """The configuration, or a one-line error and exit code 2."""
    try:
        return load_config(config_path)
    except ConfigError as exc:
        return fail(str(exc), EXIT_CONFIG)


def fail(message: str, code: int) -> NoReturn:
    """Print one red line on stderr and exit with ``code``."""
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    sys.exit(code)


def exits_on_config_error(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ConfigError raised anywhere in a command into exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)

    return wrapper
