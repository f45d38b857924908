"""The portal runner: signs in, submits each invoice once, and says honestly what happened.

::

    async with open_browser() as browser:
        runner = PortalRunner(sites, ledger=store.ledger(run.id),
                              artifacts_dir=run_dir / "portals", state_dir=state_dir)
        results = await runner.submit(browser, invoices)

Around every recipe (:mod:`bots.portals.recipes`), for each invoice:

1. **Ledger first.** ``ledger.begin("portal_submission", key, ...)`` with the
   key of :class:`~bots.domain.PortalSubmission` (customer + portal + invoice
   number). ``done`` -> not touched again. ``new``/``pending`` -> go on; a
   ``pending`` intent (an earlier run stopped mid-submission) is treated as
   "maybe ours already".
2. **Search before submit**, on every attempt: an invoice the portal already
   holds is reported with the portal's number (``duplicate``, or ``submitted``
   when it was ours: after a lost response or a crash) and never keyed again.
3. **Submit** through the recipe, which insists on an explicit success state.
4. **Record**: ``ledger.done(key, {confirmation...})``; a business rejection
   or silent failure is ``ledger.failed(key, words)``; a technical failure
   after all retries stays ``pending`` so the next run searches first.

Technical failures (timeouts, 5xx) are retried by the
:class:`~bots.portals.retry.RetryPolicy` with backoff; an expired session is
signed in again first. Business rejections are never retried.

Parallelism: one browser, up to ``max_contexts`` contexts at once
(``asyncio.Semaphore``), each site's invoices shared by ``site.contexts``
workers, each site paced by its :class:`~bots.portals.ratelimit.RateLimiter`.
Sessions are saved per site with ``storage_state`` under ``state_dir`` and
reused (Taulia's device cookie included, so its code is asked once); when
several contexts find the session gone, one signs in and the others take its
cookies.

Traces and screenshots: one trace chunk and one screenshot per attempt under
``artifacts_dir/<site>/``, kept when the invoice fails, deleted on success
unless ``keep_artifacts``. Passwords and codes never enter a trace: signing
in always happens in a separate, untraced context whose cookies are then
handed to the working contexts (stopping the trace chunk is not enough -
Playwright still files the sign-in request into the next chunk's network
log). The saved session files hold cookies and must be protected like
passwords (written 0600 in a 0700 folder). Limit: sessions kept in
localStorage rather than cookies are not handed over.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from bots.domain import stable_id
from bots.portals.errors import (
    BusinessRejection,
    LoginFailed,
    PortalError,
    SessionExpired,
    SilentFailure,
)
from bots.portals.invoice import PortalInvoice
from bots.portals.pdf import render_pdf
from bots.portals.ratelimit import RateLimiter
from bots.portals.recipes import RECIPES, Recipe
from bots.portals.recipes.base import CodeSource, Found
from bots.portals.results import Outcome, SubmissionResult
from bots.portals.retry import RetryPolicy, as_portal_error
from bots.portals.settings import PortalsConfig, PortalSite
from bots.portals.totp import SHARED_CODES, TotpCodes
from bots.store import WriteLedger

KIND = "portal_submission"


@dataclass
class _Account:
    """One site's shared sign-in state across its contexts."""

    site: PortalSite
    recipe: Recipe
    state_path: Path
    limiter: RateLimiter
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    generation: int = 0  # bumped at every sign-in; the state file holds the latest
    login_error: str | None = None


@dataclass
class _Worker:
    """One browser context working through its site's queue."""

    account: _Account
    context: BrowserContext
    page: Page
    generation: int
    tracing: bool = False

    async def begin_chunk(self, title: str) -> None:
        if self.tracing:
            await self.context.tracing.start_chunk(title=title)
        else:
            await self.context.tracing.start(screenshots=False, snapshots=True, title=title)
            self.tracing = True

    async def end_chunk(self, stem: Path | None) -> None:
        """End the attempt's chunk: saved as ``stem``.zip + .png, or discarded when None."""
        if stem is None:
            await self.context.tracing.stop_chunk()
            return
        stem.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self.page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
        except PlaywrightError:
            pass  # a crashed page has no picture; the trace still tells
        await self.context.tracing.stop_chunk(path=str(stem.with_suffix(".zip")))


@dataclass
class _Attempt:
    outcome: Outcome
    message: str
    confirmation: str | None = None
    status: str = ""


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


