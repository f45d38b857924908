"""A loopback stand-in for the Microsoft Graph mail endpoints the mailbox backend uses.

Serves ``/v1.0/users/{user}/mailFolders/...`` and ``/messages/...`` as JSON
shaped like Graph's documented responses: message lists paged with
``@odata.nextLink``, ``$value`` (MIME bytes), child folders (find, create)
and ``move`` (answering 201 with the moved message and its new id). Records
every request; can be told to fail the next calls with a status and headers.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Message:
    folder: str
    subject: str
    sender: str
    received: str
    mime: bytes


@dataclass
class FakeGraph:
    user: str
    token: str
    page_size: int = 2
    base: str = ""  # the server's URL, set once it runs (for nextLink)
    folders: dict[str, tuple[str, str | None]] = field(
        default_factory=lambda: {"inbox-id": ("inbox", None)})
    messages: dict[str, Message] = field(default_factory=dict)
    fail_next: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def deliver(self, subject: str, sender: str, received: str, mime: bytes) -> str:
        message_id = f"AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A-immutable-{next(self._ids)}"
        self.messages[message_id] = Message("inbox-id", subject, sender, received, mime)
        return message_id

    def in_folder(self, name: str) -> list[Message]:
        fid = next(k for k, (n, _) in self.folders.items() if n == name)
        return [m for m in self.messages.values() if m.folder == fid]

    def __call__(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) -> Reply:
        if self.fail_next:
            status, headers = self.fail_next.pop(0)
            return self._json(status, {"error": {"code": "TooManyRequests" if status == 429
                                                 else "ServiceUnavailable",
                                                 "message": "Please retry."}}, headers)
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json(401, {"error": {"code": "InvalidAuthenticationToken",
                                              "message": "Access token validation failure."}})
        url = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        prefix = f"/v1.0/users/{self.user}"
        assert url.path.startswith(prefix), url.path
        path = url.path[len(prefix):]
        for pattern, route in self._routes():
            match = re.fullmatch(pattern, path)
            if match and route[0] == method:
                return route[1](*map(unquote, match.groups()), query=query, body=body)
        return self._json(404, {"error": {"code": "ErrorItemNotFound", "message": path}})

    def _routes(self) -> list[tuple[str, tuple[str, object]]]:
        return [
            (r"/mailFolders/([^/]+)", ("GET", self._folder)),
            (r"/mailFolders/([^/]+)/messages", ("GET", self._list)),
            (r"/mailFolders/([^/]+)/childFolders", ("GET", self._children)),
            (r"/mailFolders/([^/]+)/childFolders", ("POST", self._create)),
            (r"/messages/([^/]+)/\$value", ("GET", self._value)),
            (r"/messages/([^/]+)/move", ("POST", self._move)),
        ]

    @staticmethod
    def _json(status: int, payload: object, headers: dict[str, str] | None = None) -> Reply:
        return status, {"Content-Type": "application/json", **(headers or {})}, \
            json.dumps(payload).encode()

    def _fid(self, name_or_id: str) -> str:
        return next((k for k, (n, _) in self.folders.items() if name_or_id in (k, n)),
                    name_or_id)

    def _folder(self, folder: str, **_: object) -> Reply:
        fid = self._fid(folder)
        if fid not in self.folders:
            return self._json(404, {"error": {"code": "ErrorInvalidIdMalformed",
                                              "message": "Id is malformed."}})
        return self._json(200, {"id": fid, "displayName": self.folders[fid][0]})

    def _list(self, folder: str, query: dict[str, str], **_: object) -> Reply:
        fid = self._fid(folder)
        top = int(query.get("$top", self.page_size))
        skip = int(query.get("$skip", 0))
        rows = sorted((m.received, mid) for mid, m in self.messages.items() if m.folder == fid)
        page = rows[skip:skip + min(top, self.page_size)]
        payload: dict[str, object] = {"value": [
            {"id": mid, "subject": self.messages[mid].subject, "receivedDateTime": received,
             "from": {"emailAddress": {"name": "Payer", "address": self.messages[mid].sender}}}
            for received, mid in page]}
        if skip + len(page) < len(rows):
            payload["@odata.nextLink"] = (f"{self.base}/v1.0/users/{self.user}/mailFolders/"
                                          f"{folder}/messages?$top={top}&$skip={skip + len(page)}")
        return self._json(200, payload)

    def _children(self, folder: str, query: dict[str, str], **_: object) -> Reply:
        parent = self._fid(folder)
        wanted = re.fullmatch(r"displayName eq '(.*)'", query.get("$filter", ""))
        found = [{"id": k, "displayName": n} for k, (n, p) in self.folders.items()
                 if p == parent and (not wanted or n == wanted[1].replace("''", "'"))]
        return self._json(200, {"value": found})

    def _create(self, folder: str, body: bytes, **_: object) -> Reply:
        fid = f"folder-{next(self._ids)}"
        self.folders[fid] = (json.loads(body)["displayName"], self._fid(folder))
        return self._json(201, {"id": fid, "displayName": self.folders[fid][0]})

    def _value(self, message_id: str, **_: object) -> Reply:
        if message_id not in self.messages:
            return self._json(404, {"error": {"code": "ErrorItemNotFound",
                                              "message": "The specified object was not found "
                                                         "in the store."}})
        return 200, {"Content-Type": "text/plain"}, self.messages[message_id].mime

    def _move(self, message_id: str, body: bytes, **_: object) -> Reply:
        message = self.messages.pop(message_id)
        message.folder = json.loads(body)["destinationId"]
        new_id = f"{message_id}-moved"
        self.messages[new_id] = message
        return self._json(201, {"id": new_id, "subject": message.subject})
