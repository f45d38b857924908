"""The portal bots' parts that need no browser: invoices, codes, pacing, retries, config, PDF,
and the reference portals' own rules spoken to over plain HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
import http.cookiejar
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pyotp
import pytest

from bots.config import ConfigError, load_config
from bots.portals import InvoiceError, PortalInvoice, load_invoices, portal_policy, portals_config
from bots.portals.errors import BusinessRejection, LoginFailed, SessionExpired, TechnicalError
from bots.portals.invoice import InvoiceLine
from bots.portals.pdf import render_pdf
from bots.portals.ratelimit import RateLimiter
from bots.portals.totp import TotpCodes
from bots.sandbox.portals import (
    SANDBOX_PASSWORD,
    SANDBOX_TOTP_SECRET,
    SANDBOX_USER,
    ReferencePortals,
    start_portals,
)
from bots.sandbox.portals.ariba import AribaPortal
from bots.sandbox.portals.db import PortalDB
from bots.sandbox.portals.demo import invoice_from_po
from bots.sandbox.portals.launcher import seed_orders
from bots.sandbox.portals.web import Request, Upload


class FakeTime:
    """A clock whose sleep moves it forward."""

    def __init__(self, now: float) -> None:
        self.now, self.slept = now, []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def line(**overrides: object) -> InvoiceLine:
    values = dict(po_line=1, quantity=Decimal(2), unit_price=Decimal("12.50"),
                  amount=Decimal("25.00"), tax_rate=Decimal(19), tax_amount=Decimal("4.75"))
    return InvoiceLine(**{**values, **overrides})  # type: ignore[arg-type]


def make_invoice(**overrides: object) -> PortalInvoice:
    values = dict(invoice_no="INV-1", invoice_date=date(2026, 11, 2), customer="0000100042",
                  portal="coupa-acme", po_number="PO-1", currency="EUR", lines=(line(),),
                  total=Decimal("29.75"))
    return PortalInvoice(**{**values, **overrides})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- invoices


def test_an_invoice_that_adds_up_is_accepted_and_keyed_by_customer_portal_number() -> None:
    inv = make_invoice()
    again = make_invoice(total=Decimal("29.75"), po_number="PO-2")
    other_portal = make_invoice(portal="ariba-acme")
    assert inv.submission.idempotency_key == again.submission.idempotency_key
    assert inv.submission.idempotency_key != other_portal.submission.idempotency_key


@pytest.mark.parametrize(("overrides", "message"), [
    ({"total": Decimal("29.74")}, "total 29.74 differs from lines + tax + charges 29.75"),
    ({"lines": (line(amount=Decimal("25.01"), tax_amount=Decimal("4.75")),)},
     "line 1: amount 25.01 is not 2 x 12.50"),
    ({"lines": (line(tax_amount=Decimal("4.76")),)}, "line 1: tax 4.76 is not 19% of 25.00"),
    ({"lines": (line(quantity=2.0),)}, "Decimal, never float"),
    ({"lines": ()}, "has no lines"),
    ({"po_number": ""}, "po_number is required"),
])
def test_an_invoice_that_does_not_add_up_is_refused(overrides: dict[str, object],
                                                    message: str) -> None:
    with pytest.raises(InvoiceError, match="invoice INV-1: ") as err:
        make_invoice(**overrides)
    assert message in str(err.value)


def test_jpy_invoices_round_to_whole_yen() -> None:
    jpy = line(quantity=Decimal(3), unit_price=Decimal(333), amount=Decimal(999),
               tax_rate=Decimal(10), tax_amount=Decimal(100))
    assert make_invoice(currency="JPY", lines=(jpy,), total=Decimal(1099)).total == 1099


def test_load_invoices_reports_bad_entries_by_file_and_index_and_keeps_the_rest(
        tmp_path: Path) -> None:
    good = {"invoice_no": "INV-9", "invoice_date": "2026-11-02", "customer": "0000100042",
            "portal": "coupa-acme", "po_number": "PO-1", "currency": "eur", "total": "29.75",
            "pdf": "inv9.pdf",
            "lines": [{"po_line": 1, "quantity": "2", "unit_price": "12.50", "amount": "25.00",
                       "tax_rate": "19", "tax_amount": "4.75"}]}
    floaty = {**good, "invoice_no": "INV-10", "total": 29.75}
    missing = {k: v for k, v in good.items() if k != "customer"}
    path = tmp_path / "batch.json"
    path.write_text(json.dumps({"invoices": [good, floaty, missing]}))

    invoices, errors = load_invoices(path)

    assert [i.invoice_no for i in invoices] == ["INV-9"]
    assert invoices[0].currency == "EUR" and invoices[0].pdf == tmp_path / "inv9.pdf"
    assert errors == [f"{path}: invoices[1]: total: write amounts as strings (\"29.75\"), "
                      "floats lose cents",
                      f"{path}: invoices[2]: customer is required"]


def test_load_invoices_names_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    invoices, errors = load_invoices(path)
    assert invoices == [] and errors[0].startswith(f"{path}: cannot read invoices:")


def test_rendered_pdf_carries_number_lines_and_total(tmp_path: Path) -> None:
    path = render_pdf(make_invoice(), tmp_path / "inv.pdf")
    with pdfplumber.open(path) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Invoice INV-1" in text and "PO number: PO-1" in text
    assert "12.50" in text and "29.75 EUR" in text


# --------------------------------------------------------------------------- codes, pacing, retry


def test_totp_waits_out_a_window_about_to_expire() -> None:
    clock = FakeTime(30 * 1000 + 27)  # 3 s left in the window
    codes = TotpCodes(clock=clock, sleep=clock.sleep)
    code = asyncio.run(codes.code(SANDBOX_TOTP_SECRET))
    assert clock.slept == [pytest.approx(3.05)]
    assert code == pyotp.TOTP(SANDBOX_TOTP_SECRET).at(30 * 1001)


def test_totp_never_hands_out_the_same_window_twice() -> None:
    clock = FakeTime(30 * 2000 + 1)
    codes = TotpCodes(clock=clock, sleep=clock.sleep)
    first = asyncio.run(codes.code(SANDBOX_TOTP_SECRET))
    assert clock.slept == []
    second = asyncio.run(codes.code(SANDBOX_TOTP_SECRET))
    assert clock.slept == [pytest.approx(29.05)]
    assert first == pyotp.TOTP(SANDBOX_TOTP_SECRET).at(30 * 2000)
    assert second == pyotp.TOTP(SANDBOX_TOTP_SECRET).at(30 * 2001)
    assert asyncio.run(codes.code("KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"))  # another: no wait
    assert len(clock.slept) == 1


def test_a_malformed_totp_secret_is_a_login_failure_that_does_not_show_it() -> None:
    with pytest.raises(LoginFailed) as err:
        asyncio.run(TotpCodes().code("not-base32!"))
    assert "not-base32" not in str(err.value)


def test_rate_limiter_spaces_calls_evenly() -> None:
    clock = FakeTime(100.0)
    limiter = RateLimiter(30, clock=clock, sleep=clock.sleep)  # one every 2 s

    async def three() -> None:
        for _ in range(3):
            await limiter.wait()

    asyncio.run(three())
    assert clock.slept == [pytest.approx(2.0), pytest.approx(2.0)]
    unlimited = RateLimiter(0, clock=clock, sleep=clock.sleep)
    asyncio.run(unlimited.wait())
    assert len(clock.slept) == 2


def test_portal_policy_retries_technical_failures_only_with_growing_jittered_waits() -> None:
    waits: list[float] = []
    policy = dataclasses.replace(portal_policy(attempts=3, backoff_ms=1000), sleep=waits.append)
    failures: list[Exception] = [TechnicalError("HTTP 502"), SessionExpired("signed out")]

    async def flaky() -> str:
        if failures:
            raise failures.pop(0)
        return "submitted"

    assert asyncio.run(policy.run_async(flaky, retry_on=TechnicalError, what="t")) == "submitted"
    assert len(waits) == 2 and 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0
    tries: list[Exception] = []
    for refusal in (BusinessRejection("PO closed"), LoginFailed("bad password")):

        async def refused(error: Exception = refusal) -> str:
            tries.append(error)
            raise error

        with pytest.raises(type(refusal)):
            asyncio.run(policy.run_async(refused, retry_on=TechnicalError, what="t"))
    assert [type(e) for e in tries] == [BusinessRejection, LoginFailed]  # each tried once
    with pytest.raises(ValueError, match="attempts"):
        portal_policy(attempts=0)


# --------------------------------------------------------------------------- configuration


def write_config(tmp_path: Path, portals: str, mode: str = "rfc") -> Path:
    sap = ('[sap]\nmode = "rfc"\n[sap.connection]\nashost = "h"\nclient = "100"\n'
           if mode == "rfc" else '[sap]\nmode = "sandbox"\n')
    path = tmp_path / "site.toml"
    path.write_text(sap + portals)
    return path


def test_portals_config_reads_sites_and_customers(tmp_path: Path) -> None:
    path = write_config(tmp_path, """
