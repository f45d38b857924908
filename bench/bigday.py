"""The big day: a big company's night through ``arbots run nightly``, as a user runs it.

    python -m bench bigday                    # 100,000 items, 3,000 advices, 300 portal invoices
    python -m bench bigday --scale 0.1        # a tenth of it: a quick trial
    python -m bench bigday --contexts 3 --latency-ms 250 --baseline small
    python -m bench bigday --profile          # and where the big day's time goes (py-spy)

Two sandbox worlds are generated under ``var/bench/bigday/``, each its own
``ARBOTS_HOME`` with a ``site.toml`` (the embedded demo configuration, each
reference portal site given ``--contexts`` browser contexts): the baseline
(``--baseline``, the ``demo`` world by default) and the big day (the
``bigday`` world of :mod:`bots.sandbox.world`: 6,000 customers, 100,000 open
items on 6,600 accounts of which over 5,000 are past due, 3,003 mails of
which 3,000 pay in the demo mailbox's mix of shapes, and 300 invoices dated
today for the customers the configuration maps to the reference portals).
Generating is not timed with the night.

Then ``arbots run nightly`` runs in each as a child process, every reference
portal page waiting ``--latency-ms`` (``ARBOTS_SANDBOX_PORTAL_LATENCY_MS``),
the baseline first. Figures per run: the child's wall seconds, CPU seconds
and peak RSS: its own (``VmHWM``, sampled every half second) and
``ru_maxrss`` from ``wait4``, which is the largest of the child and of every
process it reaped (the Playwright driver; a process forked from the child
starts with the child's pages and counts them), so it can name another
process's peak; the largest processes of the tree by their own peak; the
peak RSS of the whole process tree with Chromium (sampled every half
second), and the load average (1 min) at start, end and on average; per
bot its seconds (from the run's ``report.json``, when the report carries
them), the number of things it handled (open items, messages,
remittance lines, portal invoices, past-due accounts) and the time per
thing, with the ratio of the big day to the baseline per thing. With
``--profile`` ``py-spy record`` (installed separately, not a dependency) is
attached to each child: the wall time per bot from its samples (used where
the report has none), and the big day's functions holding the most of it.

Goal (issue 12): the big day's nightly within 15 minutes. The bench fails when
it is missed or a child ends with an exit code other than 0 or 1 (1:
finished, with failures in the report). The machine's load shows in the
figures: run it alone for stable numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import psutil

from bots.config import DEMO_CONFIG, load_config
from bots.runner import NIGHTLY
from bots.sandbox.portals.launcher import LATENCY_ENV
from bots.sandbox.world import SIZES, WorldSize, reset_world

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "var" / "bench" / "bigday"
GOAL_SECONDS = 15 * 60
# what each bot handles, as its report counts it
UNITS = {"openitems": "open_items", "intake": "messages", "cashapp": "lines",
         "portals": "invoices", "collections": "accounts_past_due"}
PROFILE_RATE = 20  # py-spy samples per second
SITES = {"coupa-sandbox": "coupa", "ariba-sandbox": "ariba", "taulia-sandbox": "taulia"}


@dataclass
class Night:
    """One measured ``arbots run nightly``."""

    label: str
    exit_code: int
    wall: float
    cpu: float
    peak_child_mib: float  # wait4's ru_maxrss: the largest process the child reaped, or itself
    peak_tree_mib: float
    loads: list[float]
    peaks: dict[int, tuple[float, str]] = field(default_factory=dict)  # pid -> (VmHWM MiB, what)
    report: dict = field(default_factory=dict)
    profile: Path | None = None
    pid: int = 0

    @property
    def own_peak_mib(self) -> float:
        """The child's own peak RSS (VmHWM, sampled: its last half second not seen)."""
        return self.peaks.get(self.pid, (0.0, ""))[0]


    def bot(self, name: str) -> dict:
        return self.report.get("bots", {}).get(name, {})

    def seconds(self, name: str) -> tuple[float | None, str]:
        """The bot's wall seconds and where they come from (the report, else the samples)."""
        if "seconds" in self.bot(name):
            return self.bot(name)["seconds"], "report"
        if self.profile is not None and self.profile.exists():
            return bot_profile(self.profile)[0].get(name, 0.0), "py-spy"
        return None, ""


