""""What does this pay?": an uploaded advice read and matched, nothing posted, nothing kept.

The file is read in a process of its own (:mod:`bots.console.reader`: a reader
that hangs or crashes on a hostile PDF takes nothing of the web server with
it), through the front door of ``arbots extract`` with its size caps and the
templates learned from corrections, so an upload that is not a remittance
gets the very reasons ``arbots extract`` gives; the remittances it finds are
then matched by the cash-application engine against the open items of the
latest snapshot in the store, with the configured policy and what was learned.
Nothing is written to SAP or the store.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, astuple
from pathlib import Path
from typing import Any, BinaryIO

from bots.cashapp import Memory, match, policy_from_config
from bots.config import Config
from bots.interchange import proposal_rows
from bots.remittance import Limits
from bots.remittance.jsonl import from_json
from bots.store import Store

EXTRACT_PATIENCE = 120  # seconds one upload may take to read
FORM_ROOM = 64 * 1024  # bytes of a form around the uploaded file
READER = (sys.executable, "-m", "bots.console.reader")


class UploadTooLarge(ValueError):
    """The upload is larger than the limit; the message names it."""


def declared_too_large(content_length: str | None, limit: int) -> bool:
    """Whether a request's declared size already exceeds ``limit`` (plus room for the
    form around the file): refused before its body is read."""
    return bool(content_length and content_length.isdigit()
                and int(content_length) > limit + FORM_ROOM)


def chunks(file: BinaryIO) -> Iterator[bytes]:
    """The bytes of ``file`` in pieces."""
    return iter(lambda: file.read(1 << 16), b"")


def too_large(limit: int) -> str:
    """What an oversized upload is told."""
    return (f"the upload is larger than the limit of {limit:,} bytes "
            "([remittance.limits] max_file_bytes)")


def read_limited(chunks: Any, limit: int) -> bytes:
    """The bytes of an upload read from ``chunks`` (an iterator of bytes), refused with
    :class:`UploadTooLarge` past ``limit`` bytes (without reading the rest)."""
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise UploadTooLarge(too_large(limit))
    return bytes(data)


def safe_name(name: str) -> str:
    """The upload's file name reduced to its last part and harmless characters (its
    extension helps tell the format)."""
    base = re.sub(r"[^\w.\- ]", "_", Path(name.replace("\\", "/")).name).strip(" .")
    return base[:120] or "upload"


def what_does_this_pay(cfg: Config, store: Store, data: bytes, name: str) -> dict[str, Any]:
    """Read ``data`` (the file ``name``) and propose what it pays: ``{file, remittances,
    failures, proposals, snapshot_run, open_items}``; nothing is posted."""
    name = safe_name(name)
    remittances, failures = _extract(cfg, store, data, name)
    snapshot_run = store.latest_snapshot_run()
    items = list(store.snapshot(snapshot_run)) if snapshot_run else []
    proposals: list[dict[str, str]] = []
    if remittances and items:
        policy = policy_from_config(cfg.raw.get("cashapp"), cfg.source, cfg.sap.reason_codes)
        if cfg.disputes.enabled:  # as the nightly run: a residual from dispute_min gets a case
            policy = policy.with_dispute_cases()
        learned = cfg.cashapp_memory_path
        result = match(items, remittances, (), policy,
                       memory=Memory(learned) if learned.exists() else None)
        proposals = list(proposal_rows(result, (r.id for r in remittances)))
    return {"file": name, "snapshot_run": snapshot_run, "open_items": len(items),
            "remittances": [_remittance(r) for r in remittances], "failures": failures,
            "proposals": proposals}


def _extract(cfg: Config, store: Store, data: bytes, name: str
             ) -> tuple[list[Any], list[dict[str, str]]]:
    """The remittances :mod:`bots.console.reader` reads from ``data``, and its failures."""
    request = json.dumps({
        "limits": asdict(Limits.from_config(cfg.raw, cfg.source)),
        "hints": [astuple(hint) for hint in store.learned_hints()]})
    with tempfile.TemporaryDirectory(prefix="arbots-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            done = subprocess.run([*READER, str(path)], input=request, cwd=cfg.home,
                                  capture_output=True, text=True, timeout=EXTRACT_PATIENCE)
        except subprocess.TimeoutExpired:
            return [], [{"source": name, "code": "timeout",
                         "reason": f"reading took longer than {EXTRACT_PATIENCE} s"}]
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return [], [{"source": name, "code": "internal", "reason": f"the reader failed: {last}"}]
    answer = json.loads(done.stdout)
    remittances = [from_json(json.loads(line)) for line in answer["remittances"]]
    failures = [{**failure, "source": failure["source"].replace(str(path), name)}
                for failure in answer["failures"]]
    return remittances, failures


def _remittance(r: Any) -> dict[str, Any]:
    return {"id": r.id, "format": r.format, "payer": r.payer_name or "",
            "payment_ref": r.payment_ref or "", "currency": r.currency,
            "payment_date": r.payment_date.isoformat() if r.payment_date else "",
            "total": "" if r.total is None else str(r.total),
            "lines": [{"invoice_ref": line.invoice_ref, "paid_amount": str(line.paid_amount),
                       "discount": str(line.discount), "deduction": str(line.deduction)}
                      for line in r.lines]}
