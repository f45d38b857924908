"""Crash bench: ``kill -9`` the nightly run at seeded points, rerun it twice, count the damage.

    python -m bench crash                # 50 seeded kill points (CRASH_TRIALS=100: the long run)
    python -m bench.crash --trials 5     # a few; --first-seed to start elsewhere

A trial (:func:`kill_trial`) resets the reduced sandbox world
(``arbots sandbox reset --world --size small``: 10 customers, 100 items, 8
mails, 4 invoices for the reference portals) in a folder of its own, starts
``arbots run nightly --config <folder>/site.toml`` as a subprocess, sends it
SIGKILL at the trial's kill point, then runs the same command twice to
completion. Then :func:`count_damage` looks into the sandbox world itself,
not at what the bots say they did:

==========================  =================================================================
count                       what is counted
==========================  =================================================================
``dup_postings``            FB05 payments in BKPF beyond one per idempotency key (XBLNR)
``dup_notes``               arbots notes beyond one per key on one SAP text (account, document)
``dup_submissions``         portal invoices beyond one per buyer and invoice number
``dup_reminders``           reminder ``.eml`` files in the outbox beyond one per account and day
``lost_mails``              seeded mails not in processed/exceptions, or whose input row is
                            unsettled, or with a remittance neither applied, review nor duplicate
``portal_without_note``     invoices a reference portal holds whose SAP document has no
                            ``portal:`` note
``open_intents``            ledger writes still ``intent``
``browsers_left``           Chromium processes of the trial alive after the reruns
``runs_running``            runs still ``running`` after the reruns
``tracebacks``              Python tracebacks in the logs of the trial's commands
==========================  =================================================================

Kill points: a clean run is measured first, in a fresh interpreter
(:func:`calibrate`): each bot's window in seconds, the mails intake moves and
the ledger events (intent, done) of each bot that writes. Trial ``s`` aims at
bot ``NIGHTLY[(s - 1) % 5]``, so every bot gets a fifth of the kill points
wherever its time goes; ``random.Random(s)`` draws where in it: after the
``k``-th mail moved (intake) or ``k``-th ledger event (cashapp, portals,
collections), ``k`` from 0 to all of them, or a delay within the window
(openitems). The harness polls the run's store and inbox (:class:`RunWatch`)
and sends SIGKILL when the point is reached. The same seed aims at the same
point; the table says where each kill really landed (the stage the run had
reached, by the same marks).

The trial's subprocesses carry ``ARBOTS_TRIAL=<token>`` in their environment,
which their browsers inherit: that is how leftover Chromium processes are
told from anyone else's; they are counted, then ended.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import psutil

NIGHTLY = ("openitems", "intake", "cashapp", "portals", "collections")
COUNTS = ("dup_postings", "dup_notes", "dup_submissions", "dup_reminders", "lost_mails",
          "portal_without_note", "open_intents", "browsers_left", "runs_running",
          "tracebacks")
DUPLICATES = COUNTS[:4]
STAGES = ("(starting)", *NIGHTLY, "(ended)")
WRITES = {"cashapp": ("posting", "cashapp_note"),  # ledger kinds each bot writes
          "portals": ("portal_submission", "portal_note"),
          "collections": ("collection_note", "reminder_email")}
MARKER = "ARBOTS_TRIAL"
RUN_TIMEOUT = 300.0  # seconds a rerun may take before the trial calls it hung
DEFAULT_TRIALS = 50
ROOT = Path(__file__).resolve().parent.parent  # the checkout whose bots the trials run

CONFIG = """\
# A crash trial's own world: everything below this folder (ARBOTS_HOME).
[store]
path = "var/arbots.sqlite"
runs_dir = "var/runs"

[sap]
mode = "sandbox"
sandbox_db = "var/sandbox/sap.sqlite"
company_codes = ["1000", "2000"]

[collections]
outbox = "var/outbox"
sender = "collections@arbots-demo.example"

[schedule.nightly]
at = "00:00"
bots = ["nightly"]

