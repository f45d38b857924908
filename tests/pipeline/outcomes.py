"""Reading a run's outcome in tests, with a message that says why a bot is missing."""

from __future__ import annotations

from bots.reports.model import BotSection
from bots.runner import RunOutcome


def bot_section(outcome: RunOutcome, name: str) -> BotSection:
    """The report section of bot ``name``; fails naming the run's status and message if absent."""
    sections = {b.name: b for b in outcome.report.bots}
    assert name in sections, (
        f"bot {name!r} not in the report of run {outcome.run_id}: status {outcome.status}, "
        f"exit {outcome.exit_code}, message {outcome.message!r}, bots "
        + ", ".join(f"{b.name}={b.status}" for b in outcome.report.bots))
    return sections[name]
