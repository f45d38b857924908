"""The s4 adapter against the S/4 simulator over real HTTP: the same records as the RFC road."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from s4_world import NO_WAIT, PAGE, TODAY, s4_config, write_config

from bots.config import ConfigError, load_config
from bots.sandbox.s4 import S4Server, start_s4
from bots.sandbox.sap import SapSimulator, generate
from bots.sap import SapBusinessError, SapClient, SapLogonError, SapTechnicalError, connect
from bots.sap.s4 import S4Client, connect_s4

CODES = ["1000", "2000"]
pytestmark = pytest.mark.usefixtures("secrets_env")


def _adapter(tmp_path: Path, world: Path, s4: S4Server, **kwargs: object) -> S4Client:
    cfg = s4_config(tmp_path, world, base_url=s4.url, **kwargs)
    return connect_s4(cfg.sap, retry=NO_WAIT)


def _rfc(world: Path) -> SapClient:
    return SapClient(SapSimulator(world, clock=lambda: TODAY), retry=NO_WAIT)


@pytest.mark.parametrize("days_back", [0, 40])
def test_the_same_open_items_as_the_rfc_road(tmp_path: Path, world: Path, s4: S4Server,
                                             days_back: int) -> None:
    key_date = TODAY - timedelta(days=days_back)  # 40 days back: items cleared since count
    with _rfc(world) as rfc, _adapter(tmp_path, world, s4) as adapter:
        expected = set(rfc.iter_open_items(CODES, key_date))
        got = list(adapter.iter_open_items(CODES, key_date))
    assert len(got) == len(set(got)) and set(got) == expected
    assert len(expected) > 3 * PAGE and s4.stats.reads["A_OperationalAcctgDocItemCube"] > 3
    assert {i.currency for i in got} >= {"USD", "EUR"} and any(i.dunning_block for i in got)


def test_the_same_customers_as_the_rfc_road(tmp_path: Path, world: Path, s4: S4Server) -> None:
    with _rfc(world) as rfc, _adapter(tmp_path, world, s4) as adapter:
        customers = adapter.customers(CODES)
        assert customers == rfc.customers(CODES)
        assert adapter.customers(["2000"]) == rfc.customers(["2000"])
    assert {c.language for c in customers} == {"E", "D"}
    assert any(c.dunning_block for c in customers) and any(c.dunning_level for c in customers)


def test_one_customer_and_is_open(tmp_path: Path, world: Path, s4: S4Server) -> None:
    with _rfc(world) as rfc, _adapter(tmp_path, world, s4) as adapter:
        item = next(iter(rfc.iter_open_items(["1000"], TODAY)))
        expected = {i for i in rfc.iter_open_items(["1000"], TODAY)
                    if i.customer == item.customer}
        assert set(adapter.open_items_of("1000", item.customer.lstrip("0"), TODAY)) == expected
        assert adapter.is_open("1000", item.document_no, item.fiscal_year)
        assert not adapter.is_open("1000", "0000000000", item.fiscal_year)


def test_oauth_token_is_fetched_once_and_renewed_when_refused(tmp_path: Path, world: Path,
                                                              s4: S4Server) -> None:
    with _adapter(tmp_path, world, s4, auth="oauth") as adapter:
        items = list(adapter.iter_open_items(CODES, TODAY))
        assert s4.stats.tokens_granted == 1  # one token for every page
        s4.expire_tokens()
        assert list(adapter.iter_open_items(CODES, TODAY)) == items
        assert s4.stats.tokens_granted == 2


def test_logon_per_service(tmp_path: Path, world: Path, s4: S4Server) -> None:
    with _adapter(tmp_path, world, s4, auth="oauth",
                  services={"API_BUSINESS_PARTNER": "basic"}) as adapter:
        assert adapter.customers(CODES)
        assert s4.stats.tokens_granted == 0  # business partners went with basic logon
        assert next(adapter.iter_open_items(["1000"], TODAY))
        assert s4.stats.tokens_granted == 1


def test_5xx_and_timeouts_are_retried_then_given_up(tmp_path: Path, world: Path,
                                                    s4: S4Server) -> None:
    with _adapter(tmp_path, world, s4, auth="basic", timeout=1) as adapter:
        s4.faults.fail(2)  # two 503s, then the third attempt answers
        assert adapter.customers(["1000"])
        s4.faults.stall(1, 2.5)  # the first read times out on the client, the retry answers
        assert adapter.is_open("1000", "0000000000", "2026") is False
        s4.faults.fail(3, status=500)
        with pytest.raises(SapTechnicalError, match="HTTP 500: Service temporarily"):
            adapter.customers(["1000"])


def test_a_bad_request_is_a_business_error_with_the_services_message(
        tmp_path: Path, world: Path, s4: S4Server) -> None:
    with _adapter(tmp_path, world, s4, auth="basic") as adapter:
        with pytest.raises(SapBusinessError) as caught:
            list(adapter.odata.entities("API_BUSINESS_PARTNER", "A_Customer",
                                        filter="Bogus eq 'x'"))
    assert "HTTP 400: Property 'Bogus' not found in $filter" in str(caught.value)
    assert caught.value.key == "/IWBEP/CM_MGW_RT/022"
    assert s4.stats.reads["A_Customer"] == 1  # not retried


def test_wrong_credentials_are_a_logon_error_not_retried(
        tmp_path: Path, world: Path, s4: S4Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_S4_PASSWORD", "wrong-password")
    with _adapter(tmp_path, world, s4, auth="basic") as adapter:
        with pytest.raises(SapLogonError, match="HTTP 401") as caught:
            adapter.customers(CODES)
    assert "wrong-password" not in str(caught.value)
    assert s4.stats.reads == {}
    monkeypatch.setenv("TEST_S4_CLIENT_SECRET", "wrong-secret")
    with _adapter(tmp_path, world, s4, auth="oauth") as adapter, \
            pytest.raises(SapLogonError, match="OAuth token: HTTP 401"):
        adapter.customers(CODES)


def test_csrf_token_fetch(tmp_path: Path, world: Path, s4: S4Server) -> None:
    with _adapter(tmp_path, world, s4, auth="oauth") as adapter:
        token = adapter.odata.csrf_token("API_OPLACCTGDOCITEMCUBE_SRV")
        # the token is good for a modifying request in this client's session: the
        # simulator lets it through its CSRF check to the cube's read-only refusal
        answer = adapter.odata._http.post(  # noqa: SLF001 - the session the token is bound to
            f"{s4.url}/sap/opu/odata/sap/API_OPLACCTGDOCITEMCUBE_SRV/"
            "A_OperationalAcctgDocItemCube",
            headers={"x-csrf-token": token, **adapter.odata._logon(  # noqa: SLF001
                "API_OPLACCTGDOCITEMCUBE_SRV")}, json={})
        assert answer.status_code == 405


def test_what_s4_mode_cannot_do_yet_is_a_config_error(tmp_path: Path, world: Path,
                                                      s4: S4Server) -> None:
    with _adapter(tmp_path, world, s4) as adapter:
        with pytest.raises(ConfigError, match="posting a clearing .* not available in s4"):
            adapter.post_clearing(object())
        with pytest.raises(ConfigError, match="resetting a clearing .* not available in s4"):
            adapter.reset_clearing()


def test_no_base_url_starts_the_sandbox_simulator(tmp_path: Path, world: Path) -> None:
    cfg = s4_config(tmp_path, world, base_url=None, auth="oauth")
    with _rfc(world) as rfc, connect(cfg.sap) as adapter:
        assert isinstance(adapter, S4Client)
        assert set(adapter.iter_open_items(CODES, TODAY)) == set(rfc.iter_open_items(CODES,
                                                                                    TODAY))


def test_configuration_is_checked(tmp_path: Path, world: Path) -> None:
    file = write_config(tmp_path, world, base_url="https://s4.example.com", auth="oauth")
    text = file.read_text()
    file.write_text(text.replace('client_secret = { env = "TEST_S4_CLIENT_SECRET" }\n', ""))
    with pytest.raises(ConfigError, match="sap.s4.client_id: oauth logon needs"):
        load_config(file, home=tmp_path)
    file.write_text(text.replace('{ env = "TEST_S4_CLIENT_SECRET" }', '"plain"'))
    with pytest.raises(ConfigError, match="secrets are never values"):
        load_config(file, home=tmp_path)
    file.write_text(text.replace('auth = "oauth"', 'auth = "saml"'))
    with pytest.raises(ConfigError, match="sap.s4.auth: expected one of basic, oauth, x509"):
        load_config(file, home=tmp_path)
    cfg = load_config(write_config(tmp_path, world, base_url="https://s4.example.com/",
                                   services={"API_BUSINESS_PARTNER": "basic"}), home=tmp_path)
    assert cfg.sap.s4 is not None and cfg.sap.s4.token_url == "https://s4.example.com/oauth/token"
    assert cfg.sap.s4.auth_of("API_BUSINESS_PARTNER") == "basic"
    assert cfg.sap.s4.auth_of("API_OPLACCTGDOCITEMCUBE_SRV") == "oauth"


def test_a_clearing_committed_to_the_sandbox_shows_at_once(tmp_path: Path) -> None:
    db = tmp_path / "own.sqlite"
    generate(db, customers=5, items=40, seed=3, today=TODAY)
    with start_s4(db) as s4:
        with _adapter(tmp_path, db, s4, auth="basic") as adapter:
            item = next(adapter.iter_open_items(["1000"], TODAY))
            assert adapter.is_open("1000", item.document_no, item.fiscal_year)
            with sqlite3.connect(db) as sandbox:  # what a clearing does to the item
                key = ("1000", item.document_no, item.fiscal_year, item.line_item)
                where = "BUKRS = ? AND BELNR = ? AND GJAHR = ? AND BUZEI = ?"
                sandbox.execute(f"INSERT INTO BSAD SELECT * FROM BSID WHERE {where}", key)
                sandbox.execute(f"UPDATE BSAD SET AUGBL = '1400099999', AUGDT = ? WHERE "
                                f"{where}", (TODAY.strftime("%Y%m%d"), *key))
                sandbox.execute(f"DELETE FROM BSID WHERE {where}", key)
            assert not adapter.is_open("1000", item.document_no, item.fiscal_year)
            assert item.key not in {i.key for i in adapter.iter_open_items(["1000"], TODAY)}


class _LogonPage(BaseHTTPRequestHandler):
    """What a proxy in front of S/4 may answer: a login page, or a redirect to one."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        redirect = "redirect" in self.path
        self.send_response(302 if redirect else 200)
        self.send_header("Content-Type", "text/html")
        if redirect:
            self.send_header("Location", "https://idp.example.com/login")
        self.send_header("Content-Length", "20")
        self.end_headers()
        self.wfile.write(b"<html>Logon</html>\n\n")

    def log_message(self, format: str, *args: object) -> None:
        return


def test_an_answer_that_is_not_odata_is_a_business_error(tmp_path: Path, world: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LogonPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        cfg = s4_config(tmp_path, world, base_url=url, auth="basic")
        with connect_s4(cfg.sap, retry=NO_WAIT) as adapter:
            with pytest.raises(SapBusinessError, match="HTTP 200 answer is not OData JSON"):
                adapter.customers(CODES)
            with pytest.raises(SapBusinessError, match="HTTP 302 answer is not OData JSON"):
                list(adapter.odata.entities("redirect", "A_Customer"))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_s4_simulator_is_a_sandbox_landscape_and_a_real_s4_is_not(tmp_path: Path,
                                                                      world: Path) -> None:
    assert s4_config(tmp_path, world, base_url=None).is_sandbox  # reference portals, reset
    assert not s4_config(tmp_path, world, base_url="https://s4.example.com").is_sandbox