[portals]
sandbox_dir = "var/sandbox/portals"
state_dir = "var/portals/state"
submit_within_days = 1
tax_rate = "10"
supplier_vat_id = "DE811907980"
[portals.customers]
"0000100001" = "coupa-sandbox"
"0000100006" = "ariba-sandbox"
"0000100008" = "taulia-sandbox"
"""


# --------------------------------------------------------------------------- the world


def wait_or_kill(child: subprocess.Popen[bytes]) -> int | None:
    """``child``'s exit code, or None when it hung for RUN_TIMEOUT (then it is killed)."""
    try:
        return child.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return None


@dataclass
class TrialWorld:
    """One reduced sandbox world in ``folder``, and the ``arbots`` commands run on it."""

    folder: Path
    token: str = field(default_factory=lambda: os.urandom(6).hex())

    @property
    def config(self) -> Path:
        return self.folder / "site.toml"

    @property
    def var(self) -> Path:
        return self.folder / "var"

    def reset(self) -> list[str]:
        """A fresh small world (seeded, so every trial starts alike); the seeded mails."""
        from bots.config import load_config
        from bots.sandbox.world import reset_world

        self.folder.mkdir(parents=True, exist_ok=True)
        self.config.write_text(CONFIG, encoding="utf-8")
        cfg = load_config(self.config, home=self.folder)
        return [m.file for m in reset_world(cfg, size="small", keep_runs=False)]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("ARBOTS_CONFIG",)}
        env.update(ARBOTS_HOME=str(self.folder), PYTHONPATH=str(ROOT), **{MARKER: self.token})
        return env

    def start(self, *args: str, log: str = "run") -> subprocess.Popen[bytes]:
        """Start ``arbots ARGS --config site.toml`` in the background (output to a log)."""
        out = open(self.folder / f"{log}.log", "ab")  # noqa: SIM115 - closed with the child
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "bots.cli", *args, "--config", str(self.config)],
                cwd=self.folder, env=self.env(), stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        finally:
            out.close()

    def run(self, *args: str, log: str = "run") -> int | None:
        """Run ``arbots ARGS`` to completion; its exit code (None: hung, then killed)."""
        return wait_or_kill(self.start(*args, log=log))

    def store(self) -> sqlite3.Connection | None:
        """The run store, read-only (None while no run has created it)."""
        path = self.var / "arbots.sqlite"
        if not path.exists():
            return None
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        db.row_factory = sqlite3.Row
        return db


class RunWatch:
    """How far the run of one process has got, read from what it leaves behind.

    A bot is taken to have started when the one before it has left its mark:
    the run record (openitems), the snapshot (intake), every seeded mail out of
    the inbox (cashapp), no remittance left ``new`` (portals), a collections
    write in the ledger (collections). One read-only connection, kept open, so
    that polling costs little.
    """

    def __init__(self, world: TrialWorld, pid: int, mails: Sequence[str]) -> None:
        self.world, self.pid, self.mails = world, pid, mails
        self.db: sqlite3.Connection | None = None
        self.run_id = ""
        self.began = 0.0  # perf_counter when the run's record was first seen

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    def stage(self) -> str:
        """One of :data:`STAGES`."""
        try:
            if self.db is None:
                self.db = self.world.store()
                if self.db is None:
                    return "(starting)"
            run = self.db.execute("SELECT id, status FROM runs WHERE pid = ?",
                                  (self.pid,)).fetchone()
        except sqlite3.Error:  # the schema is being created
            return "(starting)"
        if run is None:
            return "(starting)"
        if not self.began:
            self.began, self.run_id = time.perf_counter(), run["id"]
        if run["status"] != "running":
            return "(ended)"
        marks = (self._snapshot_saved, self._inbox_empty, self._remittances_settled,
                 self._collections_wrote)
        passed = 0
        while passed < len(marks) and marks[passed]():
            passed += 1
        return NIGHTLY[passed]

    def reached(self, point: KillPoint) -> bool:
        """Whether the run is at (or past) ``point``, not counting its delay."""
        stage = STAGES.index(self.stage())
        target = STAGES.index(point.bot)
        return stage > target or (stage == target and (
            point.events is None or self.events(point.bot) >= point.events))

    def events(self, bot: str) -> int:
        """The marks ``bot`` has left: mails out of the inbox, or its ledger events."""
        if bot == "intake":
            inbox = self.world.var / "sandbox" / "mailbox"
            return sum(not (inbox / name).exists() for name in self.mails)
        assert self.db is not None
        return _scalar(self.db, f"SELECT count(*) FROM audit WHERE run_id = '{self.run_id}' "
                                f"AND kind IN ({_kinds(bot)})")

    def _one(self, sql: str, *args: object) -> bool:
        assert self.db is not None
        return self.db.execute(sql, args).fetchone() is not None

    def _snapshot_saved(self) -> bool:
        return self._one("SELECT 1 FROM snapshot_items WHERE run_id = ? LIMIT 1", self.run_id)

    def _inbox_empty(self) -> bool:
        inbox = self.world.var / "sandbox" / "mailbox"
        return not any((inbox / name).exists() for name in self.mails)

    def _remittances_settled(self) -> bool:
        return self._one("SELECT 1 FROM remittances LIMIT 1") and not self._one(
            "SELECT 1 FROM remittances WHERE status = 'new' LIMIT 1")

    def _collections_wrote(self) -> bool:
        return self._one("SELECT 1 FROM external_writes WHERE run_id = ? AND kind IN "
                         "('collection_note', 'reminder_email') LIMIT 1", self.run_id)


