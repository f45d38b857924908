"""The examples in the core modules' docstrings are true."""

from __future__ import annotations

import doctest

import pytest

import bots.cashapp.rows
import bots.cashapp.table
import bots.domain
import bots.interchange
import bots.pipeline.aging
import bots.remittance.columns
import bots.remittance.values


@pytest.mark.parametrize("module", [bots.cashapp.rows, bots.cashapp.table, bots.domain,
                                    bots.interchange,
                                    bots.pipeline.aging, bots.remittance.columns,
                                    bots.remittance.values])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
