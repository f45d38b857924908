"""A small sandbox world per test: SAP simulator file, store, runs folder, config."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bots.config import Config, load_config
from bots.sandbox.mailbox import seed_demo_mailbox
from bots.sandbox.sap import reset_sandbox
from bots.sandbox.world import demo_mailbox_path
from bots.sap import connect

CONFIG = """
[store]
path = "var/arbots.sqlite"
runs_dir = "var/runs"

[sap]
mode = "sandbox"
sandbox_db = "var/sandbox/sap.sqlite"
company_codes = ["1000", "2000"]
page_size = 400
{sap_extra}

[collections]
outbox = "var/outbox"
"""


def write_config(folder: Path, sap_extra: str = "") -> Path:
    path = folder / "site.toml"
    path.write_text(CONFIG.format(sap_extra=sap_extra), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated sandbox file (20 customers, 400 items), copied per test."""
    path = tmp_path_factory.mktemp("sandbox") / "sap.sqlite"
    reset_sandbox(path, customers=20, items=400, seed=11)
    return path


def make_world(folder: Path, template: Path) -> Config:
    """The configuration of a fresh sandbox world below ``folder`` (SAP copied from template)."""
    target = folder / "var" / "sandbox" / "sap.sqlite"
    target.parent.mkdir(parents=True)
    target.write_bytes(template.read_bytes())
    return load_config(write_config(folder), home=folder)


@pytest.fixture
def world(tmp_path: Path, small_sandbox: Path) -> Config:
    """The configuration of a fresh sandbox world below ``tmp_path``."""
    return make_world(tmp_path, small_sandbox)


def seed_mailbox(cfg: Config, today: date) -> list[Any]:
    """Seed the world's demo mailbox from the sandbox's open items; returns what was seeded."""
    with connect(cfg.sap) as sap:
        customers = {(c.company_code, c.number): c for c in sap.customers(cfg.sap.company_codes)}
        items = list(sap.iter_open_items(cfg.sap.company_codes, today))
    return seed_demo_mailbox(demo_mailbox_path(cfg), items, customers, today)
