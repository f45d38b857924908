"""Portal bots end to end: real headless Chromium against the reference portals on loopback.

One browser and one set of portals for the module; each test uses its own
invoice numbers (and its own run database), so the tests do not depend on
each other's order. The saved sessions are shared, as in production: Taulia
asks its code once.
"""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Browser

from bots.config import Secret
from bots.domain import Trigger
from bots.portals import (
    Outcome,
    PortalInvoice,
    PortalRunner,
    PortalSite,
    SubmissionResult,
    open_browser,
    portal_policy,
)
from bots.portals.totp import TotpCodes
from bots.retry import RetryPolicy
from bots.sandbox.portals import (
    SANDBOX_PASSWORD,
    SANDBOX_TOTP_SECRET,
    SANDBOX_USER,
    ReferencePortals,
    start_portals,
)
from bots.sandbox.portals.db import PurchaseOrder
from bots.sandbox.portals.demo import invoice_from_po
from bots.store import Store
from tests.conftest import require_program

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CUSTOMER = "0000100042"
FAMILIES = ("coupa", "ariba", "taulia")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def browser(loop: asyncio.AbstractEventLoop) -> Iterator[Browser]:
    require_program(str(CHROMIUM), "drives the customer portals")
    manager = open_browser(CHROMIUM)
    yield loop.run_until_complete(manager.__aenter__())
    loop.run_until_complete(manager.__aexit__(None, None, None))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferencePortals]:
    with start_portals([CUSTOMER], tmp_path_factory.mktemp("portals")) as portals:
        yield portals


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sessions")


@pytest.fixture(autouse=True)
def no_faults_left(world: ReferencePortals) -> Iterator[None]:
    yield
    world.reset_faults()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "arbots.sqlite") as s:
        yield s


def site(world: ReferencePortals, family: str, *, password: str = SANDBOX_PASSWORD,
         contexts: int = 1, timeout_ms: int = 10000) -> PortalSite:
    return PortalSite(f"{family}-test", family, world[family].url, SANDBOX_USER,
                      Secret.literal(password),
                      Secret.literal(SANDBOX_TOTP_SECRET) if family == "taulia" else None,
                      contexts=contexts, timeout_ms=timeout_ms)


def open_po(world: ReferencePortals, family: str) -> PurchaseOrder:
    return next(po for po in world[family].purchase_orders()
                if po.status == "Open" and po.number.endswith("-01"))


def invoice(world: ReferencePortals, family: str, number: str, **kwargs: object
            ) -> PortalInvoice:
    return invoice_from_po(open_po(world, family), number, f"{family}-test", on=date.today(),
                           **kwargs)  # type: ignore[arg-type]


