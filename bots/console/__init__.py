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
================================  ==============================================
"""

from __future__ import annotations

from bots.console.app import create_app

__all__ = ["create_app"]
