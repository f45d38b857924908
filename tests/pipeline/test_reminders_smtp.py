"""Reminder e-mails delivered by SMTP to a real server on loopback, once."""

from __future__ import annotations

import socket
from dataclasses import replace
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.runner import run_bots


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback for the test, stopped after it."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def test_reminders_are_sent_by_smtp_and_never_twice(world: Config, smtp_server) -> None:
    port, inbox = smtp_server
    cfg = replace(world, collections=replace(world.collections, smtp_host="127.0.0.1",
                                             smtp_port=port, smtp_user="",
                                             smtp_password=None))
    outcome = run_bots(cfg, ("collections",), Trigger.ON_DEMAND)
    assert outcome.status == RunStatus.OK, outcome.report.bots[0].errors
    sent = outcome.report.bots[0].counts["reminders_sent"]
    assert sent > 0 and len(inbox.messages) == sent
    first = message_from_bytes(inbox.messages[0])
    assert first["X-Arbots-Key"].startswith("mail-")
    assert first["Subject"].startswith(("Friendly reminder", "Second reminder", "Final notice"))
    assert len(list(Path(cfg.collections.outbox).glob("*.eml"))) == sent

    run_bots(cfg, ("collections",), Trigger.ON_DEMAND)
    assert len(inbox.messages) == sent  # the same day: nothing sent again
