"""What every command shares: the --config option, error exits, the console."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from bots.config import Config, ConfigError, load_config
from bots.exit_codes import (  # noqa: F401  (re-exported for the commands)
    EXIT_BUSY,
    EXIT_CONFIG,
    EXIT_FAILURES,
    EXIT_OK,
    EXIT_SIGINT,
    EXIT_SIGTERM,
)

console = Console(stderr=True)

DEFAULT_WAIT = timedelta(minutes=30)

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default=None,
    envvar="ARBOTS_CONFIG", help="Configuration file (default: the embedded sandbox demo).")


def wait_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--wait`` / ``--wait-timeout SECONDS``, handed to the command as ``wait``.

    ``wait`` is how long to wait for the landscape's lease when another run
    holds it (None: refuse at once, exit 75, naming the holder).
    """

    @click.option("--wait", "wait_flag", is_flag=True,
                  help="If another run holds the landscape, wait for it (see --wait-timeout).")
    @click.option("--wait-timeout", type=click.IntRange(min=1), metavar="SECONDS",
                  default=int(DEFAULT_WAIT.total_seconds()), show_default=True,
                  help="How long --wait waits for the landscape's lease.")
    @functools.wraps(func)
    def wrapper(*args: Any, wait_flag: bool, wait_timeout: int, **kwargs: Any) -> Any:
        return func(*args, wait=timedelta(seconds=wait_timeout) if wait_flag else None,
                    **kwargs)

    return wrapper


def load_or_exit(config_path: str | None) -> Config:
    """The configuration, or a one-line error and exit code 2."""
    try:
        return load_config(config_path)
    except ConfigError as exc:
        return fail(str(exc), EXIT_CONFIG)


def fail(message: str, code: int) -> NoReturn:
    """Print one red line on stderr and exit with ``code``."""
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    forget_handled_ctrl_c()
    sys.exit(code)


def forget_handled_ctrl_c() -> None:
    """Keep a handled second Ctrl-C from turning the exit code into "killed by SIGINT".

    CPython (3.11) remembers a ``KeyboardInterrupt`` that left code run by
    ``exec`` of a string (dataclasses build their methods that way, so a
    Ctrl-C during a lazy import lands there) and, at exit, kills the process
    with SIGINT although the run handled it and chose exit 130. Any later
    ``exec`` of a string resets that flag.
    """
    exec("None")  # noqa: S102 - a constant string; see the docstring


def exits_on_config_error(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ConfigError raised anywhere in a command into exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)

    return wrapper
