"""The auto threshold means a measured error rate (issue 11, item 5).

``bench/cashapp_calibration.json`` is the engine's table of error rates per
rule and confidence band on the calibration part of the corpus (tune mix, its
own seeds: see the split in bench/cashapp_corpus.py). A row is wrong when its
item, cash or treatment is not the truth's. The tests check that the file is
still the engine's (a changed rule or confidence changes it: rebuild it and
read the diff) and that every band keeps its promise: a confidence of c means
at most 1 - c of its auto rows wrong, and nothing is auto below the threshold.
"""

from __future__ import annotations

import json

import pytest

from bench.cashapp_heldout import CALIBRATION_FILE, calibration_table
from bots.cashapp import Policy

REBUILD = "python bench/cashapp_heldout.py --write-calibration"


@pytest.fixture(scope="module")
def table():
    return calibration_table()


def _auto_cells(table):
    for rule, bands in table["rules"].items():
        for label, cell in bands.items():
            if cell["auto_rows"]:
                yield rule, label, cell


def test_the_checked_in_table_is_the_engines(table):
    stored = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    assert stored == table, f"the engine's confidences changed: run `{REBUILD}`, read the diff"


def test_every_band_with_auto_rows_keeps_its_promise(table):
    broken = [f"{rule} {label}: {cell['auto_wrong']} of {cell['auto_rows']} auto rows wrong "
              f"({cell['auto_error_rate']:.2%}, promised at most {cell['promise']:.0%})"
              for rule, label, cell in _auto_cells(table)
              if cell["auto_error_rate"] > cell["promise"]]
    assert not broken, "; ".join(broken)


def test_nothing_is_auto_below_the_threshold(table):
    threshold = float(Policy().auto_threshold)
    below = [(rule, label) for rule, label, _ in _auto_cells(table)
             if float(label[1:].split(",")[1].rstrip(")]")) <= threshold]
    assert not below


def test_the_calibration_part_is_large_enough(table):
    rows = sum(cell["auto_rows"] for _, _, cell in _auto_cells(table))
    assert rows >= 4000