def site_toml(contexts: int) -> str:
    """The embedded demo configuration with ``contexts`` browser contexts per portal site."""
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    text, found = re.subn(r"(?m)^\[portals\].*$",
                          f"[portals]\nmax_contexts = {contexts * len(SITES)}", text)
    if found != 1:
        raise SystemExit(f"{DEMO_CONFIG}: no [portals] table to set the contexts in")
    sites = "".join(f'\n[portals.sites.{name}]\nfamily = "{family}"\ncontexts = {contexts}\n'
                    for name, family in SITES.items())
    return text + sites


def generate(home: Path, size: WorldSize, contexts: int) -> Path:
    """A fresh world of ``size`` in ``home``; its configuration file."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    site = home / "site.toml"
    site.write_text(site_toml(contexts), encoding="utf-8")
    started = time.perf_counter()
    seeded = reset_world(load_config(site, home=home), size=size, keep_runs=False)
    print(f"generated {home.name}: {size.customers:,} customers, {size.items:,} items, "
          f"{len(seeded):,} mails, {size.portal_invoices} new portal invoices in "
          f"{time.perf_counter() - started:.0f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    return site


def nightly(label: str, home: Path, site: Path, latency_ms: int, profile: bool) -> Night:
    """Run ``arbots run nightly`` in ``home`` as a child process and measure it."""
    arbots = Path(sys.executable).with_name("arbots")
    spy = shutil.which("py-spy", path=str(arbots.parent)) or shutil.which("py-spy")
    if profile and spy is None:
        raise SystemExit("--profile needs py-spy: pip install py-spy (into the venv)")
    samples = home / "profile.txt" if profile else None
    env = {**os.environ, "ARBOTS_HOME": str(home), LATENCY_ENV: str(latency_ms)}
    loads = [os.getloadavg()[0]]
    peak_tree = [0]
    done = threading.Event()
    started = time.perf_counter()
    with open(home / "nightly.out", "wb") as out:
        child = subprocess.Popen([str(arbots), "run", "nightly", "--config", str(site)],
                                 env=env, stdout=out, stderr=subprocess.STDOUT, cwd=home)
        sampler = None if samples is None else subprocess.Popen(  # attached: wait4 stays ours
            [str(spy), "record", "--pid", str(child.pid), "--idle", "--nonblocking",
             "--rate", str(PROFILE_RATE), "--format", "raw", "--output", str(samples)],
            stdout=subprocess.DEVNULL, stderr=out)

        tree = psutil.Process(child.pid)  # not reaped before wait4 below
        peaks: dict[int, tuple[float, str]] = {}

        def watch() -> None:
            ticks = 0
            while not done.wait(0.5):
                peak_tree[0] = max(peak_tree[0], _tree_rss(tree))
                _process_peaks(tree, peaks)
                ticks += 1
                if ticks % 20 == 0:  # every 10 s
                    loads.append(os.getloadavg()[0])

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(child.pid, 0)  # the child's own figures
        child.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        watcher.join()
        wall = time.perf_counter() - started
        if sampler is not None:
            sampler.wait(timeout=120)  # writes its samples when the child has ended
    loads.append(os.getloadavg()[0])
    runs = sorted((home / "var" / "runs").glob("*/report.json"))
    report = json.loads(runs[-1].read_text(encoding="utf-8")) if runs else {}
    return Night(label, child.returncode, wall, usage.ru_utime + usage.ru_stime,
                 usage.ru_maxrss / 1024, peak_tree[0] / 2**20, loads, peaks, report, samples,
                 child.pid)


def _tree_rss(process: psutil.Process) -> int:
    """Resident bytes of ``process`` and its descendants now (0 once it ended)."""
    total = 0
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in family:
        try:
            total += p.memory_info().rss
        except psutil.Error:  # ended meanwhile
            continue
    return total


def _process_peaks(process: psutil.Process, peaks: dict[int, tuple[float, str]]) -> None:
    """Each process's peak RSS so far (VmHWM) in ``peaks``: pid -> (MiB, what it is)."""
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.Error:
        return
    for p in family:
        try:
            with open(f"/proc/{p.pid}/status", encoding="ascii") as status:
                hwm = next((int(line.split()[1]) for line in status
                            if line.startswith("VmHWM:")), 0)
            if hwm / 1024 > peaks.get(p.pid, (0.0, ""))[0]:
                peaks[p.pid] = (hwm / 1024, peaks.get(p.pid, (0.0, ""))[1] or _what(p, process))
        except (psutil.Error, OSError):
            continue