class Bot:
    """A runner over one store, as one run of `arbots run portals` would build it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, browser: Browser, store: Store,
                 state_dir: Path, artifacts: Path) -> None:
        self.loop, self.browser, self.store = loop, browser, store
        self.state_dir, self.artifacts = state_dir, artifacts

    def run(self, sites: Sequence[PortalSite], invoices: Sequence[PortalInvoice], *,
            retry: RetryPolicy | None = None, dry_run: bool = False,
            keep_artifacts: bool = False) -> list[SubmissionResult]:
        run = self.store.start_run(Trigger.ON_DEMAND, ("portals",))
        runner = PortalRunner(sites, ledger=self.store.ledger(run.id),
                              artifacts_dir=self.artifacts / run.id, state_dir=self.state_dir,
                              retry=retry or portal_policy(attempts=3, backoff_ms=50),
                              keep_artifacts=keep_artifacts)
        return self.loop.run_until_complete(runner.submit(self.browser, invoices,
                                                          dry_run=dry_run))

    def write(self, key: str) -> dict[str, object]:
        rows = [dict(r) for r in self.store.writes() if r["key"] == key]
        assert len(rows) == 1
        return rows[0]


@pytest.fixture
def bot(loop: asyncio.AbstractEventLoop, browser: Browser, store: Store, state_dir: Path,
        tmp_path: Path) -> Bot:
    return Bot(loop, browser, store, state_dir, tmp_path / "artifacts")


def assert_artifacts_kept(result: SubmissionResult, attempts: int) -> None:
    assert len(result.traces) == len(result.screenshots) == attempts
    for trace, shot in zip(result.traces, result.screenshots, strict=True):
        with zipfile.ZipFile(trace) as z:
            assert any(name.endswith(".trace") for name in z.namelist())
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("family", FAMILIES)
def test_full_submission_on_each_portal(bot: Bot, world: ReferencePortals,
                                        family: str) -> None:
    invoices = [invoice(world, family, f"FULL-{family}-{n}", freight=Decimal("15.00"))
                for n in (1, 2)]
    results = bot.run([site(world, family, contexts=2)], invoices)

    assert [r.outcome for r in results] == [Outcome.SUBMITTED, Outcome.SUBMITTED]
    for inv, result in zip(invoices, results, strict=True):
        held = world[family].invoices(inv.invoice_no)
        assert len(held) == 1
        assert result.confirmation == held[0].confirmation
        assert held[0].total == inv.total == Decimal("29.85")  # 13.50 + 10 % + 15.00 freight
        assert result.message == "submitted" and result.attempts == 1
        assert result.traces == () and result.screenshots == ()  # deleted on success
        write = bot.write(result.idempotency_key)
        assert write["status"] == "done" and held[0].confirmation in str(write["result"])
    assert results[0].confirmation != results[1].confirmation


def test_duplicate_is_refused_before_submit(bot: Bot, world: ReferencePortals,
                                            tmp_path: Path) -> None:
    first = bot.run([site(world, "coupa")], [invoice(world, "coupa", "DUP-1")])[0]
    assert first.outcome is Outcome.SUBMITTED
    # Someone keyed it by hand; a run with a fresh store knows nothing about it.
    with Store(tmp_path / "other.sqlite") as other:
        again = Bot(bot.loop, bot.browser, other, bot.state_dir, tmp_path / "b").run(
            [site(world, "coupa")], [invoice(world, "coupa", "DUP-1")])[0]
    assert again.outcome is Outcome.DUPLICATE
    assert again.confirmation == first.confirmation
    assert f"already has invoice DUP-1 as {first.confirmation}" in again.message
    assert len(world.coupa.invoices("DUP-1")) == 1


def test_rerun_after_a_crash_mid_submission_does_not_submit_twice(
        bot: Bot, world: ReferencePortals) -> None:
    world.ariba.faults.lose_submit_response()  # saved by the portal, answer lost
    crashed = bot.run([site(world, "ariba")], [invoice(world, "ariba", "CRASH-1")],
                      retry=portal_policy(attempts=1))[0]
    assert crashed.outcome is Outcome.FAILED and "HTTP 500" in crashed.message
    assert bot.write(crashed.idempotency_key)["status"] == "intent"  # pending for the rerun
    assert len(world.ariba.invoices("CRASH-1")) == 1

    rerun = bot.run([site(world, "ariba")], [invoice(world, "ariba", "CRASH-1")])[0]

    assert rerun.outcome is Outcome.SUBMITTED
    assert "interrupted submission; not submitted again" in rerun.message
    assert rerun.confirmation == world.ariba.invoices("CRASH-1")[0].confirmation
    assert len(world.ariba.invoices("CRASH-1")) == 1
    assert bot.write(rerun.idempotency_key)["status"] == "done"


def test_an_intent_a_live_run_holds_is_left_alone(bot: Bot, world: ReferencePortals) -> None:
    other = bot.store.start_run(Trigger.SCHEDULE, ("portals",))
    bot.store.acquire_lease("sandbox:test", other.id, timedelta(minutes=5))  # alive
    inv = invoice(world, "coupa", "BUSY-1")
    key = inv.submission.idempotency_key
    bot.store.ledger(other.id).begin("portal_submission", key, f"coupa-test:{CUSTOMER}",
                                     inv.summary())

    result = bot.run([site(world, "coupa")], [inv])[0]

    assert result.outcome is Outcome.BUSY and "another live run" in result.message
    assert world.coupa.invoices("BUSY-1") == []
    write = bot.write(key)
    assert write["status"] == "intent" and write["run_id"] == other.id


def test_lost_response_is_retried_by_searching_first(bot: Bot, world: ReferencePortals) -> None:
    world.coupa.faults.lose_submit_response()
    result = bot.run([site(world, "coupa")], [invoice(world, "coupa", "LOST-1")])[0]
    assert result.outcome is Outcome.SUBMITTED and result.attempts == 2
    assert len(world.coupa.invoices("LOST-1")) == 1


def test_silent_failure_is_detected_on_taulia(bot: Bot, world: ReferencePortals) -> None:
    inv = invoice(world, "taulia", "SILENT-1")
    blank = PortalInvoice(**{**inv.__dict__, "delivery_note": ""})

    result = bot.run([site(world, "taulia")], [blank])[0]

    assert result.outcome is Outcome.FAILED and result.attempts == 1  # not retried
    assert "silent failure" in result.message
    assert "empty fields on the form: Delivery note" in result.message
    assert world.taulia.invoices("SILENT-1") == []
    assert bot.write(result.idempotency_key)["status"] == "failed"
    assert_artifacts_kept(result, attempts=1)


def test_expired_session_is_signed_in_again_and_no_password_in_traces(
        bot: Bot, world: ReferencePortals) -> None:
    warm = bot.run([site(world, "taulia")], [invoice(world, "taulia", "EXP-0")])[0]
    assert warm.outcome is Outcome.SUBMITTED
    world.taulia.faults.expire_sessions(1, path="/invoices")

    result = bot.run([site(world, "taulia")], [invoice(world, "taulia", "EXP-1")],
                     keep_artifacts=True)[0]

    assert result.outcome is Outcome.SUBMITTED and result.attempts == 2
    assert len(world.taulia.invoices("EXP-1")) == 1
    for trace in result.traces:
        with zipfile.ZipFile(trace) as z:
            for name in z.namelist():
                assert SANDBOX_PASSWORD.encode() not in z.read(name), name


def test_no_trace_holds_a_password_code_secret_or_any_cookie_the_portals_issued(
        bot: Bot, world: ReferencePortals) -> None:
    for family in FAMILIES:  # a 500, then an expired session mid-run: traces on both
        world[family].faults.fail_request(1, path="/orders/")
        bot.run([site(world, family)], [invoice(world, family, f"SECRET-{family}-1")],
                keep_artifacts=True)
        world[family].faults.expire_sessions(1, path="/invoices")
        bot.run([site(world, family)], [invoice(world, family, f"SECRET-{family}-2")],
                keep_artifacts=True)
    traces = sorted(bot.artifacts.rglob("*.zip"))
    assert len(traces) >= 4 * len(FAMILIES)
    secrets = {SANDBOX_PASSWORD, SANDBOX_TOTP_SECRET}
    secrets |= {token for family in FAMILIES for token in world[family].tokens_issued()}
    assert len(secrets) > 2 + len(FAMILIES)  # sessions and Taulia's device cookie
    redacted_cookies = 0
    for trace in traces:
        with zipfile.ZipFile(trace) as z:
            for name in z.namelist():
                data = z.read(name)
                leaked = [s[:4] for s in secrets if s.encode() in data]
                assert not leaked, (trace.name, name, leaked)
                redacted_cookies += data.count(b'"name":"Cookie","value":"[redacted]"')
    assert redacted_cookies > 0  # requests were traced with their cookies, then scrubbed


def test_business_rejection_is_reported_in_the_portals_words_and_not_retried(
        bot: Bot, world: ReferencePortals) -> None:
    closed = next(po for po in world.coupa.purchase_orders() if po.status == "Closed")
    inv = invoice_from_po(closed, "REJ-1", "coupa-test", on=date.today())

    result = bot.run([site(world, "coupa")], [inv])[0]

    assert result.outcome is Outcome.REJECTED and result.attempts == 1
    assert result.message == (f"Purchase order {closed.number} is closed; invoices cannot be "
                              "created against it.")
    assert bot.write(result.idempotency_key)["status"] == "failed"
    assert_artifacts_kept(result, attempts=1)


def test_buyer_rule_rejection_on_ariba(bot: Bot, world: ReferencePortals) -> None:
    result = bot.run([site(world, "ariba")],
                     [invoice(world, "ariba", "RULE-1", tax_category="")])[0]
    assert result.outcome is Outcome.REJECTED and result.attempts == 1
    assert result.message == ("rejected by the buyer: Line 1: a tax category is required by "
                              "the buyer (line-level tax).")
    # a rejected invoice frees its number: the corrected one goes through
    fixed = bot.run([site(world, "ariba")], [invoice(world, "ariba", "RULE-1")])[0]
    assert fixed.outcome is Outcome.SUBMITTED and fixed.portal_status == "Approved"


def test_a_500_is_retried(bot: Bot, world: ReferencePortals) -> None:
    world.coupa.faults.fail_request(1, path="/orders/")  # the invoice form breaks once
    result = bot.run([site(world, "coupa")], [invoice(world, "coupa", "E500-1")])[0]
    assert result.outcome is Outcome.SUBMITTED and result.attempts == 2
    assert len(world.coupa.invoices("E500-1")) == 1


def test_a_renamed_button_fails_technically_with_trace_and_screenshot_kept(
        bot: Bot, world: ReferencePortals) -> None:
    world.coupa.faults.submit_label = "Send invoice"
    result = bot.run([site(world, "coupa", timeout_ms=1500)],
                     [invoice(world, "coupa", "MOVED-1")], retry=portal_policy(2, 50))[0]
    assert result.outcome is Outcome.FAILED and result.attempts == 2
    assert "technical failure after 2 attempt(s)" in result.message
    assert "Timeout" in result.message
    assert world.coupa.invoices("MOVED-1") == []
    assert bot.write(result.idempotency_key)["status"] == "intent"
    assert_artifacts_kept(result, attempts=2)


def test_dry_run_fills_the_form_and_writes_nothing(bot: Bot, world: ReferencePortals) -> None:
    result = bot.run([site(world, "taulia")], [invoice(world, "taulia", "DRY-1")],
                     dry_run=True)[0]
    assert result.outcome is Outcome.DRY_RUN
    assert world.taulia.invoices("DRY-1") == []
    assert bot.store.writes() == []


def test_wrong_password_fails_every_invoice_of_the_site_without_retrying(
        bot: Bot, world: ReferencePortals, tmp_path: Path) -> None:
    bot.state_dir = tmp_path / "fresh-sessions"  # no saved session to fall back on
    results = bot.run([site(world, "coupa", password="wrong", contexts=2)],
                      [invoice(world, "coupa", f"PWD-{n}") for n in (1, 2)])
    assert [r.outcome for r in results] == [Outcome.FAILED, Outcome.FAILED]
    assert all("Invalid user name or password." in r.message for r in results)
    assert SANDBOX_PASSWORD not in results[0].message


def test_check_signs_in_afresh_and_names_the_site_that_fails(
        bot: Bot, world: ReferencePortals, tmp_path: Path) -> None:
    runner = PortalRunner([site(world, "ariba"), PortalSite(
        "coupa-bad", "coupa", world.coupa.url, SANDBOX_USER, Secret.literal("wrong"))],
        ledger=None, artifacts_dir=tmp_path, state_dir=tmp_path / "sessions")
    answers = bot.loop.run_until_complete(runner.check(bot.browser))
    assert answers == {"ariba-test": None, "coupa-bad": "coupa: sign-in refused: Invalid user "
                                                        "name or password."}
    assert [p.name.split("-")[0] for p in (tmp_path / "sessions").iterdir()] == ["ariba"]


def test_a_buyer_rejection_after_the_bot_left_is_read_the_next_time(
        bot: Bot, world: ReferencePortals, loop: asyncio.AbstractEventLoop, browser: Browser,
        state_dir: Path, tmp_path: Path) -> None:
    ariba = world["ariba"].app
    real_clock = ariba.clock
    ariba.decision_delay = 300  # the buyer's rules run five minutes after Submit
    try:
        result = bot.run([site(world, "ariba")],
                         [invoice(world, "ariba", "LATE-1", tax_category="")])[0]
        assert result.outcome is Outcome.SUBMITTED and result.portal_status == "Submitted"
        runner = PortalRunner([site(world, "ariba")], ledger=None, artifacts_dir=tmp_path,
                              state_dir=state_dir)
        asks = [("ariba-test", "LATE-1"), ("ariba-test", "NEVER-SENT")]
        before = loop.run_until_complete(runner.decisions(browser, asks))
        assert before[("ariba-test", "LATE-1")].status == "Submitted"  # not decided yet
        ariba.clock = lambda: real_clock() + 301  # the next night
        after = loop.run_until_complete(runner.decisions(browser, asks))
    finally:
        ariba.decision_delay, ariba.clock = 0, real_clock
    late = after[("ariba-test", "LATE-1")]
    assert late is not None and late.status == "Rejected"
    assert late.reason == "Line 1: a tax category is required by the buyer (line-level tax)."
    assert after[("ariba-test", "NEVER-SENT")] is None


def test_two_runners_sharing_the_saved_sessions_sign_in_to_taulia_once(
        loop: asyncio.AbstractEventLoop, browser: Browser, store: Store, tmp_path: Path,
        world: ReferencePortals) -> None:
    """Browser workers of one host share one night and the saved sessions: two runners
    (as two processes, each its own code source) that find no session sign in once
    between them, not once each (the portal refuses a second code in one window)."""
    run = store.start_run(Trigger.ON_DEMAND, ("portals",))
    runners = [PortalRunner([site(world, "taulia")], ledger=store.ledger(run.id),
                            artifacts_dir=tmp_path / f"artifacts{n}",
                            state_dir=tmp_path / "sessions", totp=TotpCodes(),
                            retry=portal_policy(attempts=1, backoff_ms=50)) for n in (1, 2)]
    invoices = [invoice(world, "taulia", f"SHARED-{n}") for n in (1, 2)]
    before = len(world.taulia.tokens_issued())

    async def both() -> list[list[SubmissionResult]]:
        return await asyncio.gather(*(runner.submit(browser, [one]) for runner, one
                                      in zip(runners, invoices, strict=True)))

    results = loop.run_until_complete(both())
    assert [r.outcome for (r,) in results] == [Outcome.SUBMITTED] * 2, results
    assert len(world.taulia.tokens_issued()) - before == 2  # one session, one device cookie
