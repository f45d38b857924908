"""The one retry policy (bots.retry): technical errors only, backoff with jitter, Retry-After."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bots.retry import ONE_ATTEMPT, RetryPolicy


class Technical(Exception):
    """A peer's technical error; ``retry_after`` as an HTTP 429 would carry it."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Refused(Exception):
    """A peer's logon error: never retried."""


class Flaky:
    """Raises the given errors in turn, then answers "done"."""

    def __init__(self, errors: list[BaseException]) -> None:
        self.errors, self.calls = list(errors), 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def test_technical_errors_retried_with_doubling_waits_and_before_retry() -> None:
    waits: list[float] = []
    reopened: list[int] = []
    flaky = Flaky([Technical("reset"), Technical("reset"), Technical("timeout")])
    policy = RetryPolicy(attempts=4, base_delay=1, max_delay=3, jitter=0, sleep=waits.append)
    assert policy.run(flaky, retry_on=Technical, what="op",
                      before_retry=lambda: reopened.append(1)) == "done"
    assert (waits, flaky.calls, len(reopened)) == ([1.0, 2.0, 3.0], 4, 3)


def test_the_last_error_is_raised_after_the_last_attempt() -> None:
    waits: list[float] = []
    flaky = Flaky([Technical(f"down {n}") for n in range(5)])
    with pytest.raises(Technical, match="down 2"):
        RetryPolicy(attempts=3, sleep=waits.append).run(flaky, retry_on=Technical, what="op")
    assert flaky.calls == 3 and len(waits) == 2


def test_other_errors_such_as_logon_are_never_retried() -> None:
    waits: list[float] = []
    flaky = Flaky([Refused("wrong password")])
    with pytest.raises(Refused):
        RetryPolicy(sleep=waits.append).run(flaky, retry_on=Technical, what="logon")
    assert (flaky.calls, waits) == (1, [])


def test_jitter_keeps_waits_between_half_and_the_full_delay() -> None:
    waits: list[float] = []
    policy = RetryPolicy(attempts=6, base_delay=1, max_delay=8, jitter=0.5, sleep=waits.append)
    policy.run(Flaky([Technical("x")] * 5), retry_on=Technical, what="op")
    for attempt, wait in enumerate(waits, start=1):
        assert policy.delay(attempt) / 2 <= wait <= policy.delay(attempt)


def test_retry_after_is_honoured_and_too_long_means_give_up_at_once() -> None:
    waits: list[float] = []
    policy = RetryPolicy(attempts=3, base_delay=1, max_delay=30, sleep=waits.append)
    assert policy.run(Flaky([Technical("429", retry_after=12)]), retry_on=Technical,
                      what="op") == "done"
    assert waits == [12.0]
    too_long = Flaky([Technical("429", retry_after=31)])
    with pytest.raises(Technical, match="429"):
        policy.run(too_long, retry_on=Technical, what="op")
    assert too_long.calls == 1 and waits == [12.0]


def test_async_form_with_a_sync_or_async_injected_sleep() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async def scenario(sleep: object) -> str:
        flaky = Flaky([Technical("timeout")])

        async def step() -> str:
            return flaky()

        policy = RetryPolicy(attempts=2, base_delay=0.5, jitter=0, sleep=sleep)  # type: ignore[arg-type]
        return await policy.run_async(step, retry_on=Technical, what="portal: sign in")

    assert asyncio.run(scenario(waits.append)) == "done"
    assert asyncio.run(scenario(record)) == "done"
    assert waits == [0.5, 0.5]


def test_one_attempt_for_engines_that_own_retries() -> None:
    flaky = Flaky([Technical("reset")])
    with pytest.raises(Technical):
        RetryPolicy(attempts=5).once().run(flaky, retry_on=Technical, what="activity")
    with pytest.raises(Technical):
        ONE_ATTEMPT.run(Flaky([Technical("reset")]), retry_on=Technical, what="activity")
    assert flaky.calls == 1


def test_one_log_line_per_retry_naming_the_operation(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bots.retry")
    policy = RetryPolicy(attempts=3, base_delay=2, jitter=0, sleep=lambda _: None)
    policy.run(Flaky([Technical("reset\nsecond line"), Technical("reset")]),
               retry_on=Technical, what="SAP RFC_PING")
    assert [r.getMessage() for r in caplog.records] == [
        "SAP RFC_PING: Technical: reset (attempt 1 of 3), retrying in 2.0s",
        "SAP RFC_PING: Technical: reset (attempt 2 of 3), retrying in 4.0s"]


def test_limited_applies_a_peers_settings_and_invalid_policies_are_refused() -> None:
    policy = RetryPolicy(attempts=4, base_delay=2, max_delay=60).limited(3, max_delay=1)
    assert (policy.attempts, policy.base_delay, policy.max_delay) == (3, 1, 1)
    for bad in ({"attempts": 0}, {"base_delay": 5, "max_delay": 1}, {"jitter": 2}):
        with pytest.raises(ValueError):
            RetryPolicy(**bad)  # type: ignore[arg-type]