def _what(p: psutil.Process, child: psutil.Process) -> str:
    """A short name for a process of the nightly's tree."""
    if p.pid == child.pid:
        return "arbots (the nightly itself)"
    line = " ".join(p.cmdline())
    kind = re.search(r"--type=([\w-]+)", line)
    if "chromium" in line or "chrome" in line:
        return f"chromium {kind.group(1) if kind else 'browser'}"
    if "playwright" in line:
        return "playwright driver (node)"
    if "forkserver" in line or "multiprocessing" in line:
        return "reader pool (fork server or worker)"
    return p.name()


@lru_cache(maxsize=4)
def bot_profile(samples: Path) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """(wall seconds per bot, the most sampled functions) from py-spy's raw output.

    A sample belongs to the bot whose ``run`` the runner called
    (``bots/pipeline/<bot>.py``, in the main thread); the functions are those
    samples' innermost frames (self time, waiting included: ``--idle``).
    """
    per_bot: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for line in samples.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        bot = next((m.group(1) for f in frames
                    if (m := re.match(r"run \(.*bots/pipeline/(\w+)\.py", f))), None)
        if bot:
            per_bot[bot] += int(count)
            leaves[frames[-1]] += int(count)
    return ({bot: n / PROFILE_RATE for bot, n in per_bot.items()},
            [(frame, n / PROFILE_RATE) for frame, n in leaves.most_common(15)])


def _load(night: Night) -> str:
    return (f"load {night.loads[0]:.1f} -> {night.loads[-1]:.1f} "
            f"(mean {sum(night.loads) / len(night.loads):.1f})")


