"""bench/match.py still runs (tiny scale; no timing is asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "match.py"


def test_bench_runs_and_reports_precision():
    out = subprocess.run([sys.executable, str(BENCH), "--scale", "0.002"], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert "baseline pandas join:" in out and "ratio engine / pandas join:" in out
    assert "auto precision 1.0000 (item and cash 1.0000; 0 wrong of" in out
    assert "false postings that must never happen: none" in out
    assert "auto precision per rule" in out and "auto precision per confidence band" in out
