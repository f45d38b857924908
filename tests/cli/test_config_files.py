"""The shipped configuration files are valid, in every room that reads them."""

from __future__ import annotations

from pathlib import Path

from bots.cashapp import policy_from_config
from bots.config import load_config
from bots.email.settings import configured_mailboxes
from bots.portals import portals_config

REPO = Path(__file__).resolve().parents[2]


def test_example_and_demo_configs_validate_everywhere(tmp_path: Path) -> None:
    for name in ("example.toml", "demo.toml"):
        cfg = load_config(REPO / "config" / name, home=tmp_path)
        assert configured_mailboxes(cfg)
        assert portals_config(cfg).sites
        policy_from_config(cfg.raw.get("cashapp"), cfg.source)
    example = load_config(REPO / "config" / "example.toml", home=tmp_path)
    assert example.sap.mode == "rfc" and example.sap.passwd is not None
    assert "hunter" not in repr(example)