# --------------------------------------------------------------------------- counting


def count_damage(world: TrialWorld, mails: Sequence[str]) -> dict[str, int]:
    """Every count of :data:`COUNTS`, read from the sandbox world and the store."""
    sap = sqlite3.connect(world.var / "sandbox" / "sap.sqlite")
    store = world.store()
    try:
        counts = {
            "dup_postings": duplicate_postings(sap),
            "dup_notes": duplicate_notes(sap),
            "dup_submissions": duplicate_submissions(world.var / "sandbox" / "portals"),
            "dup_reminders": duplicate_reminders(world.var / "outbox"),
            "lost_mails": lost_mails(world.var / "sandbox" / "mailbox", store, mails),
            "portal_without_note": portal_invoices_without_note(
                sap, world.var / "sandbox" / "portals"),
            "open_intents": _scalar(store, "SELECT count(*) FROM external_writes "
                                           "WHERE status = 'intent'"),
            "browsers_left": len(trial_processes(world.token, browsers_only=True)),
            "runs_running": _scalar(store, "SELECT count(*) FROM runs WHERE status = 'running'"),
            "tracebacks": tracebacks(world.folder),
        }
    finally:
        sap.close()
        if store is not None:
            store.close()
    return counts


def tracebacks(folder: Path) -> int:
    """Python tracebacks in the logs of the trial's commands (a crash is never an answer)."""
    return sum(log.read_text(errors="replace").count("Traceback (most recent call last)")
               for log in folder.glob("*.log"))


def _scalar(db: sqlite3.Connection | None, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0]) if db is not None else 0


def duplicate_postings(sap: sqlite3.Connection) -> int:
    """Payments (FB05) beyond the first per company code and reference (the idempotency key)."""
    return _scalar(sap, "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM BKPF "
                        "WHERE TCODE = 'FB05' AND XBLNR <> '' GROUP BY BUKRS, XBLNR)")


def duplicate_notes(sap: sqlite3.Connection) -> int:
    """arbots notes twice on one text: the same header line (key), or a second portal note.

    An invoice document is submitted once, so it has one ``portal:`` note,
    whatever key a rerun would give it.
    """
    same_key = _scalar(sap, "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n "
                            "FROM ZARBOTS_TEXT WHERE TDFORMAT = '*' AND TDLINE LIKE "
                            "'arbots note-%' GROUP BY TDOBJECT, TDNAME, TDID, TDSPRAS, TDLINE)")
    portal = _scalar(sap, "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(DISTINCT TDLINE) "
                          "AS n FROM ZARBOTS_TEXT WHERE TDOBJECT = 'BELEG' AND TDFORMAT = '*' "
                          "AND TDLINE LIKE 'arbots note-% portal:%' GROUP BY TDNAME)")
    return same_key + portal


