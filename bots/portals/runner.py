"""The portal runner: signs in, submits each invoice once, and says honestly what happened.

::

    async with open_browser() as browser:
        runner = PortalRunner(sites, ledger=store.ledger(run.id),
                              artifacts_dir=run_dir / "portals", state_dir=state_dir)
        results = await runner.submit(browser, invoices, on_result=note_in_erp,
                                      before_submit=reason_not_to_submit, stop=stop_event)

Around every recipe (:mod:`bots.portals.recipes`), for each invoice:

1. **Ledger first.** ``ledger.begin("portal_submission", key, ...)`` with the
   key of :class:`~bots.domain.PortalSubmission` (customer + portal + invoice
   number). ``done`` -> not touched again. ``new``/``pending`` -> go on; a
   ``pending`` intent (an earlier run stopped mid-submission) is treated as
   "maybe ours already". Any other answer (``busy``: a live run holds the
   intent) -> skipped, never touched.
2. **Search before submit**, on every attempt: an invoice the portal already
   holds is reported with the portal's number (``duplicate``, or ``submitted``
   when it was ours: after a lost response or a crash) and never keyed again.
3. **Still due?** ``before_submit(invoice)``, when given, is awaited right
   before Submit; a reason back (``paid before submission``) skips the
   invoice: ``skipped``, its intent closed as failed with that reason.
4. **Submit** through the recipe, which insists on an explicit success state.
5. **Record**: ``ledger.done(key, {confirmation...})``; a business rejection
   or silent failure is ``ledger.failed(key, words)``; a technical failure
   after all retries stays ``pending`` so the next run searches first.
6. **Tell**: ``on_result(result)``, when given, is awaited as soon as the
   invoice's outcome is in the ledger (the nightly bot notes the confirmation
   in SAP there, one invoice at a time, not after the batch).

``stop`` (a :class:`threading.Event`) ends the batch after the invoices in
hand: the rest get no result and are left for the next run.
:meth:`PortalRunner.search` looks invoices up without submitting anything
(how a rerun settles an intent whose invoice is no longer to be submitted).

Technical failures (timeouts, 5xx) are retried by the shared
:class:`bots.retry.RetryPolicy` (:func:`bots.portals.retry.portal_policy`:
exponential backoff with jitter); an expired session is signed in again
first. Business rejections and refused logins are never retried.

Parallelism: one browser, up to ``max_contexts`` contexts at once
(``asyncio.Semaphore``), each site's invoices shared by ``site.contexts``
workers, each site paced by its :class:`~bots.portals.ratelimit.RateLimiter`.
Sessions are saved per site with ``storage_state`` under ``state_dir`` and
reused (Taulia's device cookie included, so its code is asked once); when
several contexts find the session gone, one signs in and the others take its
cookies. Across the processes of one host (browser workers sharing a night's
invoices) a file lock beside the saved session does the same: one signs in,
the others find the newer session and take it.

Traces and screenshots: one trace chunk and one screenshot per attempt under
``artifacts_dir/<site>/``, kept when the invoice fails, deleted on success
unless ``keep_artifacts``. Passwords and codes never enter a trace: signing
in always happens in a separate, untraced context whose cookies are then
handed to the working contexts (stopping the trace chunk is not enough -
Playwright still files the sign-in request into the next chunk's network
log). Cookies do travel with every traced request, so each trace zip is
scrubbed as soon as it is written (:mod:`bots.portals.traces`: cookie and
authorization headers, cookie lists, and the context's cookie values, the
password and the code secret wherever they appear). The saved session files
hold cookies and must be protected like passwords (written 0600 in a 0700
folder). Limit: sessions kept in localStorage rather than cookies are not
handed over.
"""

from __future__ import annotations