[portals]
max_contexts = 2
[portals.sites.coupa-acme]
family = "coupa"
base_url = "https://acme.coupahost.com/"
user = "ar@example.com"
password = { env = "ARBOTS_TEST_COUPA" }
totp_secret = { keyring = "arbots-portals/coupa-acme" }
rate_per_minute = 20
contexts = 3
[portals.customers]
"0000100042" = "coupa-acme"
""")
    cfg = portals_config(load_config(path, home=tmp_path))
    acme = cfg.sites["coupa-acme"]
    assert acme.base_url == "https://acme.coupahost.com" and acme.contexts == 3
    assert "ARBOTS_TEST_COUPA" in repr(acme.password)
    assert cfg.site_for("0000100042") is acme and cfg.site_for("0000999999") is None
    assert cfg.max_contexts == 2 and cfg.state_dir == tmp_path / "var/portals/state"


@pytest.mark.parametrize(("portals", "message"), [
    ('[portals.sites.x]\nfamily = "basware"\nbase_url = "https://x"\nuser = "u"\n'
     'password = { env = "P" }\n',
     "portals.sites.x.family: expected one of coupa, ariba, taulia, cxml, got 'basware'"),
    ('[portals.sites.x]\nfamily = "coupa"\nuser = "u"\npassword = { env = "P" }\n',
     "portals.sites.x.base_url: is required outside sandbox mode"),
    ('[portals.sites.x]\nfamily = "coupa"\nbase_url = "https://x"\nuser = "u"\n'
     'password = "hunter2"\n', "portals.sites.x.password: secrets are never values"),
    ('[portals.sites.x]\nfamily = "coupa"\nbase_url = "https://x"\nuser = "u"\n',
     "portals.sites.x.password: is required"),
    ('[portals.customers]\n"0000100042" = "nowhere"\n',
     "portals.customers.0000100042: no site named 'nowhere'"),
    ('[portals]\ncontext = 2\n', "portals.context: unknown key"),
])
def test_portals_config_errors_name_file_and_key(tmp_path: Path, portals: str,
                                                 message: str) -> None:
    path = write_config(tmp_path, portals)
    with pytest.raises(ConfigError) as err:
        portals_config(load_config(path, home=tmp_path))
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_sandbox_mode_without_sites_configures_the_three_reference_portals(
        tmp_path: Path) -> None:
    cfg = portals_config(load_config(write_config(tmp_path, "", mode="sandbox"), home=tmp_path))
    assert {n: s.family for n, s in cfg.sites.items()} == {
        "coupa-sandbox": "coupa", "ariba-sandbox": "ariba", "taulia-sandbox": "taulia"}
    assert all(s.base_url is None for s in cfg.sites.values())


# --------------------------------------------------------------------------- reference portals


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferencePortals]:
    with start_portals(["0000100042", "0000100043"], tmp_path_factory.mktemp("p"),
                       per_customer=2) as portals:
        yield portals


class Client:
    """A cookie-keeping HTTP client (a browser without the browser)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path) as r:
            return urllib.parse.urlsplit(r.url).path, r.read().decode()

    def post(self, path: str, form: dict[str, str]) -> tuple[str, str]:
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.base + path, data=data) as r:
            return urllib.parse.urlsplit(r.url).path, r.read().decode()


