"""The console's HTML pages (Jinja2 templates, HTMX for live parts; no JS build step).

Pages read and act through the same modules as the JSON API
(:mod:`bots.console.runs`, :mod:`bots.console.launcher`); nothing here
knows SQL or runs a bot.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from bots.config import Config
from bots.console import collections, dashboard, export, review, runs, whatpays
from bots.console.auth import (
    COOKIE,
    ROLES,
    SESSION_AGE,
    SignInRefused,
    add_user,
    csrf_ok,
    sign_in,
)
from bots.console.deps import (
    Admin,
    AdminWrite,
    ConfigDep,
    Identity,
    Reader,
    Reviewer,
    ReviewerWrite,
    SignedWrite,
    Staff,
    StaffWrite,
    StoreDep,
    session_of,
    sessions,
)
from bots.console.launcher import STARTABLE, start_run
from bots.console.oidc import COOKIE as OIDC_COOKIE
from bots.console.oidc import FLOW_AGE, OidcRefused, Provider, remember
from bots.runner import PER_COMPANY_CODE
from bots.store import StaleDecision, Store

router = APIRouter(include_in_schema=False)
RUN_STATUSES = ("running", "ok", "failed", "interrupted", "aborted", "starting", "refused")


def render(request: Request, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    """``template`` filled with ``context`` (autoescaped)."""
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code)
    return response


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A page saying why a request was refused."""
    return render(request, "error.html", {"status": status_code, "message": message, "who": None},
                  status_code)


