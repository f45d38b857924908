"""The console in a real browser: sign in, start a dry run and see it finish, approve a
proposal and see it posted in the sandbox SAP, upload an advice; sign in at an OpenID
provider.

The browser comes from pytest-playwright's ``page`` fixture, launched as
``browser_type_launch_args`` (tests/console/conftest.py) says: Debian's Chromium,
headless. ``--tracing retain-on-failure`` keeps a trace of a failed test under
``test-results/`` (``playwright show-trace`` opens it)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bots.config import Config, load_config
from bots.console import create_app
from bots.domain import OpenItem
from bots.portals.browser import SYSTEM_CHROMIUM
from bots.sap import connect
from tests.console.conftest import PASSWORD, TODAY, loopback_socket, served, still_open
from tests.console.oidc_provider import CLIENT_SECRET, USER, serving
from tests.console.test_console_oidc import oidc_section

PATIENCE_MS = 120_000  # a run on a loaded machine


def another_open_item(cfg: Config, paid: OpenItem) -> OpenItem:
    """An open item with a reference, other than ``paid``."""
    with connect(cfg.sap) as sap:
        return next(i for i in sap.iter_open_items(cfg.sap.company_codes, TODAY)
                    if i.amount > 0 and i.invoice_ref and i.document_no != paid.document_no)


def advice_csv(item: OpenItem) -> str:
    """A one-line CSV remittance paying ``item``."""
    return ("Invoice,Amount,Currency\n"
            f"{item.invoice_ref},{item.amount},{item.currency}\n")


@pytest.fixture
def console_url(waiting: tuple[Config, object, str]) -> Iterator[str]:
    """The console of the ``waiting`` world served by uvicorn on a free loopback port."""
    with served(create_app(waiting[0]), loopback_socket()) as url:
        yield url


@pytest.mark.slow
def test_the_browser_is_debians_chromium(browser: Browser) -> None:
    installed = subprocess.run([str(SYSTEM_CHROMIUM), "--version"], capture_output=True,
                               text=True, check=True).stdout
    assert browser.version in installed


@pytest.mark.slow
def test_sign_in_run_and_approve_in_chromium(waiting, console_url: str, page: Page) -> None:
    cfg, item, rid = waiting
    other = another_open_item(cfg, item)
    page.goto(f"{console_url}/runs")
    expect(page).to_have_url(f"{console_url}/login")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{console_url}/runs")

    page.get_by_role("link", name="Start a run").click()
    page.get_by_label("Bot").select_option("openitems")
    expect(page.get_by_label("Dry run", exact=False)).to_be_checked()
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#run-status")).to_have_text("ok (dry run)", timeout=PATIENCE_MS)
    expect(page.get_by_role("cell", name="openitems", exact=True)).to_be_visible()

    page.get_by_role("link", name="Review").click()
    payment = page.locator(f"#item-{rid}")
    expect(payment).to_contain_text(item.document_no)
    payment.get_by_role("button", name="Approve").click()
    expect(payment).to_contain_text("no longer waits for review", timeout=PATIENCE_MS)

    page.get_by_role("link", name="What does this pay?").click()
    page.get_by_label("File", exact=False).set_input_files(files=[{
        "name": "advice.csv", "mimeType": "text/csv", "buffer": advice_csv(other).encode()}])
    page.get_by_role("button", name="Read it").click()
    expect(page.get_by_role("cell", name=other.invoice_ref, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=other.document_no, exact=True)).to_be_visible()
    assert not still_open(cfg, item)


@pytest.mark.slow
def test_sign_in_at_an_openid_provider_in_chromium(console_world: Config, page: Page,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_TEST_OIDC_SECRET", CLIENT_SECRET)
    sock = loopback_socket()
    console = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with serving(f"{console}/login/oidc/callback") as provider:
        provider.groups = ["AR-Supervisors"]
        with Path(console_world.source).open("a", encoding="utf-8") as config:
            config.write(oidc_section(provider.issuer).replace("http://testserver", console))
        cfg = load_config(console_world.source, home=console_world.home)
        with served(create_app(cfg), sock):
            page.goto(f"{console}/runs")
            expect(page).to_have_url(f"{console}/login")
            page.get_by_role("link", name="Sign in with Test IdP").click()
            expect(page).to_have_url(f"{console}/runs")
            expect(page.locator("form.who")).to_contain_text(f"{USER} (supervisor)")
    assert provider.token_requests  # the code went back through the token endpoint