import asyncio
import fcntl
import functools
import json
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from bots.domain import stable_id
from bots.portals.artifacts import file_safe, sent_document
from bots.portals.errors import (
    BusinessRejection,
    LoginFailed,
    PortalError,
    SessionExpired,
    SilentFailure,
    TechnicalError,
)
from bots.portals.invoice import PortalInvoice
from bots.portals.pdf import render_pdf
from bots.portals.ratelimit import RateLimiter
from bots.portals.recipes import RECIPES, Recipe
from bots.portals.recipes.base import CodeSource, Found
from bots.portals.results import Outcome, SubmissionResult
from bots.portals.retry import as_portal_error, portal_policy
from bots.portals.settings import PortalsConfig, PortalSite
from bots.portals.totp import SHARED_CODES, TotpCodes
from bots.portals.traces import scrub_trace
from bots.retry import RetryPolicy
from bots.store import WriteLedger

KIND = "portal_submission"
OnResult = Callable[[SubmissionResult], Awaitable[None]]
BeforeSubmit = Callable[[PortalInvoice], Awaitable[str | None]]


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
    session_file: int  # the mtime (ns) of the saved session its cookies came from (0: none)
    tracing: bool = False

    async def begin_chunk(self, title: str) -> None:
        if self.tracing:
            await self.context.tracing.start_chunk(title=title)
        else:
            await self.context.tracing.start(screenshots=False, snapshots=True, title=title)
            self.tracing = True

    async def end_chunk(self, stem: Path | None) -> None:
        """End the attempt's chunk: saved as ``stem``.zip + .png, or discarded when None.

        A saved trace is scrubbed of cookies and credentials before anyone can read it.
        """
        if stem is None:
            await self.context.tracing.stop_chunk()
            return
        stem.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self.page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
        except PlaywrightError:
            pass  # a crashed page has no picture; the trace still tells
        secrets = [cookie.get("value", "") for cookie in await self.context.cookies()]
        site = self.account.site
        secrets += [s.reveal() for s in (site.password, site.totp_secret) if s is not None]
        await self.context.tracing.stop_chunk(path=str(stem.with_suffix(".zip")))
        scrub_trace(stem.with_suffix(".zip"), secrets)


@dataclass
class _Attempt:
    outcome: Outcome
    message: str
    confirmation: str | None = None
    status: str = ""


@dataclass(frozen=True)
class _Batch:
    """How one call of :meth:`PortalRunner.submit` wants its invoices handled."""

    dry_run: bool
    on_result: OnResult | None
    before_submit: BeforeSubmit | None
    stop: threading.Event | None

    @property
    def stopping(self) -> bool:
        return self.stop is not None and self.stop.is_set()