def portal_invoices(folder: Path) -> list[tuple[str, str, str]]:
    """(portal file, buyer, invoice number) of every invoice the reference portals hold."""
    found = []
    for path in sorted(folder.glob("*.sqlite")):
        with closing(sqlite3.connect(path)) as db:
            found += [(path.stem, customer, number) for customer, number in db.execute(
                "SELECT po.customer, i.number FROM invoices i "
                "JOIN purchase_orders po ON po.number = i.po")]
    return found


def duplicate_submissions(folder: Path) -> int:
    """Invoices a portal holds beyond one per buyer and invoice number."""
    return sum(n - 1 for n in Counter(portal_invoices(folder)).values())


def duplicate_reminders(outbox: Path) -> int:
    """Reminder e-mails beyond one per account and day in the outbox.

    An account is the recipient and the currency of its total (a customer in
    two company codes has one address and two accounts).
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    for path in outbox.glob("*.eml"):
        msg = message_from_bytes(path.read_bytes())
        body = msg.get_payload(decode=True) or b""
        total = next((line.split()[-1] for line in body.decode(errors="replace").splitlines()
                      if line.startswith("Total past due:")), "")
        seen[(str(msg["To"]), total, str(msg["Date"])[:16])] += 1
    return sum(n - 1 for n in seen.values())


def lost_mails(mailbox: Path, store: sqlite3.Connection | None, mails: Sequence[str]) -> int:
    """Seeded mails not moved out of the inbox, or with an unsettled input or remittance."""
    moved = {p.name.split(".eml")[0] for sub in ("processed", "exceptions")
             for p in (mailbox / sub).glob("*")}
    inputs = {} if store is None else {
        row["source"].rsplit(":", 1)[-1]: row for row in store.execute("SELECT * FROM inputs")}
    unsettled = set() if store is None else {row[0] for row in store.execute(
        "SELECT input_hash FROM remittances WHERE status NOT IN ('applied', 'review', "
        "'duplicate')")}
    lost = 0
    for name in mails:
        row = inputs.get(name)
        if (name.split(".eml")[0] not in moved or row is None or row["status"] == "received"
                or row["hash"] in unsettled):
            lost += 1
    return lost


def portal_invoices_without_note(sap: sqlite3.Connection, folder: Path) -> int:
    """Invoices in a portal whose SAP document carries no ``portal:`` note."""
    missing = 0
    for _portal, _customer, number in portal_invoices(folder):
        doc = sap.execute("SELECT BUKRS, BELNR, GJAHR FROM BKPF WHERE XBLNR = ? AND "
                          "BLART = 'RV'", (number,)).fetchone()
        if doc is None:
            missing += 1
            continue
        name = f"{doc[0]:<4}{doc[1]}{doc[2]}"
        noted = sap.execute("SELECT 1 FROM ZARBOTS_TEXT WHERE TDOBJECT = 'BELEG' AND "
                            "TDNAME = ? AND TDFORMAT = '*' AND TDLINE LIKE '% portal:%'",
                            (name,)).fetchone()
        missing += noted is None
    return missing


def trial_processes(token: str, browsers_only: bool = False) -> list[psutil.Process]:
    """Live processes started by a trial (its marker in their environment)."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            if proc.environ().get(MARKER) != token:
                continue
            command = " ".join(proc.info["cmdline"] or [proc.info["name"] or ""]).lower()
            if not browsers_only or "chrom" in command or "headless_shell" in command:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def end_trial_processes(token: str) -> None:
    """End what a trial left running (its browsers, their drivers), by pid."""
    procs = trial_processes(token)
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


# --------------------------------------------------------------------------- kill points


@dataclass(frozen=True)
class KillPoint:
    """Where a trial kills: once ``bot`` has left ``events`` marks, or ``delay`` s into it."""

    bot: str
    events: int | None = None
    delay: float = 0.0

    def __str__(self) -> str:
        return f"{self.bot} +{self.delay:.2f}s" if self.events is None else \
            f"{self.bot} #{self.events}"


