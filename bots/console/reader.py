"""Reads one upload of "What does this pay?" in a process of its own.

    python -m bots.console.reader FILE  < {"limits": {...}, "hints": [[payer, layout, label]]}
    stdout: {"remittances": [JSON line, ...], "failures": [{"source", "code", "reason"}, ...]}

The file goes through the front door of ``arbots extract``
(:func:`bots.remittance.pool.read_file`), with the size caps and the learned
templates the console hands over on stdin, so an upload that is not a
remittance gets the same reasons. A reader that hangs or crashes on a hostile
file takes nothing of the web server with it.

This process imports the readers only. Starting the whole ``arbots`` command
line instead cost 1.5 s of CPU for every upload, even a few bytes of CSV, and on
a loaded machine that became more than half a minute while the browser waited.
The answer is JSON, never pickle, so a process that a hostile file took over
cannot hand the web server code to run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bots.remittance import Limits, learned
from bots.remittance.learned import Hint, Learned
from bots.remittance.pool import read_file


def read_upload(path: Path, limits: Limits, hints: tuple[Hint, ...]) -> dict[str, Any]:
    """The remittances of ``path`` (JSON lines, each id once) and its failures."""
    with learned.using(Learned(hints)):
        result = read_file(path, limits)
    lines = {rid: line for rid, _, line in result.lines}  # the same bytes twice: once
    return {"remittances": list(lines.values()),
            "failures": [{"source": f.source, "code": f.code, "reason": f.reason}
                         for f in result.failures]}


def main() -> None:
    """Read the file named on the command line as stdin says; the answer to stdout."""
    request = json.load(sys.stdin)
    answer = read_upload(Path(sys.argv[1]), Limits(**request["limits"]),
                         tuple(Hint(*hint) for hint in request["hints"]))
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
