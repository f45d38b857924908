"""Optional: the real pyrfc (e.g. erpl-pyrfc, ``pip install 'arbots[rfc]'``) on a closed port.

Skipped when pyrfc is not installed (it is an optional dependency).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bots.config import load_config
from bots.retry import RetryPolicy
from bots.sap import SapTechnicalError, connect


def _closed_gateway_sysnr() -> str:
    """A system number whose gateway port (33NN) on 127.0.0.1 refuses connections."""
    for sysnr in range(100):
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", 3300 + sysnr)) != 0:
                return f"{sysnr:02d}"
    pytest.skip("no closed port in 3300-3399 on loopback")


def test_connection_refused_is_a_technical_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyrfc", reason="pyrfc (erpl-pyrfc) is an optional dependency")
    monkeypatch.delenv("ARBOTS_SAP_CONNECTION", raising=False)
    monkeypatch.setenv("ARBOTS_TEST_SAP_PW", "not-used")
    config = tmp_path / "rfc.toml"
    config.write_text(f'[sap]\nmode = "rfc"\nretries = 0\n[sap.connection]\n'
                      f'ashost = "127.0.0.1"\nsysnr = "{_closed_gateway_sysnr()}"\n'
                      'client = "100"\nuser = "ARBOTS"\n'
                      'passwd = { env = "ARBOTS_TEST_SAP_PW" }\n')
    cfg = load_config(config, home=tmp_path)
    waits: list[float] = []
    with pytest.raises(SapTechnicalError):
        connect(cfg.sap, retry=RetryPolicy(attempts=2, base_delay=0.5, jitter=0,
                                           sleep=waits.append))
    assert waits == [0.5]  # a technical error is retried