@dataclass(frozen=True)
class Calibration:
    """A clean nightly run measured: each bot's window in seconds, and the marks it leaves.

    ``events``: the mails intake moves, and the ledger events (audit rows:
    intent, done) of each bot that writes.
    """

    windows: dict[str, tuple[float, float]]
    events: dict[str, int]

    @property
    def seconds(self) -> float:
        return max(end for _, end in self.windows.values())

    def point(self, seed: int) -> KillPoint:
        """Trial ``seed``'s kill point: in bot ``NIGHTLY[(seed - 1) % 5]``, drawn by seed."""
        bot = NIGHTLY[(seed - 1) % len(NIGHTLY)]
        rng = random.Random(seed)
        if bot in self.events:
            return KillPoint(bot, events=rng.randint(0, self.events[bot]))
        start, end = self.windows[bot]
        return KillPoint(bot, delay=rng.uniform(0, end - start))


def calibrate(folder: Path) -> Calibration:
    """Measure a clean nightly run bot by bot, in a fresh interpreter, on a fresh world."""
    world = TrialWorld(folder)
    mails = world.reset()
    out = subprocess.run([sys.executable, "-m", "bench.crash", "--timeline",
                          str(world.config)], cwd=world.folder, env=world.env(), check=True,
                         capture_output=True, text=True, timeout=RUN_TIMEOUT)
    end_trial_processes(world.token)
    windows = json.loads(out.stdout.strip().splitlines()[-1])
    db = world.store()
    assert db is not None, "the calibration run left no store"
    with closing(db):
        events = {bot: _scalar(db, f"SELECT count(*) FROM audit WHERE kind IN ({_kinds(bot)})")
                  for bot in WRITES}
    return Calibration({bot: (start, end) for bot, (start, end) in windows.items()},
                       {"intake": len(mails), **events})


def _kinds(bot: str) -> str:
    return ", ".join(f"'{kind}'" for kind in WRITES[bot])


def _timeline_run(config: Path) -> None:
    """The --timeline mode: one nightly run with each bot timed; JSON on the last line."""
    from bots import runner
    from bots.config import load_config
    from bots.domain import Trigger

    windows: dict[str, tuple[float, float]] = {}
    started = time.perf_counter()
    for name, bot in list(runner.BOTS.items()):
        def timed(ctx, bot=bot, name=name):  # noqa: ANN001, ANN202 - a BOTS entry
            begin = time.perf_counter() - started
            try:
                return bot(ctx)
            finally:
                windows[name] = (begin, time.perf_counter() - started)
        runner.BOTS[name] = timed
    runner.run_bots(load_config(config, home=config.parent), ("nightly",), Trigger.ON_DEMAND)
    print(json.dumps(windows))


# --------------------------------------------------------------------------- trials


@dataclass
class Trial:
    """One trial: what was done, how long it took, what was counted."""

    name: str
    bot: str  # the bot running at the kill point ("-" when nothing was killed)
    kill_at: float | None
    seconds: float
    reruns: str  # exit codes of the reruns ("hung" for a rerun that never ended)
    counts: dict[str, int]
    point: str = "-"  # the kill point aimed at (:class:`KillPoint`)

    @property
    def clean(self) -> bool:
        return not any(self.counts.values())


def kill_trial(seed: int, calibration: Calibration, folder: Path) -> Trial:
    """Reset, start the nightly run, SIGKILL it at seed's point, rerun twice, count."""
    point = calibration.point(seed)
    world = TrialWorld(folder)
    began = time.perf_counter()
    mails = world.reset()
    child = world.start("run", "nightly", log="killed")
    watch = RunWatch(world, child.pid, mails)
    try:
        while child.poll() is None and not watch.reached(point):
            time.sleep(0.001)
        time.sleep(point.delay)
        child.send_signal(signal.SIGKILL)  # a no-op when the run has ended
        child.wait()
        kill_at = time.perf_counter() - (watch.began or began)
        bot = watch.stage()  # where the run really was
    finally:
        watch.close()
    codes = [world.run("run", "nightly", log=f"rerun{n}") for n in (1, 2)]
    trial = Trial(f"kill {seed}", bot, kill_at, 0.0, _codes(codes), count_damage(world, mails),
                  str(point))
    end_trial_processes(world.token)
    trial.seconds = time.perf_counter() - began
    return trial