def print_figures(base: Night, big: Night, latency_ms: int, contexts: int) -> None:
    """The two runs side by side, per bot with the time per thing handled."""
    print(f"\nnightly as a child process (arbots run nightly), portal pages {latency_ms} ms, "
          f"{contexts} browser contexts per portal site ({contexts * len(SITES)} in all); "
          f"{os.cpu_count()} cores")
    print("(own MiB: the nightly process's own peak RSS, VmHWM sampled every 0.5 s; largest "
          "MiB: wait4's ru_maxrss, the largest of the nightly and every process it reaped "
          "(the Playwright driver, and a forked copy counts its parent's pages); tree: the "
          "largest sum of RSS over the nightly and its descendants, Chromium's shared pages "
          "counted in each of its processes)")
    print(f"{'run':<9} {'exit':>4} {'wall s':>8} {'CPU s':>8} {'own MiB':>8} {'largest MiB':>11} "
          f"{'tree MiB':>9}  load 1 min")
    for night in (base, big):
        print(f"{night.label:<9} {night.exit_code:>4} {night.wall:>8.1f} {night.cpu:>8.1f} "
              f"{night.own_peak_mib:>8.0f} {night.peak_child_mib:>11.0f} "
              f"{night.peak_tree_mib:>9.0f}  {_load(night)}")
    for night in (base, big):
        top = sorted(night.peaks.values(), reverse=True)[:4]
        print(f"  {night.label} largest processes (VmHWM MiB): "
              + "; ".join(f"{mib:.0f} {what}" for mib, what in top))
    print(f"\n{'bot':<12} {'unit':<18} {'base n':>7} {'base s':>7} {'ms/unit':>8} "
          f"{'big n':>8} {'big s':>7} {'ms/unit':>8} {'ratio':>6}")
    sources: set[str] = set()
    for bot in NIGHTLY:
        unit = UNITS[bot]
        row = [f"{bot:<12} {unit:<18}"]
        per = []
        for night in (base, big):
            n = night.bot(bot).get("counts", {}).get(unit, 0)
            seconds, source = night.seconds(bot)
            sources.add(source)
            ms = seconds * 1000 / n if seconds is not None and n else None
            per.append(ms)
            row.append(f"{n:>7,} " if night is base else f"{n:>8,} ")
            row.append("    n/a " if seconds is None else f"{seconds:>7.1f} ")
            row.append(f"{ms:>8.2f}" if ms is not None else f"{'n/a':>8}")
        ratio = f"{per[1] / per[0]:>5.2f}x" if None not in per and per[0] else "   n/a"
        print(" ".join(row), ratio)
    if "" in sources:
        print("(the run report carries no time per bot: `seconds` per bot in report.json is "
              "missing; --profile gives it from samples)")
    elif "py-spy" in sources:
        print("(seconds per bot from py-spy samples: the report carries none)")
    print(f"statuses: base {base.report.get('status')}, big day {big.report.get('status')}; "
          f"big-day counts: " + "; ".join(
              f"{bot} " + ", ".join(f"{k} {v}" for k, v in big.bot(bot).get("counts", {}).items()
                                    if v) for bot in NIGHTLY))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="the big day at this fraction (default 1: the full day)")
    parser.add_argument("--baseline", choices=[s for s in SIZES if s != "bigday"],
                        default="demo", help="the world of the baseline night (default demo)")
    parser.add_argument("--contexts", type=int, default=2,
                        help="browser contexts per portal site (default 2)")
    parser.add_argument("--latency-ms", type=int, default=250,
                        help="added to every reference portal page (default 250)")
    parser.add_argument("--profile", action="store_true",
                        help="run the big day under py-spy: time per bot and hot functions")
    args = parser.parse_args(sys.argv[1:])
    big_size = SIZES["bigday"] if args.scale == 1 else SIZES["bigday"].scaled(args.scale)
    homes = {"base": FOLDER / args.baseline, "big": FOLDER / "bigday"}
    base_site = generate(homes["base"], SIZES[args.baseline], args.contexts)
    big_site = generate(homes["big"], big_size, args.contexts)
    base = nightly(args.baseline, homes["base"], base_site, args.latency_ms, args.profile)
    print(f"{args.baseline} nightly: {base.wall:.1f} s, exit {base.exit_code} "
          f"({_load(base)})", flush=True)
    big = nightly("bigday", homes["big"], big_site, args.latency_ms, args.profile)
    print(f"bigday nightly: {big.wall:.1f} s, exit {big.exit_code} ({_load(big)})", flush=True)
    print_figures(base, big, args.latency_ms, args.contexts)
    if big.profile is not None and big.profile.exists():
        per_bot, hot = bot_profile(big.profile)
        print(f"\nbig day profile (py-spy attached, {PROFILE_RATE} samples/s, waiting "
              "included):")
        for bot in NIGHTLY:
            print(f"  {bot:<12} {per_bot.get(bot, 0.0):8.1f} s")
        for frame, seconds in hot:
            print(f"  {seconds:8.1f} s  {frame[:110]}")
    met = big.wall <= GOAL_SECONDS or args.scale < 1  # fixed costs do not scale
    goal = (f"within {GOAL_SECONDS} s: {'met' if met else 'MISSED'}" if args.scale == 1
            else f"x {args.scale} (the goal is for the full day)")
    print(f"\nthe big day {goal} ({big.wall:.0f} s; {big.wall / base.wall:.1f}x the "
          f"{args.baseline} night); folders {FOLDER}")
    return 0 if met and {base.exit_code, big.exit_code} <= {0, 1} else 1


if __name__ == "__main__":
    sys.exit(main())