def _set_cookie(response: Response, request: Request, cookie: str) -> None:
    """Put the signed session ``cookie`` on ``response`` (HttpOnly, SameSite=Strict)."""
    response.set_cookie(COOKIE, cookie, max_age=int(SESSION_AGE.total_seconds()),
                        httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")


# --------------------------------------------------------------------------- sign-in

def _login_page(request: Request, message: str, csrf: str, status_code: int = 200
                ) -> HTMLResponse:
    provider = request.app.state.oidc
    return render(request, "login.html", {
        "who": None, "message": message, "csrf": csrf,
        "oidc_label": provider.oidc.label if provider else ""}, status_code)


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    """The sign-in page (a fresh anonymous session carries its CSRF token)."""
    cookie, csrf = sessions(request).new(None)
    response = _login_page(request, "", csrf)
    _set_cookie(response, request, cookie)
    return response


def _provider(request: Request) -> Provider:
    provider: Provider | None = request.app.state.oidc
    if provider is None:
        raise HTTPException(404, "sign-in at an OpenID provider is not configured "
                                 "([console.oidc])")
    return provider


@router.get("/login/oidc")
def oidc_start(request: Request) -> Response:
    """Send the browser to the OpenID provider; the flow's state, nonce and PKCE verifier
    wait in a short-lived signed cookie (SameSite=Lax: the provider's redirect back is a
    cross-site navigation)."""
    provider = _provider(request)
    try:
        url, cookie = provider.start()
    except OidcRefused as exc:
        raise HTTPException(502, str(exc)) from None
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(OIDC_COOKIE, cookie, max_age=FLOW_AGE, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/login/oidc")
    return response


@router.get("/login/oidc/callback")
def oidc_callback(request: Request, db: StoreDep) -> Response:
    """The provider's answer: check it (:meth:`Provider.finish`), keep the person with
    their role, start a session. The page then moves on to /runs by itself, so that the
    SameSite=Strict session cookie is sent from a same-site navigation."""
    provider = _provider(request)
    try:
        user = provider.finish(provider.flow(request.cookies.get(OIDC_COOKIE)),
                               dict(request.query_params))
        remember(db, user)
    except OidcRefused as exc:
        response: Response = _login_page(request, f"sign-in refused: {exc}",
                                         sessions(request).new(None)[1], 403)
    else:
        response = render(request, "signed_in.html", {"who": None, "name": user.name})
        _set_cookie(response, request, sessions(request).new(user.name)[0])
    response.delete_cookie(OIDC_COOKIE, path="/login/oidc")
    return response


@router.post("/login")
def login(request: Request, db: StoreDep, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = ""
          ) -> Response:
    """Check the form's CSRF token and the password; on success a new signed session."""
    session = session_of(request)
    if not csrf_ok(session, csrf_token):
        raise HTTPException(403, "the sign-in form expired: reload the page and try again")
    try:
        user = sign_in(db, username, password)
    except SignInRefused as exc:
        status = 429 if "too many" in str(exc) else 401
        return _login_page(request, str(exc), csrf_token, status)
    response = RedirectResponse("/runs", status_code=303)
    _set_cookie(response, request, sessions(request).new(user.name)[0])
    return response


@router.post("/logout")
def logout(request: Request, who: SignedWrite) -> Response:
    """End the session."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# --------------------------------------------------------------------------- runs

@router.get("/")
def home(who: Reader) -> Response:
    """The runs are the start page."""
    return RedirectResponse("/runs", status_code=303)


@router.get("/runs")
def runs_page(request: Request, who: Reader, db: StoreDep, bot: str = "", status: str = ""
              ) -> HTMLResponse:
    """The runs, newest first, filtered by bot and status."""
    rows = runs.run_list(db, runs.RunFilter(bot, status))
    return render(request, "runs.html", {"who": who, "rows": rows, "bot": bot,
                                         "status": status, "bots": STARTABLE,
                                         "statuses": RUN_STATUSES})


@router.get("/runs.csv")
def runs_csv(who: Reader, db: StoreDep, bot: str = "", status: str = "") -> Response:
    """The runs list (same filter) as a CSV file."""
    rows = runs.run_list(db, runs.RunFilter(bot, status), 1000)
    return export.csv_response("runs.csv", export.RUN_COLUMNS, export.run_rows(rows))


@router.get("/runs/new")
def new_run_form(request: Request, who: Staff, cfg: ConfigDep) -> HTMLResponse:
    """The form that starts a bot."""
    return render(request, "run_new.html", _new_run_context(who, cfg, ""))


def _new_run_context(who: Identity, cfg: Config, message: str) -> dict[str, Any]:
    return {"who": who, "bots": STARTABLE, "message": message,
            "company_codes": cfg.sap.company_codes, "per_company_code": PER_COMPANY_CODE}


@router.post("/runs/new")
def new_run(request: Request, bot: Annotated[str, Form()], who: StaffWrite, cfg: ConfigDep,
            db: StoreDep, dry_run: Annotated[bool, Form()] = False,
            company_code: Annotated[str, Form()] = "") -> Response:
    """Start the bot in its own process (for one company code, or all); show its page,
    which follows it."""
    try:
        run_id = start_run(cfg, db, bot, dry_run, who.user.name, company_code or None)
    except ValueError as exc:
        return render(request, "run_new.html", _new_run_context(who, cfg, str(exc)), 422)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


def _run_context(db: Store, cfg: Config, run_id: str, page: int, kind: str
                 ) -> dict[str, Any]:
    run = runs.run_summary(db, run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id!r}")
    finished = run["status"] in runs.FINISHED
    report = runs.report(cfg.runs_dir, run_id)
    now = datetime.now(UTC)
    return {"run": run, "finished": finished, "follow": runs.followed(run, report, now),
            "elapsed": runs.elapsed(run["started"], now),
            "report": report if finished else None,
            "files": runs.files(cfg.runs_dir, run_id) if finished else [],
            "writes": runs.writes(db, run_id, page, kind), "kind": kind,
            "company_codes": runs.company_codes(report)}


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: str, who: Reader, cfg: ConfigDep, db: StoreDep,
             page: int = 1, kind: str = "") -> HTMLResponse:
    """One run: progress while it runs (HTMX polling), its report once it ended."""
    return render(request, "run.html", {"who": who, **_run_context(db, cfg, run_id, page, kind)})


@router.get("/runs/{run_id}/body")
def run_body(request: Request, run_id: str, who: Reader, cfg: ConfigDep, db: StoreDep,
             page: int = 1, kind: str = "") -> HTMLResponse:
    """The run page's body alone: what HTMX polls while the run goes on."""
    return render(request, "run_body.html",
                  {"who": who, **_run_context(db, cfg, run_id, page, kind)})


@router.get("/runs/{run_id}/report.html")
def static_report(run_id: str, who: Reader,
                  cfg: ConfigDep, db: StoreDep) -> Response:
    """The run's static HTML report (the one the nightly mails out), as written."""
    if db.run(run_id) is None:
        raise HTTPException(404, f"no run {run_id!r}")
    path = cfg.runs_dir / run_id / "report.html"
    if not path.is_file():
        raise HTTPException(404, f"run {run_id} has no report.html (yet)")
    return FileResponse(path, media_type="text/html")


@router.get("/runs/{run_id}/files/{relative:path}")
def run_file(run_id: str, relative: str, who: Reader, cfg: ConfigDep, db: StoreDep
             ) -> Response:
    """One file the run kept (trace, screenshot, sent PDF, worklist), as a download."""
    path = runs.run_file(cfg.runs_dir, run_id, relative) if db.run(run_id) else None
    if path is None:
        raise HTTPException(404, f"run {run_id} has no file {relative!r}")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment",
                        headers={"X-Content-Type-Options": "nosniff"})


# --------------------------------------------------------------------------- review

@router.get("/review")
def review_page(request: Request, who: Reviewer, cfg: ConfigDep, db: StoreDep
                ) -> HTMLResponse:
    """The payments waiting for review, each with its proposals and decision forms."""
    return render(request, "review.html", {"who": who, "items": review.queue(cfg, db)})


@router.get("/review.csv")
def review_csv(who: Reviewer, cfg: ConfigDep, db: StoreDep) -> Response:
    """The review queue as a CSV file, one row per proposal."""
    return export.csv_response("review.csv", export.REVIEW_COLUMNS,
                               export.review_rows(review.queue(cfg, db)))


@router.get("/review/{remittance_id}")
def review_item(request: Request, remittance_id: str, who: Reviewer, cfg: ConfigDep,
                db: StoreDep) -> HTMLResponse:
    """One waiting payment (what HTMX polls while its decision is queued)."""
    return _item(request, who, cfg, db, remittance_id, "")


def _item(request: Request, who: Identity, cfg: Config, db: Store, remittance_id: str,
          message: str, status_code: int = 200) -> HTMLResponse:
    found = review.item(cfg, db, remittance_id)
    return render(request, "review_item.html",
                  {"who": who, "item": found, "item_id": remittance_id, "message": message},
                  status_code)


@router.get("/review/{remittance_id}/search")
def review_search(request: Request, remittance_id: str, who: Reviewer, db: StoreDep,
                  q: str = "") -> HTMLResponse:
    """Open items matching ``q``, each with a button that reassigns the payment to it."""
    version = db.remittance(remittance_id)
    return render(request, "review_search.html",
                  {"who": who, "hits": review.search(db, q), "item_id": remittance_id,
                   "version": version["version"] if version else 0, "q": q})


@router.post("/review/{remittance_id}/{action}")
def review_decide(request: Request, remittance_id: str, action: str,
                  version: Annotated[int, Form()], who: ReviewerWrite, cfg: ConfigDep,
                  db: StoreDep, customer: Annotated[str, Form()] = "",
                  document_no: Annotated[str, Form()] = "",
                  fiscal_year: Annotated[str, Form()] = "",
                  line_item: Annotated[str, Form()] = "",
                  lines: Annotated[bool, Form()] = False,
                  post: Annotated[list[str] | None, Form()] = None) -> HTMLResponse:
    """Approve (the ticked lines when the form has them: the rest goes on account),
    reject or reassign; answers the payment's part of the page (409 and nothing changed
    when the form was stale)."""
    if action not in ("approve", "reject", "reassign"):
        raise HTTPException(404, f"no action {action!r}")
    target = {"customer": customer, "document_no": document_no, "fiscal_year": fiscal_year,
              "line_item": line_item} if action == "reassign" else None
    try:
        review.decide(cfg, db, remittance_id, version, action, who.user, target,
                      request.app.state.approve_limits,
                      (post or []) if lines and action == "approve" else None)
    except StaleDecision as exc:
        return _item(request, who, cfg, db, remittance_id, str(exc), 409)
    except review.NeedsSupervisor as exc:
        return _item(request, who, cfg, db, remittance_id, str(exc), 403)
    except ValueError as exc:
        return _item(request, who, cfg, db, remittance_id, str(exc), 422)
    return _item(request, who, cfg, db, remittance_id, "")


# --------------------------------------------------------------------------- collections

@router.get("/collections")
def collections_page(request: Request, who: Reader, db: StoreDep) -> HTMLResponse:
    """Accounts past due, their open promises, and a form to record a promise to pay."""
    return render(request, "collections.html",
                  {"who": who, "accounts": collections.accounts_due(db, datetime.now(UTC).date()),
                   "message": ""})


@router.post("/collections/promise")
def promise(request: Request, customer: Annotated[str, Form()],
            company_code: Annotated[str, Form()], amount: Annotated[str, Form()],
            promised_date: Annotated[str, Form()], who: StaffWrite, cfg: ConfigDep,
            db: StoreDep, currency: Annotated[str, Form()] = "") -> Response:
    """Record a promise to pay in its own process; show that run's page."""
    try:
        run_id = collections.start_promise(cfg, db, who.user.name, customer, company_code,
                                           amount, promised_date, currency)
    except ValueError as exc:
        return _collections_refused(request, who, db, exc)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


def _collections_refused(request: Request, who: Identity, db: Store, exc: ValueError
                         ) -> HTMLResponse:
    return render(request, "collections.html", {
        "who": who, "accounts": collections.accounts_due(db, datetime.now(UTC).date()),
        "message": str(exc)}, 422)


@router.post("/collections/contact")
def contact(request: Request, customer: Annotated[str, Form()],
            company_code: Annotated[str, Form()], who: StaffWrite, cfg: ConfigDep,
            db: StoreDep, note: Annotated[str, Form()] = "") -> Response:
    """Mark the account contacted (a collection note in SAP, in its own process); show that
    run's page."""
    try:
        run_id = collections.start_contact(cfg, db, who.user.name, customer, company_code,
                                           note)
    except ValueError as exc:
        return _collections_refused(request, who, db, exc)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


@router.post("/collections/dispute")
def dispute(request: Request, customer: Annotated[str, Form()],
            company_code: Annotated[str, Form()], invoice: Annotated[str, Form()],
            reason: Annotated[str, Form()], who: StaffWrite, cfg: ConfigDep, db: StoreDep,
            amount: Annotated[str, Form()] = "") -> Response:
    """Record the customer's dispute of an invoice (an FSCM case, in its own process); show
    that run's page."""
    try:
        run_id = collections.start_dispute(cfg, db, who.user.name, customer, company_code,
                                           invoice, reason, amount)
    except ValueError as exc:
        return _collections_refused(request, who, db, exc)
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


# --------------------------------------------------------------------------- dashboard

@router.get("/dashboard")
def dashboard_page(request: Request, who: Reader, cfg: ConfigDep, db: StoreDep
                   ) -> HTMLResponse:
    """Today's runs, the cash-application trend, DSO, share current and aging per
    snapshot."""
    data = dashboard.dashboard(db, datetime.now(UTC), cfg.collections.aging_buckets)
    return render(request, "dashboard.html", {"who": who, "data": data})


# --------------------------------------------------------------------------- what does this pay

@router.get("/extract")
def extract_form(request: Request, who: Reader) -> HTMLResponse:
    """The upload form of "What does this pay?"."""
    return render(request, "extract.html", {"who": who, "answer": None, "message": "",
                                            "limit": request.app.state.upload_limit})


@router.post("/extract")
def extract_upload(request: Request, file: UploadFile, who: SignedWrite, cfg: ConfigDep,
                   db: StoreDep) -> HTMLResponse:
    """Read the uploaded advice and show its lines and proposed matches (nothing posted)."""
    limit = request.app.state.upload_limit
    context = {"who": who, "answer": None, "message": "", "limit": limit}
    try:
        data = whatpays.read_limited(whatpays.chunks(file.file), limit)
    except whatpays.UploadTooLarge as exc:
        return render(request, "extract.html", {**context, "message": str(exc)}, 413)
    answer = whatpays.what_does_this_pay(cfg, db, data, file.filename or "upload")
    return render(request, "extract.html", {**context, "answer": answer})


# --------------------------------------------------------------------------- users

@router.get("/users")
def users_page(request: Request, who: Admin,
               db: StoreDep) -> HTMLResponse:
    """The console's users (admins only)."""
    return render(request, "users.html", {"who": who, "users": db.console_users(),
                                          "roles": ROLES, "message": ""})


@router.post("/users")
def add_user_form(request: Request, name: Annotated[str, Form()], role: Annotated[str, Form()],
                  password: Annotated[str, Form()], who: AdminWrite, db: StoreDep) -> HTMLResponse:
    """Add a user or reset one's role and password (admins only)."""
    try:
        add_user(db, name, role, password)
        message, status = f"user {name} saved as {role}", 200
    except ValueError as exc:
        message, status = str(exc), 422
    return render(request, "users.html", {"who": who, "users": db.console_users(),
                                          "roles": ROLES, "message": message}, status)
