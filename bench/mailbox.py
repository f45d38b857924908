"""Benchmark: messages per second through the mailbox backends, against a bare baseline.

Run ``python -m bench mailbox`` (or ``python bench/mailbox.py --messages 1000``).

- **folder**: ``list_new`` + ``fetch`` + ``move`` of N copies of a real
  remittance e-mail with a PDF (../shared/samples/mikel__mail), against the
  bare minimum in the same process (``scandir`` + ``read_bytes`` + ``rename``).
  The difference is mostly the header summary (subject/sender/date) that
  ``list_new`` reads for each file.
- **imap**: the same cycle against a real Dovecot on loopback (when
  /usr/sbin/dovecot is installed and we are root), against raw imaplib doing
  it in three batch commands (``UID SEARCH``, ``UID FETCH 1:*``, ``UID MOVE
  1:*``). The backend makes one round trip per fetch and per move, which is
  what the ratio shows.

Figures vary with the machine's load; run alone for stable numbers.
"""

from __future__ import annotations

import argparse
import imaplib
import os
import sys
import tempfile
import time
from pathlib import Path

from bots.config import Secret
from bots.email.folder import FolderMailbox, seed_demo_mailbox
from bots.email.imap import ImapMailbox
from bots.retry import RetryPolicy

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO.parent / "shared/samples/mikel__mail" / \
    "spec__fixtures__emails__attachment_emails__attachment_pdf.eml"


def _line(label: str, count: int, seconds: float, baseline: float) -> None:
    print(f"{label:<34} {count:>6} msgs {seconds:8.3f} s {count / seconds:10.0f} msg/s "
          f"ratio {seconds / baseline:5.2f}x baseline", flush=True)


def bench_folder(count: int, raw: bytes) -> None:
    """Folder backend vs scandir/read/rename on the same files."""
    with tempfile.TemporaryDirectory() as tmp:
        ours_dir, base_dir = Path(tmp, "ours"), Path(tmp, "base")
        seed_demo_mailbox(ours_dir, [raw] * count)
        seed_demo_mailbox(base_dir, [raw] * count)

        started = time.perf_counter()
        (base_dir / "processed").mkdir()
        total = 0
        for entry in os.scandir(base_dir):
            if entry.is_file():
                total += len(Path(entry.path).read_bytes())
                os.rename(entry.path, base_dir / "processed" / entry.name)
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        with FolderMailbox("bench", ours_dir) as box:
            refs = box.list_new()
            ours = sum(len(box.fetch(ref)) for ref in refs)
            for ref in refs:
                box.move(ref, "processed")
        seconds = time.perf_counter() - started
    assert ours == total == count * len(raw), "both sides must move the same bytes"
    _line("folder: scandir+read+rename", count, baseline, baseline)
    _line("folder: FolderMailbox", count, seconds, baseline)


def bench_imap(count: int, raw: bytes) -> None:
    """IMAP backend vs raw batch imaplib against a real Dovecot on loopback."""
    sys.path.insert(0, str(REPO / "tests" / "email"))
    from mailbox_servers import deliver, running_dovecot

    with running_dovecot() as server:
        for user in ("base@bench.example", "ours@bench.example"):
            for _ in range(count):
                deliver(server, user, raw)

        started = time.perf_counter()
        imap = imaplib.IMAP4(server.host, server.port)
        imap.login("base@bench.example", server.password)
        imap.create("processed")
        imap.select("INBOX")
        _, found = imap.uid("SEARCH", "ALL")
        _, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[])")
        total = sum(len(item[1]) for item in data if isinstance(item, tuple))
        imap.uid("MOVE", "1:*", "processed")
        imap.logout()
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        box = ImapMailbox("bench", host=server.host, port=server.port, security="plain",
                          user="ours@bench.example", password=Secret.literal(server.password),
                          retry=RetryPolicy(attempts=1))
        with box:
            refs = box.list_new()
            ours = sum(len(box.fetch(ref)) for ref in refs)
            for ref in refs:
                box.move(ref, "processed")
        seconds = time.perf_counter() - started
    assert len(found[0].split()) == len(refs) == count and ours == total
    _line("imap: raw imaplib, 3 batch commands", count, baseline, baseline)
    _line("imap: ImapMailbox (per message)", count, seconds, baseline)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--imap-messages", type=int, default=200)
    args = parser.parse_args()
    raw = SAMPLE.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    print(f"sample: {SAMPLE.name} ({len(raw)} bytes)")
    bench_folder(args.messages, raw)
    if os.geteuid() == 0 and Path("/usr/sbin/dovecot").exists():
        bench_imap(args.imap_messages, raw)
    else:
        print("imap: skipped (needs /usr/sbin/dovecot and root)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
