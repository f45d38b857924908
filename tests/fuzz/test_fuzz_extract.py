"""Hostile input through the front door, ``extract``: a result with reasons, never a crash.

Two halves:

* hypothesis feeds arbitrary bytes (alone and behind every format's magic)
  to :func:`bots.remittance.extract`: it returns remittances the interchange
  can carry, or failures each with a known code and a reason; no exception,
  no reader bug (``internal``);
* the generated corpus of :mod:`tests.fuzz.hostile` (>= 200 files: truncated
  and encrypted PDFs, zip bombs, broken MIME, XXE, odd encodings, amounts and
  dates ...) must each end as its entry says; the count and the time per file
  are printed (``-s``) and recorded as test properties. The huge-file family
  and the run through ``arbots extract`` on a folder are ``slow``.
"""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bots.cli import main
from bots.remittance import ExtractResult, extract
from bots.remittance.errors import CODES
from bots.remittance.jsonl import to_json
from bots.remittance.records import check_amounts
from tests.fuzz.hostile import CAMT_NS, Hostile, corpus

MAGIC = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"ISA*00*", b"01,", b":20:X\n:61:",
         f'<?xml version="1.0"?><Document xmlns="{CAMT_NS}">'.encode(),
         b"From: a@b.example\r\nSubject: remittance\r\nMIME-Version: 1.0\r\n\r\n",
         b"Invoice #,Amount Paid\r\n", b"<html><table><tr><td>Invoice</td><td>Paid</td></tr>",
         b"\xff\xfe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
HOSTILE = corpus()
FAST_FAMILIES = [h for h in HOSTILE if not h.family.startswith("huge")]


def check_result(result: ExtractResult) -> None:
    """What every result must be: remittances the interchange carries, failures with reasons."""
    assert result.remittances or result.failures or result.returns, "an input vanished"
    for failure in result.failures + result.ignored:
        assert failure.code in CODES and failure.reason.strip(), failure
        assert failure.code != "internal", f"a reader bug: {failure}"
    for remittance in result.remittances:
        check_amounts(remittance)
        json.dumps(to_json(remittance))


def check_expected(hostile: Hostile, result: ExtractResult) -> None:
    """``hostile.expect``: a failure code, "read", or anything-but-a-crash (None)."""
    check_result(result)
    codes = [f.code for f in result.failures]
    if hostile.expect == "read":
        assert result.remittances and not result.failures, (hostile.name, result.failures)
        if hostile.warning:
            warnings = [w for r in result.remittances for w in r.warnings]
            assert any(hostile.warning in w for w in warnings), (hostile.name, warnings)
        if hostile.lines:
            first = result.remittances[0]
            got = [(line.invoice_ref, str(line.paid_amount)) for line in first.lines]
            assert got == list(hostile.lines), (hostile.name, got)
    elif hostile.expect is not None:
        assert not result.remittances and codes == [hostile.expect], (hostile.name, codes)


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(MAGIC), st.binary(max_size=3000))
def test_arbitrary_bytes_give_remittances_or_reasons(magic, tail):
    check_result(extract(magic + tail, "fuzz.bin"))


def test_the_corpus_is_big_enough_and_covers_every_family():
    families = {h.family.split("-")[0] for h in HOSTILE}
    assert len(HOSTILE) >= 200
    assert {"pdf", "zip", "mime", "xml", "encoding", "amount", "date", "bidi", "huge",
            "empty", "junk", "mutation"} <= families


def _run_corpus(inputs: list[Hostile], record_property) -> None:
    times = []
    for hostile in inputs:
        started = time.perf_counter()
        result = extract(hostile.data, hostile.name)
        times.append(time.perf_counter() - started)
        check_expected(hostile, result)
    per_file = sum(times) / len(times)
    record_property("hostile_inputs", len(inputs))
    record_property("seconds_per_file", round(per_file, 4))
    print(f"\n{len(inputs)} hostile inputs through extract(): 0 tracebacks, "
          f"{per_file * 1000:.1f} ms per file (slowest {max(times):.2f} s)")


def test_hostile_corpus_through_extract(record_property):
    _run_corpus(FAST_FAMILIES, record_property)


@pytest.mark.slow
def test_huge_inputs_through_extract(record_property):
    _run_corpus([h for h in HOSTILE if h.family.startswith("huge")], record_property)


@pytest.mark.slow
def test_hostile_corpus_through_the_cli(tmp_path, monkeypatch):
    """``arbots extract`` on a folder of every hostile file: one stderr line per failure, exit 1."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for hostile in HOSTILE:
        (folder / hostile.name).write_bytes(hostile.data)
    out = tmp_path / "new" / "folder" / "out.jsonl"
    monkeypatch.setenv("COLUMNS", "400")
    run = CliRunner().invoke(main, ["extract", str(folder), "--out", str(out)])
    assert run.exit_code == 1 and run.exception is None or isinstance(run.exception, SystemExit)
    assert "Traceback" not in run.stderr
    failed = [line for line in run.stderr.splitlines() if line.startswith("failed ")]
    expected_failures = [h for h in HOSTILE if h.expect not in (None, "read")]
    for hostile in expected_failures:
        assert any(f"{hostile.name}" in line and f"({hostile.expect})" in line
                   for line in failed), hostile.name
    written = [json.loads(line) for line in out.read_text().splitlines()]
    sources = [r["source"] for r in written]
    assert sources == sorted(sources, key=lambda s: s.split("#")[0])  # the order of the paths
    duplicates = [line for line in run.stderr.splitlines() if line.startswith("duplicate ")]
    for hostile in (h for h in HOSTILE if h.expect == "read"):  # written, or once already
        assert any(s.split("#")[0].endswith(f"/{hostile.name}") for s in sources) or \
            any(f"/{hostile.name}" in line for line in duplicates), hostile.name
