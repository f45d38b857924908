"""Starting ``arbots`` commands from the console: always as a separate process.

A bot never runs inside the web server's process. :func:`start_run` chooses
the run id, starts ``arbots run BOT --run-id ID`` and records the launch; the
console then follows the run by that id in the store, like any other run. A
watcher thread keeps the process's exit code and the last line of its stderr
(kept in ``<runs_dir>/console/<id>.log``), so a run refused before it started
(another run holds the landscape, a configuration error) says why.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from bots.config import Config
from bots.runner import BOTS, for_company_code
from bots.store import Store

# bots that need a request are started from their own page (review: start_review,
# promise, contact, dispute: bots.console.collections), not by name
ON_REQUEST = ("review", "promise", "contact", "dispute")
STARTABLE = ("nightly", *(name for name in BOTS if name not in ON_REQUEST))
ARBOTS = (sys.executable, "-m", "bots.cli")
REVIEW_PATIENCE = 12 * 3600  # seconds a review process waits for the nightly run to end


def start_run(cfg: Config, store: Store, bot: str, dry_run: bool, person: str,
              company_code: str | None = None) -> str:
    """Start ``arbots run BOT`` for ``person`` in the background; the run's id.

    ``company_code``: run for that company code only (``--company-code``); ValueError
    when it is not configured or the bot always runs for every company code."""
    if bot not in STARTABLE:
        raise ValueError(f"unknown bot {bot!r}; known: {', '.join(STARTABLE)}")
    if company_code:
        for_company_code(cfg, company_code, (bot,))  # refused here rather than in the process
    run_id = store.new_run_id((bot,))
    args = ["run", bot, "--run-id", run_id, *(["--dry-run"] if dry_run else []),
            *(["--company-code", company_code] if company_code else [])]
    launch(cfg, store, run_id, args, bot, dry_run, person)
    return run_id


def start_review(cfg: Config, store: Store, person: str) -> str:
    """Start ``arbots review apply --queued`` (the decisions taken in the console; it
    waits for the landscape's lease); the run's id."""
    run_id = store.new_run_id(("review",))
    launch(cfg, store, run_id, ["review", "apply", "--queued", "--as", person, "--wait",
                                "--wait-timeout", str(REVIEW_PATIENCE), "--run-id", run_id],
           "review", False, person)
    return run_id


def launch(cfg: Config, store: Store, run_id: str, args: list[str], bot: str, dry_run: bool,
           person: str) -> None:
    """Start ``arbots ARGS`` with the console's configuration; record and watch it."""
    log = log_path(cfg, run_id)
    log.parent.mkdir(parents=True, exist_ok=True)
    config = ["--config", cfg.source] if Path(cfg.source).is_file() else []
    env = {**os.environ, "ARBOTS_HOME": str(cfg.home)}
    with log.open("wb") as stderr:
        process = subprocess.Popen([*ARBOTS, *args, *config], cwd=cfg.home, env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=stderr, start_new_session=True)
    store.record_launch(run_id, bot, dry_run, person, process.pid)
    threading.Thread(target=_watch, args=(process, cfg.store_target(), run_id, log),
                     name=f"watch-{run_id}", daemon=True).start()


def log_path(cfg: Config, run_id: str) -> Path:
    """Where the stderr of a run started by the console is kept."""
    return cfg.runs_dir / "console" / f"{run_id}.log"


def _watch(process: subprocess.Popen[bytes], target: Path | str, run_id: str,
           log: Path) -> None:
    """Wait for ``process`` to end; keep its exit code and last stderr line."""
    code = process.wait()
    with Store(target) as store:
        store.finish_launch(run_id, code, last_line(log))


def last_line(log: Path) -> str:
    """The last non-empty line of ``log`` (progress bars and colour codes left out)."""
    try:
        text = log.read_bytes()[-4000:].decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [line.strip() for line in text.replace("\r", "\n").splitlines()]
    lines = [line for line in lines if line and not line.startswith("\x1b")]
    return lines[-1] if lines else ""
