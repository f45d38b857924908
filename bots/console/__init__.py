"""The web console for AR staff and supervisors: ``arbots console``.

FastAPI + Jinja2 + HTMX (vendored in ``static/``; no JS build step, works
offline), served from the same store as the CLI. One module per part:

================================  ==============================================
:mod:`~bots.console.app`          the app factory :func:`create_app`
:mod:`~bots.console.auth`         passwords, API tokens, sessions, CSRF, throttling
:mod:`~bots.console.deps`         per request: the store, who is asking, roles
:mod:`~bots.console.pages`        the HTML pages
:mod:`~bots.console.api`          the JSON API under ``/api``
:mod:`~bots.console.runs`         what is shown of runs (shared by pages and API)
:mod:`~bots.console.launcher`     starting ``arbots`` commands as separate processes
:mod:`~bots.console.whatpays`     "What does this pay?": an upload read and matched
:mod:`~bots.console.reader`       the process that reads an upload
================================  ==============================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal

    from fastapi import FastAPI

    from bots.config import Config

__all__ = ["create_app"]


def create_app(cfg: Config, upload_limit: int | None = None,
               approve_limits: dict[str, Decimal] | None = None) -> FastAPI:
    """The console for ``cfg``: :func:`bots.console.app.create_app`, imported on first
    use, so that the upload reader (``python -m bots.console.reader``) starts without
    FastAPI, pandas and the pages."""
    from bots.console.app import create_app as create

    return create(cfg, upload_limit, approve_limits)
