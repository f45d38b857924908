"""EWS backend (exchangelib) against a loopback EWS endpoint speaking SOAP."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from ews_fake import FakeExchange
from mailbox_servers import Handler, Loopback, http_server  # noqa: F401 - fixture

from bots.config import Secret
from bots.email import MailboxAuthError, MailboxError, MessageRef, TransientError, open_mailbox
from bots.email.ews import EwsMailbox
from bots.retry import RetryPolicy

PASSWORD = "Ews-pa55word-never-shown"
USER = "EXAMPLE\\svc-arbots"


def mime(number: int) -> bytes:
    return (f"From: ap{number}@customer.example\r\nSubject: Remittance {number}\r\n"
            f"Message-ID: <e{number}@customer.example>\r\n\r\nPaid 900{number}\r\n").encode()


def make_box(server: Loopback, password: str = PASSWORD, sleeps: list[float] | None = None) \
        -> EwsMailbox:
    settings = {"kind": "ews", "service_endpoint": f"{server.url}/EWS/Exchange.asmx",
                "address": "remittances@example.com", "user": USER, "auth": "basic",
                "password": {"env": "T_EWS_PW"}}
    box = open_mailbox("onprem", settings, Path("."), source="test.toml")
    assert isinstance(box, EwsMailbox)
    box._password = Secret.literal(password)
    box.retry = RetryPolicy(attempts=3, max_delay=20, sleep=(sleeps if sleeps is not None
                                                            else []).append)
    return box


@pytest.fixture
def exchange(http_server: Callable[[Handler], Loopback]) -> tuple[FakeExchange, Loopback]:  # noqa: F811
    fake = FakeExchange(USER, PASSWORD)
    return fake, http_server(fake)


def test_list_fetch_move(exchange: tuple[FakeExchange, Loopback]) -> None:
    fake, server = exchange
    ids = [fake.deliver(f"Remittance {n}", f"ap{n}@customer.example",
                        f"2026-11-2{n}T10:00:00Z", mime(n)) for n in (1, 2, 3)]
    with make_box(server) as box:
        refs = box.list_new()
        assert [r.id for r in refs] == ids
        assert refs[0].subject == "Remittance 1"
        assert refs[0].sender is None  # would cost a GetItem per page
        assert refs[0].date is not None and refs[0].date.day == 21
        assert [box.fetch(r) for r in refs] == [mime(1), mime(2), mime(3)]
        new_id = box.move(refs[0], "processed")
        assert new_id is not None and new_id.startswith("AAMkAGM2-moved-")
        box.move(refs[1], "exceptions")
        assert [r.id for r in box.list_new()] == [ids[2]]
    assert [i.subject for i in fake.in_folder("processed")] == ["Remittance 1"]
    assert [i.subject for i in fake.in_folder("exceptions")] == ["Remittance 2"]
    assert "CreateFolder" in fake.operations and "MoveItem" in fake.operations
    assert set(fake.operations) <= {"GetFolder", "FindFolder", "CreateFolder", "FindItem",
                                    "GetItem", "MoveItem"}


def test_paging_through_finditem(exchange: tuple[FakeExchange, Loopback]) -> None:
    fake, server = exchange
    ids = [fake.deliver(f"R{n}", "ap@customer.example", f"2026-11-0{n}T08:00:00Z", mime(n))
           for n in range(1, 6)]
    box = make_box(server)
    box.page_size = 2
    with box:
        assert [r.id for r in box.list_new()] == ids
    assert fake.operations.count("FindItem") == 3


def test_wrong_password_is_an_auth_error_never_retried(
        exchange: tuple[FakeExchange, Loopback], caplog: pytest.LogCaptureFixture) -> None:
    fake, server = exchange
    sleeps: list[float] = []
    box = make_box(server, password="Wrong-ews-pw-4711", sleeps=sleeps)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MailboxAuthError, match=r"refused the login of EXAMPLE\\svc-arbots") \
            as info:
        box.connect()
    assert sleeps == []
    assert len(server.requests) == 1
    for shown in (str(info.value), repr(box), caplog.text):
        assert "Wrong-ews-pw-4711" not in shown and PASSWORD not in shown


def test_server_busy_is_retried_with_its_back_off(exchange: tuple[FakeExchange, Loopback]) \
        -> None:
    fake, server = exchange
    fake.deliver("R1", "ap@customer.example", "2026-11-01T08:00:00Z", mime(1))
    sleeps: list[float] = []
    with make_box(server, sleeps=sleeps) as box:
        # ErrorServerBusy (BackOffMilliseconds=3000), then a 503 (exchangelib's RETRY_WAIT)
        fake.fail_next = [500, 503]
        assert [r.subject for r in box.list_new()] == ["R1"]
    assert sleeps == [3.0, 10.0]


def test_an_unknown_item_is_a_final_error(exchange: tuple[FakeExchange, Loopback]) -> None:
    fake, server = exchange
    sleeps: list[float] = []
    with make_box(server, sleeps=sleeps) as box:
        with pytest.raises(MailboxError, match="fetch AAMk-gone=: ErrorItemNotFound: The "
                                               "specified object was not found") as info:
            box.fetch(MessageRef("onprem", "AAMk-gone="))
    assert not isinstance(info.value, TransientError) and sleeps == []
