"""Exchange Online mailboxes through Microsoft Graph (app-only, MSAL client credentials).

The replacement for EWS in Exchange Online (EWS is blocked there from
October 2026). Needs the application permission ``Mail.ReadWrite`` with admin
consent, ideally scoped to the remittance mailbox with Exchange RBAC::

    [mailboxes.online]
    kind = "graph"
    user = "remittances@contoso.com"    # the mailbox (UPN or id)
    folder = "inbox"                    # well-known name or folder id
    processed = "processed"             # child folders of `folder`, created when missing
    exceptions = "exceptions"
    filter = "hasAttachments eq true"   # optional OData $filter
    # graph_url = "https://graph.microsoft.com/v1.0"
    # ca_bundle = "/etc/ssl/corp-proxy.pem"
    [mailboxes.online.oauth]
    tenant = "contoso.onmicrosoft.com"
    client_id = "..."
    client_secret = { env = "ARBOTS_GRAPH_SECRET" }

How: every call carries ``Prefer: IdType="ImmutableId"``, so a message keeps
its id when it moves and the id serves as idempotency key. ``list_new`` pages
through ``GET /users/{user}/mailFolders/{folder}/messages`` following
``@odata.nextLink``; ``fetch`` is ``GET .../messages/{id}/$value`` (the MIME
bytes); ``move`` is ``POST .../messages/{id}/move {"destinationId": ...}`` and
returns the id Graph gives the moved message. Technical failures (connection
errors, timeouts, 429 and 5xx with their ``Retry-After``) are retried by the
policy; 401/403 are auth errors, never retried. A move retried after a lost
answer moves the same (immutable) id to the same folder again, which is harmless.

Limits: messages larger than Graph's ``$value`` limits are not special-cased;
no delta queries (the watched folder is listed whole, which suits a folder
that the bots empty).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from bots.email.base import (
    Destination,
    Mailbox,
    MailboxAuthError,
    MailboxError,
    MessageRef,
    TransientError,
    register,
)
from bots.email.oauth import GRAPH_SCOPE, TokenProvider, http_session, token_provider_from_settings
from bots.email.retry import DEFAULT_POLICIES, policy_from_settings, retried
from bots.retry import RetryPolicy

if TYPE_CHECKING:
    import requests

    from bots.config import _Section

GRAPH_URL = "https://graph.microsoft.com/v1.0"
PREFER = 'IdType="ImmutableId"'
_RETRYABLE = {429, 500, 502, 503, 504}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@register
class GraphMailbox(Mailbox):
    """One folder of an Exchange Online mailbox, through Microsoft Graph."""

    kind = "graph"
    requires = ("requests",)

    def __init__(self, name: str, *, user: str, token: TokenProvider, folder: str = "inbox",
                 processed: str = "processed", exceptions: str = "exceptions",
                 filter: str | None = None, page_size: int = 50, graph_url: str = GRAPH_URL,
                 timeout: int = 30, retry: RetryPolicy = DEFAULT_POLICIES["graph"],
                 session: requests.Session | None = None) -> None:
        super().__init__(name)
        self.user, self._token, self.folder = user, token, folder
        self.folder_names: dict[Destination, str] = {"processed": processed,
                                                     "exceptions": exceptions}
        self.filter, self.page_size, self.timeout, self.retry = filter, page_size, timeout, retry
        self.base = f"{graph_url.rstrip('/')}/users/{quote(user, safe='@')}"
        self._session = session if session is not None else http_session()
        self._folder_ids: dict[Destination, str] = {}

    @classmethod
    def from_settings(cls, name: str, section: _Section, home: Path) -> GraphMailbox:
        ca_bundle = section.text("ca_bundle", None)
        session = http_session(None if ca_bundle is None
                               else str(section.path("ca_bundle", home, ca_bundle)))
        box = cls(name, user=section.text("user"),
                  token=token_provider_from_settings(section.table("oauth"), GRAPH_SCOPE,
                                                     http_client=session),
                  folder=section.text("folder", "inbox"),
                  processed=section.text("processed", "processed"),
                  exceptions=section.text("exceptions", "exceptions"),
                  filter=section.text("filter", None),
                  page_size=section.integer("page_size", 50, minimum=1),
                  graph_url=section.text("graph_url", GRAPH_URL),
                  timeout=section.integer("timeout", 30, minimum=1),
                  retry=policy_from_settings(section, "graph"), session=session)
        section.check_unknown()
        return box

    # ------------------------------------------------------------------ HTTP

    def connect(self) -> None:
        """Check the token and that the watched folder exists."""
        self._call("GET", f"{self.base}/mailFolders/{quote(self.folder, safe='')}",
                   what="open folder", params={"$select": "id"})

    def _call(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        label = f"mailbox {self.name}: {what}"
        return retried(self.retry, lambda: self._send(method, url, label, **kwargs), label)

    def _send(self, method: str, url: str, label: str, **kwargs: Any) -> requests.Response:
        import requests

        headers = {"Authorization": f"Bearer {self._token.token()}", "Prefer": PREFER}
        try:
            response = self._session.request(method, url, headers=headers,
                                             timeout=self.timeout, **kwargs)
        except requests.exceptions.SSLError:
            raise MailboxError(f"{label}: TLS failure talking to {url.split('/users/')[0]} "
                               "(certificate not trusted? see ca_bundle)") from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientError(f"{label}: {type(exc).__name__} talking to "
                                 f"{url.split('/users/')[0]}") from None
        if response.status_code < 400:
            return response
        reason = f"{label}: HTTP {response.status_code} {_graph_error(response)}"
        if response.status_code in _RETRYABLE:
            raise TransientError(reason, _retry_after(response))
        if response.status_code in (401, 403):
            raise MailboxAuthError(reason)
        raise MailboxError(reason)

    # ------------------------------------------------------------------ contract

    def list_new(self) -> list[MessageRef]:
        """All messages of the folder, oldest first (sorted here: Graph refuses
        ``$orderby`` on a property that ``$filter`` does not name)."""
        query = {"$select": "id,subject,from,receivedDateTime", "$top": str(self.page_size)}
        if self.filter:
            query["$filter"] = self.filter
        params: dict[str, str] | None = query
        url: str | None = f"{self.base}/mailFolders/{quote(self.folder, safe='')}/messages"
        refs: list[MessageRef] = []
        while url:
            page = self._call("GET", url, what="list", params=params).json()
            refs.extend(self._ref(item) for item in page.get("value", []))
            url, params = page.get("@odata.nextLink"), None  # the link carries the query
        refs.sort(key=lambda ref: ref.date or _EPOCH)
        return refs

    def _ref(self, item: dict[str, Any]) -> MessageRef:
        sender = (item.get("from") or {}).get("emailAddress") or {}
        name, address = sender.get("name"), sender.get("address")
        received = item.get("receivedDateTime")
        return MessageRef(
            self.name, item["id"], subject=item.get("subject"),
            sender=f"{name} <{address}>" if name and address else address or name,
            date=datetime.fromisoformat(received.replace("Z", "+00:00")) if received else None)

    def fetch(self, ref: MessageRef) -> bytes:
        return self._call("GET", f"{self.base}/messages/{quote(ref.id, safe='')}/$value",
                          what=f"fetch {ref.id}").content

    def move(self, ref: MessageRef, to: Destination) -> str | None:
        """Move into the processed/exceptions child folder; returns Graph's id of the moved copy."""
        destination = self._folder_id(self._check_destination(to))
        moved = self._call("POST", f"{self.base}/messages/{quote(ref.id, safe='')}/move",
                           what=f"move {ref.id} to {to}", json={"destinationId": destination})
        return moved.json().get("id")

    def _folder_id(self, to: Destination) -> str:
        """The id of a child folder of the watched folder, created when missing."""
        if to not in self._folder_ids:
            name = self.folder_names[to]
            children = f"{self.base}/mailFolders/{quote(self.folder, safe='')}/childFolders"
            escaped = name.replace("'", "''")
            found = self._call("GET", children, what=f"find folder {name}",
                               params={"$filter": f"displayName eq '{escaped}'"}).json()
            if found.get("value"):
                self._folder_ids[to] = found["value"][0]["id"]
            else:
                created = self._call("POST", children, what=f"create folder {name}",
                                     json={"displayName": name}).json()
                self._folder_ids[to] = created["id"]
        return self._folder_ids[to]

    def close(self) -> None:
        """Close pooled connections (the session can still be used again)."""
        self._session.close()


def _graph_error(response: requests.Response) -> str:
    """Graph's own words: ``{"error": {"code": ..., "message": ...}}`` when present."""
    try:
        error = response.json().get("error") or {}
        return f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    except ValueError:
        return response.reason or ""


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None
