"""The mailboxes' retry wiring: TransientError only, Retry-After, the give-up message.

The policy itself (backoff, jitter) is tested in tests/test_retry.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.config import ConfigError
from bots.email import MailboxAuthError, TransientError, open_mailbox
from bots.email.ews import EwsMailbox
from bots.email.retry import retried
from bots.retry import RetryPolicy


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures, self.calls = failures, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "done"


def test_transient_failures_are_retried_with_doubling_delays() -> None:
    sleeps: list[float] = []
    resets: list[int] = []
    policy = RetryPolicy(attempts=4, base_delay=1, max_delay=3, jitter=0, sleep=sleeps.append)
    flaky = Flaky([TransientError("reset"), TransientError("reset"), TransientError("reset")])
    assert retried(policy, flaky, "op", before_retry=lambda: resets.append(1)) == "done"
    assert sleeps == [1, 2, 3] and flaky.calls == 4 and len(resets) == 3


def test_the_final_error_says_how_many_attempts_were_made() -> None:
    policy = RetryPolicy(attempts=3, sleep=lambda _: None)
    flaky = Flaky([TransientError(f"reset {n}") for n in range(5)])
    with pytest.raises(TransientError, match=r"reset 2 \(gave up after 3 attempt\(s\)\)"):
        retried(policy, flaky, "op")
    assert flaky.calls == 3


def test_retry_after_is_honoured_and_too_long_means_give_up() -> None:
    sleeps: list[float] = []
    policy = RetryPolicy(attempts=3, base_delay=1, max_delay=30, sleep=sleeps.append)
    assert retried(policy, Flaky([TransientError("429", retry_after=12)]), "op") == "done"
    assert sleeps == [12]
    with pytest.raises(TransientError, match=r"429 \(gave up after 1 attempt\(s\)\)"):
        retried(policy, Flaky([TransientError("429", retry_after=31)]), "op")


def test_final_errors_are_not_retried() -> None:
    sleeps: list[float] = []
    policy = RetryPolicy(attempts=5, sleep=sleeps.append)
    flaky = Flaky([MailboxAuthError("refused")])
    with pytest.raises(MailboxAuthError):
        retried(policy, flaky, "op")
    assert flaky.calls == 1 and sleeps == []


def test_retry_settings_per_mailbox() -> None:
    base = {"kind": "ews", "service_endpoint": "https://mail.example.com/EWS/Exchange.asmx",
            "address": "r@example.com", "user": "u", "password": {"env": "X"}}
    box = open_mailbox("e", {**base, "retries": 2, "max_retry_wait": 5}, Path("."))
    assert isinstance(box, EwsMailbox)
    assert (box.retry.attempts, box.retry.max_delay, box.retry.base_delay) == (3, 5.0, 2.0)
    default = open_mailbox("e", base, Path("."))
    assert isinstance(default, EwsMailbox)
    assert (default.retry.attempts, default.retry.max_delay) == (5, 60.0)
    with pytest.raises(ConfigError, match=r"site.toml: mailboxes.e.retries: must be at least 0"):
        open_mailbox("e", {**base, "retries": -1}, Path("."), source="site.toml")
    with pytest.raises(ConfigError, match=r"mailboxes.e.version: expected one of 2010, 2013"):
        open_mailbox("e", {**base, "version": "2007"}, Path("."), source="site.toml")
    with pytest.raises(ConfigError, match=r"mailboxes.e.address: is required"):
        open_mailbox("e", {k: v for k, v in base.items() if k != "address"}, Path("."))
