"""The command line imports a command's module only when that command runs (issue 12).

``import bots.cli`` used to import every command and with them Playwright,
Temporal, FastAPI and SQLAlchemy: about 1.5 CPU seconds before ``arbots
extract`` read its first file. The checks run in a fresh interpreter, as a
user's command does (this test process has imported everything already).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import COMMANDS, main

HEAVY = ("playwright", "temporalio", "fastapi", "sqlalchemy", "uvicorn", "pandas")

#: Runs the command line with ARGS, then prints which modules of interest it imported.
PROBE = """\
import atexit, json, sys
def report():
    print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy}
                            or m.startswith("bots.cli."))), file=sys.__stderr__)
atexit.register(report)
from bots.cli import main
main(sys.argv[1:])
"""


def _run(*args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess[str],
                                                       set[str]]:
    """``arbots ARGS`` in a fresh interpreter, and the modules it had imported at exit."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=set(HEAVY)), *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)
    return done, set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_lists_every_command_without_importing_one() -> None:
    done, imported = _run("--help")
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines()
              if line.strip()]
    assert listed == sorted(COMMANDS)
    assert imported == {"bots.cli.lazy"}


def test_extract_imports_no_browser_engine_web_or_database(tmp_path: Path) -> None:
    advice = tmp_path / "advice.csv"
    advice.write_text("Invoice,Paid\nINV-1,10.00\n", encoding="utf-8")
    done, imported = _run("extract", str(advice), "--out", str(tmp_path / "out.jsonl"),
                          "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == 1
    assert not {m.split(".")[0] for m in imported} & set(HEAVY), imported
    assert {m for m in imported if m.startswith("bots.cli.")} == \
        {"bots.cli.lazy", "bots.cli.common", "bots.cli.extract"}


def test_the_extract_workers_preload_no_browser_engine_web_or_database() -> None:
    """What the fork server imports once for the workers (``PRELOAD``): the readers."""
    code = ("import importlib, sys\nfrom bots.remittance.pool import PRELOAD\n"
            "for m in PRELOAD: importlib.import_module(m)\n"
            "print(' '.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    imported = {m.split(".")[0] for m in done.stdout.split()}
    assert not imported & {*HEAVY, "click", "rich"}, imported & {*HEAVY, "click", "rich"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_loads_with_the_help_line_listed(name: str) -> None:
    command = main.get_command(None, name)  # type: ignore[arg-type]  # no context needed
    assert command is not None and command.name == name
    assert command.get_short_help_str(limit=500) == COMMANDS[name].help
    shown = CliRunner().invoke(main, [name, "--help"])
    assert shown.exit_code == 0, shown.output
    assert " ".join(COMMANDS[name].help.split()[:3]) in " ".join(shown.output.split())
