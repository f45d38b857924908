"""Graph backend against a loopback HTTP server speaking Graph's JSON."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from graph_fake import FakeGraph
from mailbox_servers import Handler, Loopback, http_server  # noqa: F401 - fixture

from bots.config import ConfigError, Secret
from bots.email import MailboxAuthError, MailboxError, TransientError, open_mailbox
from bots.email.graph import GraphMailbox
from bots.email.oauth import ClientCredentials, StaticToken
from bots.retry import RetryPolicy

UPN = "remittances@contoso.example"
TOKEN = "eyJ0eXAi.graph-token-never-shown"


class FakeToken:
    def __init__(self, value: str = TOKEN) -> None:
        self.value, self.calls = value, 0

    def token(self) -> str:
        self.calls += 1
        return self.value


def mime(number: int) -> bytes:
    return (f"From: ap{number}@customer.example\r\nSubject: Remittance {number}\r\n\r\n"
            f"Paid 900{number}\r\n").encode()


@pytest.fixture
def graph(http_server: Callable[[Handler], Loopback]) -> tuple[FakeGraph, Loopback]:  # noqa: F811
    fake = FakeGraph(UPN, TOKEN)
    server = http_server(fake)
    fake.base = server.url
    return fake, server


def make_box(server: Loopback, token: str = TOKEN, sleeps: list[float] | None = None,
             **extra: object) -> GraphMailbox:
    settings = {"kind": "graph", "user": UPN, "graph_url": f"{server.url}/v1.0",
                "oauth": {"token": {"env": "T_GRAPH_TOKEN"}}, **extra}
    box = open_mailbox("online", settings, Path("."), source="test.toml")
    assert isinstance(box, GraphMailbox)
    box._token = FakeToken(token)
    box.retry = RetryPolicy(attempts=3, max_delay=10, jitter=0,
                            sleep=(sleeps if sleeps is not None else []).append)
    return box


def test_list_pages_fetch_and_move(graph: tuple[FakeGraph, Loopback]) -> None:
    fake, server = graph
    ids = [fake.deliver(f"Remittance {n}", f"ap{n}@customer.example",
                        f"2026-11-2{n}T09:00:00Z", mime(n)) for n in (1, 2, 3, 4, 5)]
    with make_box(server, filter="hasAttachments eq true") as box:
        refs = box.list_new()
        assert [r.id for r in refs] == ids  # 3 pages of 2, 2, 1
        assert refs[0].subject == "Remittance 1"
        assert refs[0].sender == "Payer <ap1@customer.example>"
        assert refs[0].date is not None and refs[0].date.day == 21
        assert box.fetch(refs[2]) == mime(3)
        assert box.move(refs[0], "processed") == f"{ids[0]}-moved"
        assert box.move(refs[1], "exceptions") == f"{ids[1]}-moved"
        assert box.move(refs[2], "processed") == f"{ids[2]}-moved"
        assert [r.id for r in box.list_new()] == ids[3:]
    assert [m.subject for m in fake.in_folder("processed")] == ["Remittance 1", "Remittance 3"]
    assert [m.subject for m in fake.in_folder("exceptions")] == ["Remittance 2"]
    lists = [path for method, path, _, _ in server.requests if "/inbox/messages" in path]
    assert len(lists) == 3 + 1 and "%24skip=" not in lists[0] and "$skip=2" in lists[1]
    assert "%24filter=hasAttachments+eq+true" in lists[0]
    assert "%24select=id%2Csubject%2Cfrom%2CreceivedDateTime" in lists[0]
    creates = [p for m, p, _, _ in server.requests if m == "POST" and "childFolders" in p]
    assert len(creates) == 2  # each destination created once, then remembered
    for method, path, headers, _ in server.requests:
        assert headers.get("Prefer") == 'IdType="ImmutableId"', (method, path)
        assert headers.get("Authorization") == f"Bearer {TOKEN}"


def test_existing_destination_folder_is_found_not_created(graph: tuple[FakeGraph, Loopback]) \
        -> None:
    fake, server = graph
    fake.folders["done-id"] = ("Done 'items'", "inbox-id")
    message_id = fake.deliver("R", "ap@customer.example", "2026-11-01T00:00:00Z", mime(1))
    with make_box(server, processed="Done 'items'") as box:
        (ref,) = box.list_new()
        box.move(ref, "processed")
    assert fake.messages[f"{message_id}-moved"].folder == "done-id"
    assert not [p for m, p, _, _ in server.requests if m == "POST" and "childFolders" in p]


def test_throttling_is_retried_after_the_servers_delay(graph: tuple[FakeGraph, Loopback]) \
        -> None:
    fake, server = graph
    fake.deliver("R", "ap@customer.example", "2026-11-01T00:00:00Z", mime(1))
    sleeps: list[float] = []
    with make_box(server, sleeps=sleeps) as box:
        fake.fail_next = [(429, {"Retry-After": "7"}), (503, {})]
        assert len(box.list_new()) == 1
    assert sleeps == [7.0, 2.0]


def test_retry_after_beyond_the_limit_gives_up_at_once(graph: tuple[FakeGraph, Loopback]) \
        -> None:
    fake, server = graph
    sleeps: list[float] = []
    box = make_box(server, sleeps=sleeps)
    fake.fail_next = [(429, {"Retry-After": "600"})]
    with pytest.raises(TransientError, match="HTTP 429 TooManyRequests: Please retry"):
        box.connect()
    assert sleeps == []


def test_a_refused_token_is_an_auth_error_never_retried(
        graph: tuple[FakeGraph, Loopback], caplog: pytest.LogCaptureFixture) -> None:
    fake, server = graph
    sleeps: list[float] = []
    box = make_box(server, token="expired-Token-value-123", sleeps=sleeps)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MailboxAuthError, match="HTTP 401 InvalidAuthenticationToken") as info:
        box.connect()
    assert sleeps == [] and len(server.requests) == 1
    for shown in (str(info.value), repr(box), repr(box._token), caplog.text):
        assert "expired-Token-value-123" not in shown


def test_missing_message_is_a_clear_error(graph: tuple[FakeGraph, Loopback]) -> None:
    fake, server = graph
    with make_box(server) as box:
        from bots.email import MessageRef

        with pytest.raises(MailboxError, match="mailbox online: fetch gone-id: HTTP 404 "
                                               "ErrorItemNotFound"):
            box.fetch(MessageRef("online", "gone-id"))


def test_connection_refused_is_transient() -> None:
    box = GraphMailbox("down", user=UPN, token=FakeToken(), graph_url="http://127.0.0.1:1/v1.0",
                       retry=RetryPolicy(attempts=2, base_delay=0.25, sleep=lambda s: None))
    with pytest.raises(TransientError, match="ConnectionError talking to http://127.0.0.1:1"):
        box.connect()


def test_oauth_settings() -> None:
    base = {"kind": "graph", "user": UPN}
    box = open_mailbox("o", {**base, "oauth": {"tenant": "contoso.onmicrosoft.com",
                                               "client_id": "app-1",
                                               "client_secret": {"env": "X"}}},
                       Path("."), source="site.toml")
    assert isinstance(box, GraphMailbox) and isinstance(box._token, ClientCredentials)
    assert box._token.authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    assert box._token.scope == "https://graph.microsoft.com/.default"
    assert "X" not in repr(box._token).replace("ClientCredentials", "")
    static = open_mailbox("o", {**base, "oauth": {"token": {"env": "T"}}}, Path("."))
    assert isinstance(static, GraphMailbox) and isinstance(static._token, StaticToken)
    with pytest.raises(ConfigError, match=r"site.toml: mailboxes.o.oauth.client_secret: "
                                          "secrets are never values"):
        open_mailbox("o", {**base, "oauth": {"tenant": "t", "client_id": "c",
                                             "client_secret": "plain"}},
                     Path("."), source="site.toml")
    with pytest.raises(ConfigError, match=r"mailboxes.o.oauth.tenant: give tenant or authority"):
        open_mailbox("o", {**base, "oauth": {"client_id": "c"}}, Path("."), source="site.toml")
    assert StaticToken(Secret.literal("abc")).token() == "abc"
