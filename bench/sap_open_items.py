"""Open items pulled per second through the RFC surface, at a million items.

    python -m bench sap_open_items
    ARBOTS_BENCH_SAP_ITEMS=200000 python -m bench sap_open_items   # smaller

The simulated SAP system is served from processes of its own
(:class:`bots.sandbox.sap.server.SimulatorServer`: one work process per
connection, as a real system has), so the client's figures are the
client's: its CPU seconds are this process's, the system's are the work
processes' own (reported when each connection closes). What it measures, on
one sandbox file:

1. baseline: a bare ``SELECT`` of the same rows and columns from the SQLite
   file with ``sqlite3`` in this process (the floor: no RFC, no typing);
2. the system alone: ``RFC_READ_TABLE`` pages of 5,000 rows over one
   connection, only counted here (the server's SQL, row text and sending;
   the client's receiving);
3. the port: ``SapClient.iter_open_items`` over one connection, no wait:
   paging, cutting the rows, TCURX shifting, due dates, one ``OpenItem`` each;
4. the pull as against a real system: the port with every call answered
   after ``LATENCY_MS`` (100 ms), over one connection (the baseline of this
   step) and over four (``[sap] parallel_connections = 4``: customer ranges
   read at once, merged in key order), then over four without the wait: the
   CPU-bound floor of the pull on this machine.

Figures: rows per second of each, the ratio of (3) to the baseline, the
peak resident memory of this process (``ru_maxrss``) after each step, the
CPU seconds of the client and of the system, the load average beside each.
Then the CPU per row, split: the client's (it holds one GIL: one core at
most) and the system's (a real SAP spends it on its own machines, here it
shares the two cores); the speed-up of four connections over one; the
CPU-bound share of the four-connection pull (the floor over the time with
the wait); and the ceiling the machine allows for it: no faster than the
client's CPU on one core, than client and system CPU spread over the cores,
or than the calls' waiting spread over the connections; against it, one
connection on an idle machine (its calls waited and its CPU, in turn).
The million items are generated in a child process before any timing (not
in the figures, and not in this process's peak memory).
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bots.sandbox.sap.server import SimulatorServer
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


def _system_pages(server: SimulatorServer) -> int:
    conn = server.connect(latency_ms=0)
    fields = [{"FIELDNAME": f} for f in (*ITEM_KEY, *ITEM_FIELDS)]
    options = [{"TEXT": "BUKRS IN ( '1000' , '2000' ) AND UMSKZ = ' '"}]
    count, skip = 0, 0
    while True:
        data = conn.call("RFC_READ_TABLE", QUERY_TABLE="BSID", ROWCOUNT=PAGE, ROWSKIPS=skip,
                         FIELDS=fields, OPTIONS=options)["DATA"]
        count += len(data)
        if len(data) < PAGE:
            break
        skip += PAGE
    conn.close()
    return count


def _port(server: SimulatorServer, key_date: date, connections: int = 1,
          latency_ms: float = 0) -> int:
    def open_connection() -> object:
        return server.connect(latency_ms=latency_ms)

    with SapClient(open_connection(), page_size=PAGE,  # type: ignore[arg-type]
                   parallel_connections=connections,
                   open_connection=open_connection) as sap:  # type: ignore[arg-type]
        return sum(1 for _ in sap.iter_open_items(CODES, key_date))


@dataclass
class Step:
    """One measured step: rows, wall seconds, CPU seconds of the client and of the system."""

    rows: int
    wall: float
    client: float
    system: float
    calls: int


def _timed(label: str, run: Callable[[], int], server: SimulatorServer | None = None) -> Step:
    """``run()`` measured and printed (the system's CPU: its connections closed in it)."""
    system, calls = (server.cpu_seconds, server.calls) if server else (0.0, 0)
    started, cpu = time.perf_counter(), time.process_time()
    count = run()
    step = Step(count, time.perf_counter() - started, time.process_time() - cpu,
                (server.cpu_seconds - system) if server else 0.0,
                (server.calls - calls) if server else 0)
    print(f"{label:<46} {count:>9,} rows {step.wall:7.2f} s {count / step.wall:>9,.0f} rows/s  "
          f"CPU client {step.client:6.2f} s system {step.system:6.2f} s  "
          f"peak RSS {_peak_mib():6.1f} MiB  load {os.getloadavg()[0]:.2f}", flush=True)
    return step


def main() -> int:
    today = date.today()
    with tempfile.TemporaryDirectory(prefix="arbots-bench-sap-") as tmp:
        path = Path(tmp) / "sap.sqlite"
        seconds = _generate(path)
        size = path.stat().st_size / 2**20
        print(f"generated {ITEMS:,} open items for {CUSTOMERS:,} customers in {seconds:.1f} s "
              f"(child process; {size:.0f} MiB file); page size {PAGE}; "
              f"{os.cpu_count()} cores", flush=True)
        print(f"peak RSS before measuring {_peak_mib():.1f} MiB")
        base = _timed("baseline: sqlite3 SELECT", lambda: _baseline(path, today.strftime("%Y%m%d")))
        with SimulatorServer(path) as server:
            pages = _timed("system: RFC_READ_TABLE pages", lambda: _system_pages(server), server)
            port = _timed("port: iter_open_items -> OpenItem", lambda: _port(server, today),
                          server)
            one = _timed(f"pull, {LATENCY_MS} ms per call, 1 connection",
                         lambda: _port(server, today, 1, LATENCY_MS), server)
            many = _timed(f"pull, {LATENCY_MS} ms per call, {CONNECTIONS} connections",
                          lambda: _port(server, today, CONNECTIONS, LATENCY_MS), server)
            floor = _timed(f"pull, no wait, {CONNECTIONS} connections (floor)",
                           lambda: _port(server, today, CONNECTIONS), server)
    counts = {step.rows for step in (base, pages, port, one, many, floor)}
    if len(counts) != 1:
        print(f"row counts differ: {sorted(counts)}", file=sys.stderr)
        return 1
    rows = port.rows
    print(f"ratio port / baseline: {port.wall / base.wall:.1f}x slower "
          f"(system pages alone: {pages.wall / base.wall:.1f}x)")
    print(f"CPU per row of the port: client {port.client / rows * 1e6:.1f} us (receiving, "
          f"cutting, typing, OpenItem: holds its GIL), system {port.system / rows * 1e6:.1f} us "
          f"(SQL, row text, sending: a real SAP's own machines)")
    speedup = one.wall / many.wall
    cores = os.cpu_count() or 1
    waiting = many.calls * LATENCY_MS / 1000  # the four-connection pull's calls, each waited
    ceiling = max(many.client, (many.client + many.system) / cores, waiting / CONNECTIONS)
    serial = one.calls * LATENCY_MS / 1000 + one.client + one.system  # one connection, idle
    print(f"{CONNECTIONS} connections / 1 at {LATENCY_MS} ms per call: {speedup:.2f}x faster "
          f"(goal {GOAL:.0f}x); CPU-bound share of the {CONNECTIONS}-connection pull "
          f"{floor.wall / many.wall:.0%} ({floor.wall:.1f} of {many.wall:.1f} s); "
          f"load {os.getloadavg()[0]:.2f}")
    print(f"ceiling on {cores} cores: the {CONNECTIONS}-connection pull takes at least "
          f"{ceiling:.1f} s (client CPU {many.client:.1f} s on one core; client + system CPU "
          f"{many.client + many.system:.1f} s over {cores} cores; {many.calls} calls waiting "
          f"{waiting:.1f} s over {CONNECTIONS} connections); one connection on an idle machine "
          f"{serial:.1f} s ({one.calls} calls waited, CPU in turn): at most "
          f"{serial / ceiling:.1f}x on {cores} idle cores")
    return 0 if speedup >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