def _codes(codes: Sequence[int | None]) -> str:
    return ",".join("hung" if c is None else str(c) for c in codes)


@contextmanager
def bench_folder(keep: bool = False) -> Iterator[Path]:
    """A scratch folder for the trials' worlds, removed afterwards unless ``keep``."""
    folder = Path(tempfile.mkdtemp(prefix="arbots-crash-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"worlds kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def print_table(title: str, trials: Sequence[Trial]) -> bool:
    """The per-trial table, the totals and the verdict; True when every count is 0."""
    heads = ("trial", "aimed at", "killed at", "in", "seconds", "reruns", *COUNTS)
    rows = [(t.name, t.point, "-" if t.kill_at is None else f"{t.kill_at:.2f}s", t.bot,
             f"{t.seconds:.1f}", t.reruns, *(str(t.counts[c]) for c in COUNTS)) for t in trials]
    totals = {c: sum(t.counts[c] for t in trials) for c in COUNTS}
    seconds = [t.seconds for t in trials]
    rows.append(("total", "", "", "", f"{sum(seconds):.0f}", "",
                 *(str(totals[c]) for c in COUNTS)))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    print(f"\n{title}")
    for row in (heads, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    bad = {c: [t.name for t in trials if t.counts[c]] for c in COUNTS if totals[c]}
    killed = Counter(t.bot for t in trials if t.kill_at is not None)
    print(f"{len(trials)} trials, {sum(seconds) / max(1, len(trials)):.1f}s per trial "
          f"(min {min(seconds, default=0):.1f}s, max {max(seconds, default=0):.1f}s)"
          + (f"; killed in: {', '.join(f'{b} {n}' for b, n in killed.items())}"
             if killed else ""))
    for count, names in bad.items():
        print(f"  {count}: {totals[count]} in {len(names)} trial(s): {', '.join(names)}")
    print("verdict: " + ("PASS, every count 0" if not bad else
                         f"FAIL, non-zero: {', '.join(bad)}"))
    return not bad


def kill_trials(seeds: Sequence[int], folder: Path, *, echo: bool = True) -> list[Trial]:
    """Calibrate once, then one kill trial per seed (each in its own folder)."""
    calibration = calibrate(folder / "calibration")
    if echo:
        spans = ", ".join(f"{bot} {a:.2f}-{b:.2f}s" for bot, (a, b) in
                          calibration.windows.items())
        marks = ", ".join(f"{bot} {n}" for bot, n in calibration.events.items())
        print(f"clean run: {calibration.seconds:.1f}s ({spans}); marks: {marks}", flush=True)
    trials = []
    for seed in seeds:
        trial = kill_trial(seed, calibration, folder / f"kill-{seed:03d}")
        trials.append(trial)
        if trial.clean:
            shutil.rmtree(folder / f"kill-{seed:03d}", ignore_errors=True)
        if echo:
            bad = ", ".join(f"{c} {n}" for c, n in trial.counts.items() if n) or "clean"
            print(f"  {trial.name}: aimed at {trial.point}, killed at {trial.kill_at:.2f}s in "
                  f"{trial.bot}, {trial.seconds:.1f}s, reruns {trial.reruns}: {bad}",
                  flush=True)
    return trials


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int,
                        default=int(os.environ.get("CRASH_TRIALS", DEFAULT_TRIALS)),
                        help="kill points (default 50, or $CRASH_TRIALS)")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the trials' worlds")
    parser.add_argument("--timeline", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.timeline:
        _timeline_run(args.timeline)
        return 0
    seeds = range(args.first_seed, args.first_seed + args.trials)
    with bench_folder(args.keep) as folder:
        trials = kill_trials(seeds, folder)
        ok = print_table(f"kill -9 at {len(trials)} seeded points, then two reruns", trials)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
