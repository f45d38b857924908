"""The console's app factory: ``create_app(cfg)`` wires pages, API, static files, errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from bots.config import Config
from bots.console import api, pages
from bots.console.auth import Sessions, signing_secret
from bots.console.deps import NeedsSignIn
from bots.console.oidc import Provider, settings
from bots.console.whatpays import declared_too_large, too_large
from bots.remittance import Limits

HERE = Path(__file__).parent


def secret_path(cfg: Config) -> Path:
    """Where the session-signing secret is kept: beside the store, readable by its owner."""
    return cfg.store_path.parent / "console.secret"


def create_app(cfg: Config, upload_limit: int | None = None,
               approve_limits: dict[str, Decimal] | None = None) -> FastAPI:
    """The console for the store and landscape of ``cfg``.

    ``upload_limit``: the largest upload in bytes (default: ``[remittance.limits]
    max_file_bytes``, the limit of ``arbots extract``). ``approve_limits``: currency
    (or ``*``: any) -> the largest payment AR staff may post alone; above it a
    supervisor decides (default: no limit). With ``[console.oidc]`` configured, people
    may also sign in at that OpenID provider (:mod:`bots.console.oidc`).
    """
    # the OpenAPI document is served by the API behind sign-in; no docs page (it needs a CDN)
    app = FastAPI(title="arbots console", version="1", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.cfg = cfg
    app.state.sessions = Sessions(secret_path(cfg))
    oidc = settings(cfg)
    app.state.oidc = Provider(oidc, signing_secret(secret_path(cfg))) if oidc else None
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.approve_limits = dict(approve_limits or {})
    app.state.upload_limit = upload_limit or Limits.from_config(cfg.raw, cfg.source
                                                                ).max_file_bytes
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(api.router, prefix="/api")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.middleware("http")
    async def refuse_oversized(request: Request, call_next: Any) -> Response:
        """An upload declared larger than the limit is refused before it is read."""
        limit = app.state.upload_limit
        if request.method == "POST" and request.url.path in ("/extract", "/api/extract") \
                and declared_too_large(request.headers.get("content-length"), limit):
            if request.url.path.startswith("/api/"):
                return JSONResponse({"detail": too_large(limit)}, status_code=413)
            return pages.error_page(request, 413, too_large(limit))
        response: Response = await call_next(request)
        return response

    @app.exception_handler(NeedsSignIn)
    def sign_in_first(request: Request, _exc: NeedsSignIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first: a session or a bearer token "
                                           "(arbots console token USER)"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    def refused(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=exc.headers)
        return pages.error_page(request, exc.status_code, str(exc.detail))

    return app
