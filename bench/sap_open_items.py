"""Open items pulled per second through the RFC surface, at a million items.

    python -m bench sap_open_items
    ARBOTS_BENCH_SAP_ITEMS=200000 python -m bench sap_open_items   # smaller

What it measures, in one process, on one sandbox file:

1. baseline: a bare ``SELECT`` of the same rows and columns from the SQLite
   file with ``sqlite3`` (the floor: no RFC, no typing);
2. the simulator alone: ``RFC_READ_TABLE`` pages of 5,000 rows, as a client
   would fetch them (SQL, the fixed-width row text, paging by ROWSKIPS);
3. the port: ``SapClient.iter_open_items`` over the simulator, i.e. paging,
   parsing the rows, TCURX shifting, due dates, one ``OpenItem`` each;
4. the pull as against a real system: the port again with the simulator
   waiting ``LATENCY_MS`` (100 ms) before every call, over one connection
   (the baseline of this step) and over four (``[sap]
   parallel_connections = 4``: customer ranges read at once, merged in key
   order), then over four without the wait: the CPU-bound floor of the
   pull, which more connections cannot shorten (the parsing holds the GIL).

Figures: rows per second of each, the ratio of (3) to the baseline, the
peak resident memory (``ru_maxrss``) after each step, the CPU seconds of
this process and the load average beside each; for (4) the speed-up of four
connections over one and the CPU-bound share (the floor over the time with
the wait). The simulator answers in this process: its SQLite work runs
outside the GIL but on the same cores, which a remote SAP would not use. So
the CPU per row is printed split: the simulator's (step 2) and the client's
(step 3 less step 2), the part that holds the GIL and bounds the speed-up.
The port streams page by page, so its memory should not grow with the
number of items. The million items are generated in a child process before
any timing (not in the figures, and not in this process's peak memory).
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bots.sandbox.sap import SapSimulator
from bots.sap import SapClient
from bots.sap.open_items import ITEM_FIELDS, ITEM_KEY

ITEMS = int(os.environ.get("ARBOTS_BENCH_SAP_ITEMS", "1000000"))
CUSTOMERS = max(70, ITEMS // 500)
PAGE = 5000
CODES = ("1000", "2000")
LATENCY_MS = 100
CONNECTIONS = 4
GOAL = 3.0  # four connections at least this many times faster than one


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(path: Path) -> float:
    started = time.perf_counter()
    code = ("import sys; from pathlib import Path; from datetime import date; "
            "from bots.sandbox.sap.demo import generate; "
            "generate(Path(sys.argv[1]), customers=int(sys.argv[2]), items=int(sys.argv[3]), "
            "today=date.fromisoformat(sys.argv[4]), bulk=True)")
    subprocess.run([sys.executable, "-c", code, str(path), str(CUSTOMERS), str(ITEMS),
                    date.today().isoformat()], check=True)
    return time.perf_counter() - started


def _baseline(path: Path, key_date: str) -> int:
    columns = ", ".join(f'"{c}"' for c in (*ITEM_KEY, *ITEM_FIELDS))
    db = sqlite3.connect(path)
    rows = db.execute(f'SELECT {columns} FROM "BSID" WHERE "BUKRS" IN (?, ?) AND '
                      "\"UMSKZ\" = '' AND \"BSTAT\" <> 'S' AND \"BUDAT\" <= ?",
                      (*CODES, key_date))
    count = sum(1 for _ in rows)
    db.close()
    return count


def _simulator_pages(path: Path) -> int:
    sim = SapSimulator(path)
    fields = [{"FIELDNAME": f} for f in (*ITEM_KEY, *ITEM_FIELDS)]
    options = [{"TEXT": "BUKRS IN ( '1000' , '2000' ) AND UMSKZ = ' '"}]
    count, skip = 0, 0
    while True:
        data = sim.call("RFC_READ_TABLE", QUERY_TABLE="BSID", ROWCOUNT=PAGE, ROWSKIPS=skip,
                        FIELDS=fields, OPTIONS=options)["DATA"]
        count += len(data)
        if len(data) < PAGE:
            break
        skip += PAGE
    sim.close()
    return count


def _port(path: Path, key_date: date, connections: int = 1, latency_ms: float = 0) -> int:
    def open_connection() -> SapSimulator:
        return SapSimulator(path, latency_ms=latency_ms)

    with SapClient(open_connection(), page_size=PAGE, parallel_connections=connections,
                   open_connection=open_connection) as sap:
        return sum(1 for _ in sap.iter_open_items(CODES, key_date))


def _timed(label: str, run: object) -> tuple[int, float, float]:
    """(rows, wall seconds, CPU seconds of this process) of ``run()``, printed."""
    started, cpu = time.perf_counter(), time.process_time()
    count = run()  # type: ignore[operator]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label:<52} {count:>10,} rows {seconds:8.2f} s {count / seconds:>10,.0f} rows/s  "
          f"CPU {cpu:6.2f} s  peak RSS {_peak_mib():6.1f} MiB  "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    return count, seconds, cpu


def main() -> int:
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="arbots-bench-sap-") as tmp:
        path = Path(tmp) / "sap.sqlite"
        seconds = _generate(path)
        size = path.stat().st_size / 2**20
        print(f"generated {ITEMS:,} open items for {CUSTOMERS:,} customers in {seconds:.1f} s "
              f"(child process; {size:.0f} MiB file); page size {PAGE}", flush=True)
        print(f"peak RSS before measuring {_peak_mib():.1f} MiB")
        base, base_s, _ = _timed("baseline: sqlite3 SELECT", lambda: _baseline(
            path, today.strftime("%Y%m%d")))
        pages, pages_s, pages_cpu = _timed("simulator: RFC_READ_TABLE pages",
                                           lambda: _simulator_pages(path))
        port, port_s, port_cpu = _timed("port: SapClient.iter_open_items -> OpenItem",
                              lambda: _port(path, today))
        one, one_s, _ = _timed(f"pull, {LATENCY_MS} ms per call, 1 connection",
                            lambda: _port(path, today, 1, LATENCY_MS))
        many, many_s, _ = _timed(f"pull, {LATENCY_MS} ms per call, {CONNECTIONS} connections",
                              lambda: _port(path, today, CONNECTIONS, LATENCY_MS))
        floor, floor_s, _ = _timed(f"pull, no wait, {CONNECTIONS} connections (CPU floor)",
                                lambda: _port(path, today, CONNECTIONS))
    if not base == pages == port == one == many == floor:
        print(f"row counts differ: baseline {base}, pages {pages}, port {port}, pulls {one}, "
              f"{many}, {floor}", file=sys.stderr)
        return 1
    print(f"ratio port / baseline: {port_s / base_s:.1f}x slower "
          f"(simulator pages alone: {pages_s / base_s:.1f}x)")
    client = port_cpu - pages_cpu
    print(f"CPU per row: port {port_cpu / port * 1e6:.1f} us, of which the simulator "
          f"{pages_cpu / port * 1e6:.1f} us (SQLite, in this process but outside the GIL; a "
          f"real SAP spends it on its own machine) and the client {client / port * 1e6:.1f} us "
          f"(cutting, typing, OpenItem: holds the GIL)")
    speedup = one_s / many_s
    print(f"{CONNECTIONS} connections / 1 at {LATENCY_MS} ms per call: {speedup:.2f}x faster "
          f"(goal {GOAL:.0f}x); CPU-bound share of the {CONNECTIONS}-connection pull "
          f"{floor_s / many_s:.0%} ({floor_s:.1f} of {many_s:.1f} s); "
          f"load {os.getloadavg()[0]:.2f}")
    return 0 if speedup >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
