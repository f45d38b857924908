"""Run the benchmarks: all modules of this package with a ``main()``, or those named.

    python -m bench                  # every bench/*.py
    python -m bench sap_open_items   # just one
    python -m bench match_cli        # `arbots match` on 1 M x 100 k files, as whole processes
    python -m bench extract_volume   # `arbots extract` on 10,000 documents, --jobs 1 vs 2
    python -m bench crash concurrency   # the reliability trials (`make bench crash`; slow)
    python -m bench extract_heldout --corpus layouts2   # one, with its own options

Each module's ``main()`` is called with ``sys.argv`` reduced to its own name
(so benchmarks that parse options get their defaults), plus the options given
after a single benchmark's name. A benchmark that
raises or returns a non-zero number counts as failed; the exit code is 1 if
any failed.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Names of the benchmark modules: ``bench/*.py`` not starting with ``_`` that define a
    ``main()`` (the others, such as ``cashapp_corpus``, are libraries of the benchmarks)."""
    return sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_")
                  and "\ndef main(" in p.read_text(encoding="utf-8"))


def run(name: str, options: list[str] | None = None) -> bool:
    """Import ``bench.<name>`` and call its ``main()`` with ``options``; True when it succeeded."""
    module = importlib.import_module(f"bench.{name}")
    entry = getattr(module, "main", None)
    if entry is None:
        print(f"bench {name}: no main(), skipped", file=sys.stderr)
        return True
    saved = sys.argv
    sys.argv = [f"bench/{name}.py", *(options or [])]
    started = time.perf_counter()
    print(f"=== bench {name}", flush=True)
    try:
        result = entry()
    except Exception:  # noqa: BLE001 - report and go on with the next benchmark
        traceback.print_exc()
        return False
    finally:
        sys.argv = saved
    print(f"=== bench {name}: {time.perf_counter() - started:.1f}s", flush=True)
    return not result


def main(argv: list[str]) -> int:
    first_option = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    names, options = argv[:first_option] or available(), argv[first_option:]
    if options and len(names) != 1:
        print("options go to one benchmark: python -m bench NAME --option ...", file=sys.stderr)
        return 2
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: "
              f"{', '.join(available())}", file=sys.stderr)
        return 2
    failed = [name for name in names if not run(name, options)]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
