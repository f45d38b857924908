"""The console's JSON API under ``/api`` (bearer token or session + CSRF header).

Same data and actions as the pages: :mod:`bots.console.runs` to read,
:mod:`bots.console.launcher` to start a run in its own process.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from bots.console import runs
from bots.console.deps import ConfigDep, Reader, StaffWrite, StoreDep
from bots.console.launcher import start_run

router = APIRouter(tags=["console"])


class RunRequest(BaseModel):
    """What ``POST /api/runs`` starts."""

    bot: str
    dry_run: bool = False
    company_code: str | None = None


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, who: Reader) -> dict[str, Any]:
    """The OpenAPI description of this API."""
    return dict(request.app.openapi())


@router.get("/me")
def me(who: Reader) -> dict[str, str]:
    """Who the token or session belongs to."""
    return {"name": who.user.name, "role": who.user.role}


@router.get("/runs")
def list_runs(who: Reader, db: StoreDep, bot: str = "", status: str = "", limit: int = 100
              ) -> list[dict[str, Any]]:
    """The runs, newest first: ``{run_id, status, trigger, person, bots, dry_run, started,
    ended, duration_seconds, counts, message}``; filter by ``bot`` and ``status``."""
    return runs.run_list(db, runs.RunFilter(bot, status), min(max(limit, 1), 1000))


@router.get("/runs/{run_id}")
def get_run(run_id: str, who: Reader, cfg: ConfigDep, db: StoreDep, page: int = 1,
            kind: str = "") -> dict[str, Any]:
    """One run: its summary, its ``report.json`` (null until it ended) and one page of
    its external writes (``page``, ``kind`` filter)."""
    run = runs.run_summary(db, run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id!r}")
    return {**run, "report": runs.report(cfg.runs_dir, run_id),
            "writes": runs.writes(db, run_id, page, kind)}


@router.post("/runs", status_code=202)
def post_run(body: RunRequest, who: StaffWrite,
             cfg: ConfigDep, db: StoreDep) -> dict[str, str]:
    """Start ``bot`` (``dry_run``) as its own ``arbots run`` process: ``{run_id}``; follow
    it with ``GET /api/runs/{run_id}``."""
    if body.company_code is not None:
        raise HTTPException(422, "company_code: runs of one company code are not supported "
                                 "yet; leave it out to run every configured company code")
    try:
        return {"run_id": start_run(cfg, db, body.bot, body.dry_run, who.user.name)}
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