class PortalRunner:
    """Submits invoices through configured portal sites (see the module docstring)."""

    def __init__(self, sites: Iterable[PortalSite], *, ledger: WriteLedger | None,
                 artifacts_dir: Path, state_dir: Path, max_contexts: int = 4,
                 retry: RetryPolicy | None = None, totp: TotpCodes = SHARED_CODES,
                 keep_artifacts: bool = False) -> None:
        self.sites = {site.name: site for site in sites}
        for site in self.sites.values():
            if site.base_url is None:
                raise ValueError(f"portal site {site.name}: no base_url (start the reference "
                                 "portals and point the site at them first)")
        self.ledger, self.artifacts_dir, self.state_dir = ledger, artifacts_dir, state_dir
        self.max_contexts, self.retry = max_contexts, retry or RetryPolicy()
        self.totp, self.keep_artifacts = totp, keep_artifacts

    @classmethod
    def from_config(cls, config: PortalsConfig, sites: Iterable[PortalSite], *,
                    ledger: WriteLedger | None, artifacts_dir: Path) -> PortalRunner:
        """A runner with the ``[portals]`` settings (contexts, retries, artifacts, sessions)."""
        return cls(sites, ledger=ledger, artifacts_dir=artifacts_dir,
                   state_dir=config.state_dir, max_contexts=config.max_contexts,
                   retry=RetryPolicy(attempts=config.attempts,
                                     backoff=config.backoff_ms / 1000),
                   keep_artifacts=config.keep_artifacts)

    # ------------------------------------------------------------------ entry points

    async def submit(self, browser: Browser, invoices: Sequence[PortalInvoice], *,
                     dry_run: bool = False) -> list[SubmissionResult]:
        """Submit ``invoices`` (``dry_run``: fill everything, press nothing, record nothing)."""
        if self.ledger is None and not dry_run:
            raise ValueError("a write ledger is required unless dry_run")
        results: list[SubmissionResult | None] = [None] * len(invoices)
        queues: dict[str, asyncio.Queue[tuple[int, PortalInvoice]]] = {}
        seen: set[str] = set()
        for index, invoice in enumerate(invoices):
            key = invoice.submission.idempotency_key
            if invoice.portal not in self.sites:
                results[index] = _result(invoice, Outcome.FAILED,
                                         f"no portal site named {invoice.portal!r} is configured")
            elif key in seen:
                results[index] = _result(invoice, Outcome.DUPLICATE,
                                         "the same invoice appears twice in this batch")
            else:
                seen.add(key)
                queues.setdefault(invoice.portal, asyncio.Queue()).put_nowait((index, invoice))
        contexts = asyncio.Semaphore(self.max_contexts)
        workers = []
        for name, queue in queues.items():
            account = self._account(self.sites[name])
            for _ in range(min(account.site.contexts, queue.qsize())):
                workers.append(self._work(browser, account, queue, results, contexts,
                                          dry_run))
        await asyncio.gather(*workers)
        return [r for r in results if r is not None]

    async def decisions(self, browser: Browser, asks: Sequence[tuple[str, str]]
                        ) -> dict[tuple[str, str], Found | None]:
        """How each portal now stands on (site name, invoice number) pairs submitted before.

        Reads only; a site that cannot be signed in to, or a technical failure,
        leaves its pairs out (asked again next time).
        """
        by_site: dict[str, list[str]] = {}
        for site, number in asks:
            if site in self.sites:
                by_site.setdefault(site, []).append(number)
        answers: dict[tuple[str, str], Found | None] = {}
        for site, numbers in by_site.items():
            account = self._account(self.sites[site])
            context, worker = await self._open(browser, account)
            try:
                await self._ensure_signed_in(worker)
                for number in numbers:
                    answers[(site, number)] = await account.recipe.decision(worker.page, number)
            except (PortalError, PlaywrightError):
                pass  # not known this time: the pairs are asked again on the next run
            finally:
                await context.close()
        return answers

    async def check(self, browser: Browser) -> dict[str, str | None]:
        """Sign in afresh to every site, saving its session: name -> None, or what failed."""
        answers: dict[str, str | None] = {}
        for site in self.sites.values():
            account = self._account(site)
            try:
                await self._retrying(functools.partial(self._fresh_sign_in, browser, account))
                answers[site.name] = None
            except PortalError as exc:
                answers[site.name] = str(exc)
        return answers

    # ------------------------------------------------------------------ contexts and sign-in

    def _account(self, site: PortalSite) -> _Account:
        state = self.state_dir / f"{_safe(site.name)}-{stable_id('s', site.name, site.user)}.json"
        return _Account(site, RECIPES[site.family](site.base_url or ""), state,
                        RateLimiter(site.rate_per_minute))

    async def _open(self, browser: Browser, account: _Account) -> tuple[BrowserContext, _Worker]:
        saved = account.state_path if account.state_path.exists() else None
        context = await browser.new_context(storage_state=saved)
        context.set_default_timeout(account.site.timeout_ms)
        context.set_default_navigation_timeout(account.site.timeout_ms)
        return context, _Worker(account, context, await context.new_page(), account.generation)

    async def _work(self, browser: Browser, account: _Account,
                    queue: asyncio.Queue[tuple[int, PortalInvoice]],
                    results: list[SubmissionResult | None], contexts: asyncio.Semaphore,
                    dry_run: bool) -> None:
        async with contexts:
            if queue.empty():
                return
            context, worker = await self._open(browser, account)
            try:
                try:
                    await self._ensure_signed_in(worker)
                except PortalError as exc:
                    while not queue.empty():
                        index, invoice = queue.get_nowait()
                        results[index] = _result(invoice, Outcome.FAILED,
                                                 f"could not sign in: {exc}")
                    return
                while not queue.empty():
                    index, invoice = queue.get_nowait()
                    results[index] = await self._process(worker, invoice, dry_run)
            finally:
                await context.close()

    async def _ensure_signed_in(self, worker: _Worker) -> None:
        async def sign_in_unless_signed_in() -> None:
            if not await worker.account.recipe.signed_in(worker.page):
                await self._sign_in(worker)

        await self._retrying(sign_in_unless_signed_in)

    async def _retrying(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run ``step``, again after technical failures as the retry policy allows."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await step()
            except (PortalError, PlaywrightError) as exc:
                error = as_portal_error(exc)
                if not self.retry.should_retry(error, attempt):
                    raise error from None
                await asyncio.sleep(self.retry.delay(attempt))

    async def _sign_in(self, worker: _Worker) -> None:
        """Give the worker a live session: a new sign-in, or the one another context just got."""
        account = worker.account
        async with account.lock:
            if account.login_error:
                raise LoginFailed(account.login_error)
            if account.generation <= worker.generation:
                await self._fresh_sign_in(worker.context.browser, account)
            saved = json.loads(account.state_path.read_text(encoding="utf-8"))
            await worker.context.add_cookies(saved["cookies"])
            worker.generation = account.generation

    async def _fresh_sign_in(self, browser: Browser | None, account: _Account) -> None:
        """Sign in in a separate, never traced context and save its session for all."""
        site = account.site
        if browser is None or site.password is None:
            account.login_error = f"{site.name}: no password configured"
            raise LoginFailed(account.login_error)
        code: CodeSource | None = None
        if site.totp_secret is not None:
            secret = site.totp_secret

            async def code() -> str:
                return await self.totp.code(secret.reveal())
        saved = account.state_path if account.state_path.exists() else None
        context = await browser.new_context(storage_state=saved)  # keeps the device cookie
        context.set_default_timeout(site.timeout_ms)
        try:
            await account.recipe.login(await context.new_page(), site.user,
                                       site.password.reveal(), code)
            account.state_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            await context.storage_state(path=str(account.state_path))
            os.chmod(account.state_path, 0o600)
        except LoginFailed as exc:
            account.login_error = str(exc)
            raise
        finally:
            await context.close()
        account.generation += 1

    # ------------------------------------------------------------------ one invoice

    async def _process(self, worker: _Worker, invoice: PortalInvoice,
                       dry_run: bool) -> SubmissionResult:
        account = worker.account
        key = invoice.submission.idempotency_key
        ledger = None if dry_run else self.ledger
        state = "new"
        if ledger is not None:
            state = ledger.begin(KIND, key, target=f"{account.site.name}:{invoice.customer}",
                                 payload=invoice.summary())
            if state == "done":
                return _result(invoice, Outcome.DUPLICATE, "already submitted by an earlier run "
                                                            "(write ledger); not submitted again")
        folder = self.artifacts_dir / _safe(account.site.name)
        pdf = invoice.pdf or render_pdf(invoice, folder / f"{_safe(invoice.invoice_no)}.pdf")
        maybe_ours = state == "pending"
        traces: list[Path] = []
        shots: list[Path] = []
        attempt = 0
        while True:
            attempt += 1
            await account.limiter.wait()
            await worker.begin_chunk(f"{account.site.name} {invoice.invoice_no} #{attempt}")
            error: PortalError | None = None
            try:
                done = await self._attempt(account.recipe, worker.page, invoice, pdf, dry_run,
                                           maybe_ours)
            except (PortalError, PlaywrightError) as exc:
                error = as_portal_error(exc)
            finally:
                stem = folder / f"{_safe(invoice.invoice_no)}-attempt{attempt}"
                keep = error is not None or self.keep_artifacts
                await worker.end_chunk(stem if keep else None)
                if keep:
                    traces.append(stem.with_suffix(".zip"))
                    shots.append(stem.with_suffix(".png"))
            if error is None:
                return self._finish(ledger, invoice, key, done, attempt, traces, shots)
            if isinstance(error, BusinessRejection | SilentFailure):
                return self._refused(ledger, invoice, key, error, attempt, traces, shots)
            maybe_ours = True  # Submit may have gone through before the failure
            if not self.retry.should_retry(error, attempt):
                return _result(invoice, Outcome.FAILED, f"technical failure after {attempt} "
                               f"attempt(s): {error}", attempt, traces=traces, shots=shots)
            await asyncio.sleep(self.retry.delay(attempt))
            if isinstance(error, SessionExpired):
                try:
                    await self._sign_in(worker)
                except (PortalError, PlaywrightError) as exc:
                    return _result(invoice, Outcome.FAILED, f"session expired and signing in "
                                   f"again failed: {as_portal_error(exc)}", attempt,
                                   traces=traces, shots=shots)

    async def _attempt(self, recipe: Recipe, page: Page, invoice: PortalInvoice, pdf: Path,
                       dry_run: bool, maybe_ours: bool) -> _Attempt:
        found = await recipe.find(page, invoice.invoice_no)
        if found is not None:
            if maybe_ours:
                return _Attempt(Outcome.SUBMITTED, "found on the portal after an interrupted "
                                "submission; not submitted again", found.confirmation,
                                found.status)
            return _Attempt(Outcome.DUPLICATE, f"the portal already has invoice "
                            f"{invoice.invoice_no} as {found.confirmation} ({found.status}); "
                            "not submitted", found.confirmation, found.status)
        confirmation = await recipe.submit(page, invoice, pdf, dry_run=dry_run)
        if confirmation is None:
            return _Attempt(Outcome.DRY_RUN, "dry run: form filled, Submit not pressed")
        message = "submitted"
        if confirmation.total is not None and confirmation.total != invoice.total:
            message += (f"; the portal's total {confirmation.total} differs from the invoice "
                        f"total {invoice.total}")
        return _Attempt(Outcome.SUBMITTED, message, confirmation.number, confirmation.status)

    def _finish(self, ledger: WriteLedger | None, invoice: PortalInvoice, key: str,
                done: _Attempt, attempts: int, traces: list[Path],
                shots: list[Path]) -> SubmissionResult:
        if ledger is not None:
            ledger.done(key, {"confirmation": done.confirmation, "status": done.status,
                                   "outcome": done.outcome.value})
        if not self.keep_artifacts:
            for path in (*traces, *shots):
                path.unlink(missing_ok=True)
            traces, shots = [], []
        return _result(invoice, done.outcome, done.message, attempts, done.confirmation,
                       done.status, traces, shots)

    def _refused(self, ledger: WriteLedger | None, invoice: PortalInvoice, key: str,
                 error: PortalError, attempts: int, traces: list[Path],
                 shots: list[Path]) -> SubmissionResult:
        if ledger is not None:
            ledger.failed(key, str(error))
        outcome = Outcome.REJECTED if isinstance(error, BusinessRejection) else Outcome.FAILED
        return _result(invoice, outcome, str(error), attempts, traces=traces, shots=shots)


def _result(invoice: PortalInvoice, outcome: Outcome, message: str, attempts: int = 0,
            confirmation: str | None = None, status: str = "",
            traces: Sequence[Path] = (), shots: Sequence[Path] = ()) -> SubmissionResult:
    return SubmissionResult(
        portal=invoice.portal, customer=invoice.customer, invoice_no=invoice.invoice_no,
        idempotency_key=invoice.submission.idempotency_key, outcome=outcome, message=message,
        attempts=attempts, confirmation=confirmation, portal_status=status,
        traces=tuple(traces), screenshots=tuple(shots))