class PortalRunner:
    """Submits invoices through configured portal sites (see the module docstring)."""

    def __init__(self, sites: Iterable[PortalSite], *, ledger: WriteLedger | None,
                 artifacts_dir: Path, state_dir: Path, max_contexts: int = 4,
                 retry: RetryPolicy | None = None, totp: TotpCodes = SHARED_CODES,
                 keep_artifacts: bool = False) -> None:
        self.sites = {site.name: site for site in sites if not site.is_cxml}  # no browser
        for site in self.sites.values():
            if site.base_url is None:
                raise ValueError(f"portal site {site.name}: no base_url (start the reference "
                                 "portals and point the site at them first)")
        self.ledger, self.artifacts_dir, self.state_dir = ledger, artifacts_dir, state_dir
        self.max_contexts, self.retry = max_contexts, retry or portal_policy()
        self.totp, self.keep_artifacts = totp, keep_artifacts

    @classmethod
    def from_config(cls, config: PortalsConfig, sites: Iterable[PortalSite], *,
                    ledger: WriteLedger | None, artifacts_dir: Path) -> PortalRunner:
        """A runner with the ``[portals]`` settings (contexts, retries, artifacts, sessions)."""
        return cls(sites, ledger=ledger, artifacts_dir=artifacts_dir,
                   state_dir=config.state_dir, max_contexts=config.max_contexts,
                   retry=portal_policy(config.attempts, config.backoff_ms),
                   keep_artifacts=config.keep_artifacts)

    # ------------------------------------------------------------------ entry points

    async def submit(self, browser: Browser, invoices: Sequence[PortalInvoice], *,
                     dry_run: bool = False, on_result: OnResult | None = None,
                     before_submit: BeforeSubmit | None = None,
                     stop: threading.Event | None = None) -> list[SubmissionResult]:
        """Submit ``invoices`` (``dry_run``: fill everything, press nothing, record nothing).

        ``on_result``, ``before_submit`` and ``stop``: see the module docstring.
        Invoices left when ``stop`` is set have no result in the list.
        """
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
                                          _Batch(dry_run, on_result, before_submit, stop)))
        await asyncio.gather(*workers)
        return [r for r in results if r is not None]

    async def decisions(self, browser: Browser, asks: Sequence[tuple[str, str]]
                        ) -> dict[tuple[str, str], Found | None]:
        """How each portal now stands on (site name, invoice number) pairs submitted before.

        Reads only (rejected invoices included, with the buyer's reason); a
        site that cannot be signed in to, or a technical failure, leaves its
        pairs out (asked again next time).
        """
        return await self._ask(browser, asks, rejected=True)

    async def search(self, browser: Browser, asks: Sequence[tuple[str, str]]
                     ) -> dict[tuple[str, str], Found | None]:
        """Whether each portal holds each (site name, invoice number): its record or None.

        Reads only, like :meth:`decisions`, but rejected invoices count as not held.
        """
        return await self._ask(browser, asks, rejected=False)

    async def _ask(self, browser: Browser, asks: Sequence[tuple[str, str]], *,
                   rejected: bool) -> dict[tuple[str, str], Found | None]:
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
                question = account.recipe.decision if rejected else account.recipe.find
                for number in numbers:
                    answers[(site, number)] = await question(worker.page, number)
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
                await self._retrying(functools.partial(self._fresh_sign_in, browser, account),
                                     f"portal {site.name}: sign in")
                answers[site.name] = None
            except PortalError as exc:
                answers[site.name] = str(exc)
        return answers

    # ------------------------------------------------------------------ contexts and sign-in

    def _account(self, site: PortalSite) -> _Account:
        session = f"{file_safe(site.name)}-{stable_id('s', site.name, site.user)}.json"
        state = self.state_dir / session
        return _Account(site, RECIPES[site.family](site.base_url or ""), state,
                        RateLimiter(site.rate_per_minute))

    async def _open(self, browser: Browser, account: _Account) -> tuple[BrowserContext, _Worker]:
        seen = _mtime(account.state_path)
        saved = account.state_path if seen else None
        context = await browser.new_context(storage_state=saved)
        context.set_default_timeout(account.site.timeout_ms)
        context.set_default_navigation_timeout(account.site.timeout_ms)
        return context, _Worker(account, context, await context.new_page(), account.generation,
                                seen)

    async def _work(self, browser: Browser, account: _Account,
                    queue: asyncio.Queue[tuple[int, PortalInvoice]],
                    results: list[SubmissionResult | None], contexts: asyncio.Semaphore,
                    batch: _Batch) -> None:
        async def settle(index: int, result: SubmissionResult) -> None:
            results[index] = result
            if batch.on_result is not None:
                await batch.on_result(result)

        async with contexts:
            if queue.empty() or batch.stopping:
                return
            context, worker = await self._open(browser, account)
            try:
                try:
                    await self._ensure_signed_in(worker)
                except PortalError as exc:
                    while not queue.empty():
                        index, invoice = queue.get_nowait()
                        await settle(index, _result(invoice, Outcome.FAILED,
                                                    f"could not sign in: {exc}"))
                    return
                while not queue.empty() and not batch.stopping:
                    index, invoice = queue.get_nowait()
                    await settle(index, await self._process(worker, invoice, batch))
            finally:
                await context.close()

    async def _ensure_signed_in(self, worker: _Worker) -> None:
        async def sign_in_unless_signed_in() -> None:
            if not await worker.account.recipe.signed_in(worker.page):
                await self._sign_in(worker)

        await self._retrying(sign_in_unless_signed_in,
                             f"portal {worker.account.site.name}: sign in")

    async def _retrying(self, step: Callable[[], Awaitable[None]], what: str) -> None:
        """Run ``step``, again after technical failures as the retry policy allows."""
        async def portal_step() -> None:
            try:
                await step()
            except PlaywrightError as exc:
                raise as_portal_error(exc) from None

        await self.retry.run_async(portal_step, retry_on=TechnicalError, what=what)

    async def _sign_in(self, worker: _Worker) -> None:
        """Give the worker a live session: a new sign-in, or the one another context (of
        this process, or of another on this host) just got."""
        account = worker.account
        async with account.lock:
            if account.login_error:
                raise LoginFailed(account.login_error)
            if account.generation <= worker.generation:
                async with _host_lock(account.state_path):
                    if _mtime(account.state_path) <= worker.session_file:
                        await self._fresh_sign_in(worker.context.browser, account)
                    else:  # another process signed in since this worker's session was read
                        account.generation += 1
            saved = json.loads(account.state_path.read_text(encoding="utf-8"))
            await worker.context.add_cookies(saved["cookies"])
            worker.generation = account.generation
            worker.session_file = _mtime(account.state_path)

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
                       batch: _Batch) -> SubmissionResult:
        account = worker.account
        key = invoice.submission.idempotency_key
        ledger = None if batch.dry_run else self.ledger
        state = "new"
        if ledger is not None:
            state = ledger.begin(KIND, key, target=f"{account.site.name}:{invoice.customer}",
                                 payload=invoice.summary())
            if state == "done":
                return _result(invoice, Outcome.DUPLICATE, "already submitted by an earlier run "
                                                            "(write ledger); not submitted again")
            if state not in ("new", "pending"):
                return _result(invoice, Outcome.BUSY, f"another live run holds the intent "
                                                      f"({state}); not touched")
        folder = self.artifacts_dir / file_safe(account.site.name)
        sent = sent_document(account.site.name, invoice.invoice_no, ".pdf")
        pdf = invoice.pdf or render_pdf(invoice, self.artifacts_dir / sent)
        maybe_ours = state == "pending"
        expired = False
        attempts = 0
        traces: list[Path] = []
        shots: list[Path] = []

        async def attempt() -> _Attempt:
            nonlocal maybe_ours, expired, attempts
            attempts += 1
            await account.limiter.wait()
            await worker.begin_chunk(f"{account.site.name} {invoice.invoice_no} #{attempts}")
            error: PortalError | None = None
            try:
                return await self._attempt(account.recipe, worker.page, invoice, pdf, batch,
                                           maybe_ours)
            except (PortalError, PlaywrightError) as exc:
                error = as_portal_error(exc)
                # after a technical failure, Submit may have gone through: search first
                maybe_ours = maybe_ours or isinstance(error, TechnicalError)
                expired = isinstance(error, SessionExpired)
                raise error from None
            finally:
                stem = folder / f"{file_safe(invoice.invoice_no)}-attempt{attempts}"
                keep = error is not None or self.keep_artifacts
                await worker.end_chunk(stem if keep else None)
                if keep:
                    traces.append(stem.with_suffix(".zip"))
                    shots.append(stem.with_suffix(".png"))

        async def sign_in_again() -> None:
            if expired:
                try:
                    await self._sign_in(worker)
                except PlaywrightError as exc:
                    raise as_portal_error(exc) from None

        try:
            done = await self.retry.run_async(
                attempt, retry_on=TechnicalError, before_retry=sign_in_again,
                what=f"portal {account.site.name}: invoice {invoice.invoice_no}")
        except (BusinessRejection, SilentFailure) as error:
            return self._refused(ledger, invoice, key, error, attempts, traces, shots)
        except TechnicalError as error:
            return _result(invoice, Outcome.FAILED, f"technical failure after {attempts} "
                           f"attempt(s): {error}", attempts, traces=traces, shots=shots)
        except PortalError as error:  # signing in again was refused
            return _result(invoice, Outcome.FAILED, f"session expired and signing in again "
                           f"failed: {error}", attempts, traces=traces, shots=shots)
        if done.outcome is Outcome.SKIPPED:
            return self._skipped(ledger, invoice, key, done, attempts, traces, shots)
        return self._finish(ledger, invoice, key, done, attempts, traces, shots)

    async def _attempt(self, recipe: Recipe, page: Page, invoice: PortalInvoice, pdf: Path,
                       batch: _Batch, maybe_ours: bool) -> _Attempt:
        found = await recipe.find(page, invoice.invoice_no)
        if found is not None:
            if maybe_ours:
                return _Attempt(Outcome.SUBMITTED, "found on the portal after an interrupted "
                                "submission; not submitted again", found.confirmation,
                                found.status)
            return _Attempt(Outcome.DUPLICATE, f"the portal already has invoice "
                            f"{invoice.invoice_no} as {found.confirmation} ({found.status}); "
                            "not submitted", found.confirmation, found.status)
        if batch.before_submit is not None:
            reason = await batch.before_submit(invoice)
            if reason:
                return _Attempt(Outcome.SKIPPED, f"skipped: {reason}")
        confirmation = await recipe.submit(page, invoice, pdf, dry_run=batch.dry_run)
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

    def _skipped(self, ledger: WriteLedger | None, invoice: PortalInvoice, key: str,
                 skip: _Attempt, attempts: int, traces: list[Path],
                 shots: list[Path]) -> SubmissionResult:
        """Not to be submitted after all: the intent closed with the reason (never left open)."""
        if ledger is not None:
            ledger.failed(key, skip.message)
        return self._finish(None, invoice, key, skip, attempts, traces, shots)

    def _refused(self, ledger: WriteLedger | None, invoice: PortalInvoice, key: str,
                 error: PortalError, attempts: int, traces: list[Path],
                 shots: list[Path]) -> SubmissionResult:
        if ledger is not None:
            ledger.failed(key, str(error))
        outcome = Outcome.REJECTED if isinstance(error, BusinessRejection) else Outcome.FAILED
        return _result(invoice, outcome, str(error), attempts, traces=traces, shots=shots)


def _mtime(path: Path) -> int:
    """When the saved session ``path`` was written (ns), or 0 when there is none."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


@asynccontextmanager
async def _host_lock(state_path: Path) -> AsyncIterator[None]:
    """One process of this host at a time signs in to the account of ``state_path``.

    Several browser workers (processes) share one night's invoices and the
    saved sessions: without it, each would sign in, and the second of two
    codes in one TOTP window is refused. The lock is an ``flock`` on a file
    beside the session, released when the descriptor is closed (also when
    the process dies).
    """
    state_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(state_path.with_name(state_path.name + ".lock"), os.O_RDWR | os.O_CREAT,
                 0o600)
    try:
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _result(invoice: PortalInvoice, outcome: Outcome, message: str, attempts: int = 0,
            confirmation: str | None = None, status: str = "",
            traces: Sequence[Path] = (), shots: Sequence[Path] = ()) -> SubmissionResult:
    return SubmissionResult(
        portal=invoice.portal, customer=invoice.customer, invoice_no=invoice.invoice_no,
        idempotency_key=invoice.submission.idempotency_key, outcome=outcome, message=message,
        attempts=attempts, confirmation=confirmation, portal_status=status,
        traces=tuple(traces), screenshots=tuple(shots))