def test_portals_are_seeded_per_customer_with_one_closed_po(world: ReferencePortals) -> None:
    numbers = {po.number: po.status for po in world.coupa.purchase_orders()}
    assert numbers == {"CP-100042-00": "Closed", "CP-100042-01": "Open",
                       "CP-100042-02": "Open", "CP-100043-00": "Closed",
                       "CP-100043-01": "Open", "CP-100043-02": "Open"}
    po = world.ariba.purchase_orders()[1]
    assert po.number == "AR-100042-01" and po.total == Decimal("398.50")  # 11 x 13.50 + 250


def test_pages_need_a_session_and_wrong_passwords_are_refused(world: ReferencePortals) -> None:
    client = Client(world.coupa.url)
    assert client.get("/invoices")[0] == "/login"
    path, body = client.post("/login", {"user": SANDBOX_USER, "password": "nope"})
    assert path == "/login" and "Invalid user name or password." in body
    path, _ = client.post("/login?next=/invoices", {"user": SANDBOX_USER,
                                                    "password": SANDBOX_PASSWORD})
    assert path == "/invoices"
    world.coupa.expire_sessions()
    assert client.get("/orders")[0] == "/login"


def test_taulia_wants_a_fresh_code_on_a_new_browser_and_refuses_a_reused_one(
        world: ReferencePortals) -> None:
    code = pyotp.TOTP(SANDBOX_TOTP_SECRET).now()
    first, second = Client(world.taulia.url), Client(world.taulia.url)
    for client in (first, second):
        path, _ = client.post("/login", {"user": SANDBOX_USER, "password": SANDBOX_PASSWORD})
        assert path == "/mfa"
    assert first.post("/mfa", {"code": code})[0] == "/orders"
    path, body = second.post("/mfa", {"code": code})
    assert path == "/mfa" and "This code was already used." in body
    world.taulia.expire_sessions()  # the first browser is now known: password only
    assert first.post("/login", {"user": SANDBOX_USER,
                                 "password": SANDBOX_PASSWORD})[0] == "/orders"


