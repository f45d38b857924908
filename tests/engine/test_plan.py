"""Queues, workflow ids and the error table of the Temporal engine."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from bots.config import ConfigError
from bots.engine.errors import application_error
from bots.engine.plan import BOT_QUEUE, QUEUES, task_queue, workflow_id
from bots.runner import BOTS
from bots.sap.errors import SapLogonError, SapTechnicalError


def test_every_bot_has_a_queue_of_its_kind() -> None:
    assert set(BOT_QUEUE) == set(BOTS)
    assert set(BOT_QUEUE.values()) | {"flow"} == set(QUEUES)
    assert (BOT_QUEUE["portals"], BOT_QUEUE["intake"], BOT_QUEUE["cashapp"]) == (
        "browser", "mail", "sap")
    assert task_queue("ar-eu", "sap") == "ar-eu-sap"


def test_one_workflow_id_per_landscape_bots_and_night() -> None:
    night = date(2026, 12, 7)
    one = workflow_id("sap:PRD/100", ["openitems", "cashapp"], night)
    assert one == workflow_id("sap:PRD/100", ["openitems", "cashapp"], night)
    assert one.startswith("arbots-sap-") and one.endswith("-openitems+cashapp-2026-12-07")
    assert len({one, workflow_id("sap:QAS/100", ["openitems", "cashapp"], night),
                workflow_id("sap:PRD/100", ["cashapp"], night),
                workflow_id("sap:PRD/100", ["openitems", "cashapp"], date(2026, 12, 8))}) == 4


def test_errors_are_retried_or_not_by_their_class() -> None:
    decided = {type(exc).__name__: application_error(exc).non_retryable for exc in (
        ConfigError("site.toml: sap.client: bad"), SapLogonError("wrong password"),
        SapTechnicalError("connection reset"), TimeoutError("read timed out"),
        ValueError("a defect"))}
    assert decided == {"ConfigError": True, "SapLogonError": True,
                       "SapTechnicalError": False, "TimeoutError": False, "ValueError": False}
    error = application_error(SapLogonError("user locked"))
    assert (error.type, error.message) == ("SapLogonError", "user locked")


def test_the_workflow_module_imports_no_sap_browser_pdf_or_pandas_code() -> None:
    probe = ("import sys, bots.engine.workflows; print(sorted({m.split('.')[0] for m in "
             "sys.modules} & {'pyrfc', 'playwright', 'pypdfium2', 'pdfplumber', 'pandas', "
             "'sqlite3'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
