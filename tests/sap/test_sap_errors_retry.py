"""Error mapping, the SAP retry wiring (technical errors only), logon and the connection factory.

The policy itself (backoff, jitter, Retry-After) is tested in tests/test_retry.py.
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sap_sandbox import FACTORY_CALLS, NO_WAIT, TODAY, Flaky, simulator, sql

from bots.config import ConfigError, Secret, load_config
from bots.domain import CollectionNote
from bots.retry import RetryPolicy
from bots.sandbox.sap import errors as rfc_errors
from bots.sap import (
    SapBusinessError,
    SapClient,
    SapInterfaceError,
    SapLogonError,
    SapTechnicalError,
    connect,
)
from bots.sap.errors import SapAuthorityError, map_exception


@pytest.mark.parametrize(("error", "kind"), [
    (rfc_errors.communication_error("partner not reached"), SapTechnicalError),
    (rfc_errors.runtime_error("RFC_ERROR_SYSTEM_FAILURE", "short dump"), SapTechnicalError),
    (rfc_errors.logon_error("ARBOTS"), SapLogonError),
    (rfc_errors.abap_error("NOT_AUTHORIZED"), SapAuthorityError),  # a business error
    (rfc_errors.abap_error("NO_DATA"), SapBusinessError),
    (rfc_errors.runtime_error("RFC_NO_AUTHORITY", "no S_RFC"), SapAuthorityError),  # no retry
    (rfc_errors.parameter_error("field 'X' not found"), SapInterfaceError),
    (rfc_errors.runtime_error("CALL_FUNCTION_PARM_MISSING", "missing"), SapInterfaceError),
    (TimeoutError("read timed out"), SapTechnicalError),
])
def test_exceptions_map_to_three_kinds(error: Exception, kind: type) -> None:
    mapped = map_exception(error, "RFC_READ_TABLE")
    assert type(mapped) is kind
    assert mapped.message.startswith("RFC_READ_TABLE: ")


def test_sap_message_fields_are_kept() -> None:
    mapped = map_exception(rfc_errors.logon_error("ARBOTS"), "logon")
    assert (mapped.key, mapped.msg_class, mapped.msg_type, mapped.msg_number, mapped.msg_v1) \
        == ("RFC_LOGON_FAILURE", "00", "E", "152", "ARBOTS")
    assert map_exception(ValueError("a bug"), "X") is None


def test_client_retries_a_dropped_line_with_backoff(sandbox_db: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    waits: list[float] = []
    flaky = Flaky(simulator(sandbox_db), failures=2)
    sap = SapClient(flaky, retry=RetryPolicy(attempts=4, base_delay=0.5, jitter=0,
                                             sleep=waits.append))
    assert len(sap.customers(["2000"])) == 10
    assert flaky.failures == 0 and flaky.calls >= 3
    assert waits == [0.5, 1.0]
    assert "SAP RFC_READ_TABLE: SapTechnicalError: RFC_READ_TABLE: " in caplog.text


def test_client_gives_up_after_the_configured_attempts(sandbox_db: Path) -> None:
    waits: list[float] = []
    flaky = Flaky(simulator(sandbox_db), failures=10)
    sap = SapClient(flaky, retry=RetryPolicy(attempts=3, sleep=waits.append))
    with pytest.raises(SapTechnicalError, match="partner not reached"):
        sap.ping()
    assert flaky.calls == 3 and len(waits) == 2


class Refusing:
    """A connection whose every call raises ``error`` (counted)."""

    def __init__(self, error: Exception) -> None:
        self.error, self.calls = error, 0

    def call(self, name: str, /, **params: object) -> dict[str, object]:
        self.calls += 1
        raise self.error


@pytest.mark.parametrize("error", [rfc_errors.abap_error("NOT_AUTHORIZED"),
                                   rfc_errors.logon_error("ARBOTS")])
def test_client_never_retries_business_or_logon_errors(error: Exception) -> None:
    waits: list[float] = []
    refusing = Refusing(error)
    with pytest.raises((SapBusinessError, SapLogonError)):
        SapClient(refusing, retry=RetryPolicy(attempts=5, sleep=waits.append)).ping()
    assert refusing.calls == 1 and waits == []


def test_configured_retries_set_the_attempts(tmp_path: Path, sandbox_db: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_SANDBOX_PASSWORD", "demo-secret")
    monkeypatch.setenv("ARBOTS_TEST_SAP_PW", "demo-secret")
    cfg = _config(tmp_path, sandbox_db)
    with connect(replace(cfg.sap, retries=1)) as sap:
        assert sap.rfc.retry.attempts == 2
    with connect(cfg.sap) as sap:
        assert sap.rfc.retry.attempts == cfg.sap.retries + 1


def test_no_retry_after_uncommitted_writes(sandbox_db: Path) -> None:
    flaky = Flaky(simulator(sandbox_db), failures=0)
    sap = SapClient(flaky, retry=NO_WAIT)
    sap.save_note(CollectionNote("1000", "0000100001", TODAY, ("x",)))
    flaky.failures = 1
    with pytest.raises(SapTechnicalError, match="uncommitted"):
        sap.commit()
    assert flaky.calls == 2


def _config(tmp_path: Path, db: Path, mode: str = "sandbox", passwd: bool = True):
    extra = 'passwd = { env = "ARBOTS_TEST_SAP_PW" }' if passwd else ""
    host = 'ashost = "127.0.0.1"\nsysnr = "00"\nclient = "100"' if mode == "rfc" else ""
    file = tmp_path / "site.toml"
    file.write_text(f'[sap]\nmode = "{mode}"\nsandbox_db = "{db}"\n'
                    f'[sap.connection]\nuser = "ARBOTS"\n{host}\n{extra}\n')
    return load_config(file, home=tmp_path)


def test_wrong_sandbox_password_is_a_logon_error(tmp_path: Path, sandbox_db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_SANDBOX_PASSWORD", "demo-secret")
    monkeypatch.setenv("ARBOTS_TEST_SAP_PW", "not-it")
    cfg = _config(tmp_path, sandbox_db)
    calls: list[float] = []
    with pytest.raises(SapLogonError) as caught:
        connect(cfg.sap, retry=RetryPolicy(attempts=3, sleep=calls.append))
    assert calls == []  # never retried
    assert "not-it" not in str(caught.value) and "demo-secret" not in str(caught.value)
    monkeypatch.setenv("ARBOTS_TEST_SAP_PW", "demo-secret")
    with connect(cfg.sap) as sap:
        assert sap.ping() >= 0


def test_sandbox_is_generated_on_first_use(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARBOTS_SANDBOX_PASSWORD", raising=False)
    cfg = _config(tmp_path, tmp_path / "new" / "sap.sqlite", passwd=False)
    with connect(cfg.sap) as sap:
        assert len(sap.customers(["1000", "2000"])) >= 60
    assert sql(tmp_path / "new" / "sap.sqlite", "SELECT count(*) FROM BSID")[0][0] >= 3000


def test_connection_factory_from_the_environment(tmp_path: Path, sandbox_db: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_SAP_CONNECTION", "sap_sandbox:factory")
    monkeypatch.setenv("ARBOTS_TEST_SANDBOX_DB", str(sandbox_db))
    monkeypatch.setenv("ARBOTS_TEST_SAP_PW", "from-env")
    cfg = _config(tmp_path, tmp_path / "unused.sqlite", mode="rfc")
    FACTORY_CALLS.clear()
    with connect(cfg.sap) as sap:
        assert sap.open_items_of("1000", "0000100001", TODAY)
    assert FACTORY_CALLS == [{"ashost": "127.0.0.1", "sysnr": "00", "client": "100",
                              "user": "ARBOTS", "passwd": "from-env"}]
    monkeypatch.setenv("ARBOTS_SAP_CONNECTION", "sap_sandbox")
    with pytest.raises(ConfigError, match="package.module:callable"):
        connect(cfg.sap)


def test_rfc_mode_without_pyrfc_is_a_config_error(tmp_path: Path, sandbox_db: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    if importlib.util.find_spec("pyrfc") is not None:
        pytest.skip("pyrfc is installed here")
    monkeypatch.delenv("ARBOTS_SAP_CONNECTION", raising=False)
    cfg = _config(tmp_path, sandbox_db, mode="rfc", passwd=False)
    with pytest.raises(ConfigError, match="pyrfc"):
        connect(replace(cfg.sap, passwd=Secret.literal("x")))


def test_amounts_sent_are_never_floats(sandbox_db: Path) -> None:
    with pytest.raises(TypeError):
        simulator(sandbox_db).call("Z_ARBOTS_POST_CLEARING", I_HEADER={"BUKRS": "1000"},
                                   I_PAYMENT={"WRBTR": 1.5})
    assert simulator(sandbox_db).call(
        "Z_ARBOTS_POST_CLEARING", I_HEADER={"BUKRS": "1000", "XBLNR": "k"},
        I_PAYMENT={"WRBTR": Decimal("1.50")})["RETURN"][0]["TYPE"] == "E"