def test_a_500_fault_hits_only_the_chosen_request(world: ReferencePortals) -> None:
    client = Client(world.ariba.url)
    world.ariba.faults.fail_request(2, path="/login")
    assert client.get("/login")[0] == "/login"
    with pytest.raises(urllib.error.HTTPError) as err:
        client.get("/login")
    assert err.value.code == 500
    assert client.get("/login")[0] == "/login"
    world.ariba.faults.reset()


def test_demo_invoice_from_po_adds_up(world: ReferencePortals) -> None:
    po = world.taulia.purchase_orders()[1]
    inv = invoice_from_po(po, "T-1", "taulia-sandbox", on=date(2026, 11, 2),
                          quantities={1: Decimal(2), 2: Decimal(1)}, freight=Decimal("9.99"))
    assert inv.total == Decimal("27.00") + Decimal("250.00") + Decimal("27.70") + \
        Decimal("9.99")


def test_ariba_buyer_rules_decide_minutes_after_submission(tmp_path: Path) -> None:
    clock = FakeTime(1_790_000_000.0)
    app = AribaPortal(PortalDB(tmp_path / "ariba.sqlite"), clock=clock, decision_delay=300)
    app.db.add_user(SANDBOX_USER, SANDBOX_PASSWORD)
    order = seed_orders("AR", ["0000100042"], 1, "USD")[1]
    app.db.add_purchase_order(order)
    login = app.dispatch(Request("POST", "/login", form={"user": SANDBOX_USER,
                                                         "password": SANDBOX_PASSWORD}))
    session = {"session": login.headers[-1][1].split(";")[0].split("=", 1)[1]}
    today = date.fromtimestamp(clock.now).isoformat()
    form = {"action": "submit", "invoice_number": "LATE-1", "invoice_date": today,
            "line-1-qty": "1", "line-1-tax": "10", "line-1-category": "Standard",
            "line-2-qty": "0", "vat_id": ""}
    posted = app.dispatch(Request("POST", f"/orders/{order.number}/invoice", form=form,
                                  files={"attachment": Upload("i.pdf", "application/pdf",
                                                              b"%PDF")}, cookies=session))
    page = posted.headers[0][1]
    assert page == "/invoices/1"

    def status() -> str:
        return app.dispatch(Request("GET", page, cookies=session)).body

    assert "Document ID: IV000001. Status: Submitted. Total: 14.85 USD." in status()
    clock.now += 299
    assert "Status: Submitted." in status()
    clock.now += 1
    assert "Status: Rejected. Total: 14.85 USD. Reason: Supplier VAT ID is required by the " \
           "buyer." in status()
