"""Golden files: realistic advices (written for this project) beside the output they must give.

``tests/remittance/golden/<name>`` is read as ``<name>`` and compared with
``<name>.json`` (the interchange objects, as ``arbots extract`` writes them).
The layouts imitate what payers send: a mainframe fixed-width e-mail, an AP
portal's HTML notification with a layout table, a bill-pay e-mail in
sentences, a German cp1252 CSV avis and an SAP XLSX export. When a reader
changes on purpose, regenerate a .json and review its diff line by line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bots.remittance import extract
from bots.remittance.jsonl import to_json

GOLDEN = Path(__file__).resolve().parent / "golden"
INPUTS = sorted(p for p in GOLDEN.iterdir() if p.suffix != ".json")


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_golden(path):
    result = extract(path, path.name)
    assert result.failures == []
    expected = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    assert [to_json(r) for r in result.remittances] == expected
