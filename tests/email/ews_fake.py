"""A loopback stand-in for an Exchange EWS endpoint, enough for the mailbox backend.

Answers GetFolder, FindFolder, CreateFolder, FindItem (indexed paging),
GetItem (MimeContent) and MoveItem with SOAP shaped like Microsoft's published
samples (../shared/samples/MicrosoftDocs__office-developer-exchange-docs),
checks HTTP Basic credentials, and can be told to fail the next N calls.
"""

from __future__ import annotations

import base64
import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from xml.sax.saxutils import escape

S = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
E = "http://schemas.microsoft.com/exchange/services/2006/errors"

ENVELOPE = f"""<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="{S}">
  <s:Header>
    <h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507"
        MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="{T}" xmlns="{T}" />
  </s:Header>
  <s:Body>
    <m:{{op}}Response xmlns:m="{M}" xmlns:t="{T}">
      <m:ResponseMessages>{{messages}}</m:ResponseMessages>
    </m:{{op}}Response>
  </s:Body>
</s:Envelope>"""

SERVER_BUSY = f"""<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="{S}"><s:Body><s:Fault>
  <faultcode xmlns:a="{T}">a:ErrorServerBusy</faultcode>
  <faultstring xml:lang="en-US">The server cannot service this request right now.</faultstring>
  <detail><e:ResponseCode xmlns:e="{E}">ErrorServerBusy</e:ResponseCode>
    <e:Message xmlns:e="{E}">The server cannot service this request right now.</e:Message>
    <t:MessageXml xmlns:t="{T}"><t:Value Name="BackOffMilliseconds">3000</t:Value></t:MessageXml>
  </detail></s:Fault></s:Body></s:Envelope>"""


@dataclass
class Item:
    folder: str
    subject: str
    sender: str
    received: str
    mime: bytes


@dataclass
class FakeExchange:
    user: str
    password: str
    folders: dict[str, tuple[str, str | None]] = field(default_factory=lambda: {
        "root-id": ("root", None), "inbox-id": ("Inbox", "root-id")})
    items: dict[str, Item] = field(default_factory=dict)
    operations: list[str] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)  # HTTP status per upcoming call
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def deliver(self, subject: str, sender: str, received: str, mime: bytes) -> str:
        item_id = f"AAMkAGM2-item-{next(self._ids)}="
        self.items[item_id] = Item("inbox-id", subject, sender, received, mime)
        return item_id

    def in_folder(self, name: str) -> list[Item]:
        fid = next(k for k, (n, _) in self.folders.items() if n == name)
        return [item for item in self.items.values() if item.folder == fid]

    # ------------------------------------------------------------------ HTTP

    def __call__(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) \
            -> tuple[int, dict[str, str], bytes]:
        expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        if handler.headers.get("Authorization") != f"Basic {expected}":
            return 401, {"WWW-Authenticate": 'Basic realm="ews"'}, b""
        request = ET.fromstring(body).find(f"{{{S}}}Body")
        assert request is not None
        operation = request[0]
        op = operation.tag.split("}")[1]
        self.operations.append(op)
        if self.fail_next:
            status = self.fail_next.pop(0)
            payload = SERVER_BUSY.encode() if status == 500 else b""
            return status, {"Content-Type": "text/xml; charset=utf-8"}, payload
        messages = getattr(self, f"_{op}")(operation)
        xml = ENVELOPE.format(op=op, messages=messages)
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, xml.encode()

    # ------------------------------------------------------------------ operations

    def _folder_id(self, elem: ET.Element) -> str:
        if elem.tag == f"{{{T}}}DistinguishedFolderId":
            name = elem.get("Id")
            found = [k for k, (n, _) in self.folders.items() if n.lower() == name]
            assert found, f"fake EWS knows no distinguished folder {name!r}"
            return found[0]
        return str(elem.get("Id"))

    def _folder_xml(self, fid: str) -> str:
        name, parent = self.folders[fid]
        parent_xml = f'<t:ParentFolderId Id="{parent}" ChangeKey="AQ=="/>' if parent else ""
        count = sum(1 for item in self.items.values() if item.folder == fid)
        children = sum(1 for _, p in self.folders.values() if p == fid)
        return (f'<t:Folder><t:FolderId Id="{fid}" ChangeKey="AQ=="/>{parent_xml}'
                f"<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>{name}</t:DisplayName>"
                f"<t:TotalCount>{count}</t:TotalCount><t:ChildFolderCount>{children}"
                f"</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount></t:Folder>")

    @staticmethod
    def _ok(op: str, inner: str) -> str:
        return (f'<m:{op}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError'
                f"</m:ResponseCode>{inner}</m:{op}ResponseMessage>")

    def _GetFolder(self, operation: ET.Element) -> str:
        ids = operation.find(f"{{{M}}}FolderIds")
        assert ids is not None
        return "".join(self._ok("GetFolder", f"<m:Folders>{self._folder_xml(self._folder_id(e))}"
                                             "</m:Folders>") for e in ids)

    def _FindFolder(self, operation: ET.Element) -> str:
        parents = operation.find(f"{{{M}}}ParentFolderIds")
        assert parents is not None
        parent = self._folder_id(parents[0])
        wanted = operation.find(f".//{{{T}}}Constant")
        found = [fid for fid, (name, p) in self.folders.items() if p == parent
                 and (wanted is None or name.lower() == str(wanted.get("Value")).lower())]
        folders = "".join(self._folder_xml(fid) for fid in found)
        return self._ok("FindFolder", f'<m:RootFolder TotalItemsInView="{len(found)}" '
                                      f'IncludesLastItemInRange="true"><t:Folders>{folders}'
                                      "</t:Folders></m:RootFolder>")

    def _CreateFolder(self, operation: ET.Element) -> str:
        parent = operation.find(f"{{{M}}}ParentFolderId")
        name = operation.find(f".//{{{T}}}DisplayName")
        assert parent is not None and name is not None
        fid = f"folder-{next(self._ids)}"
        self.folders[fid] = (str(name.text), self._folder_id(parent[0]))
        return self._ok("CreateFolder", f'<m:Folders><t:Folder><t:FolderId Id="{fid}" '
                                        'ChangeKey="AQ=="/></t:Folder></m:Folders>')

    def _FindItem(self, operation: ET.Element) -> str:
        parents = operation.find(f"{{{M}}}ParentFolderIds")
        view = operation.find(f"{{{M}}}IndexedPageItemView")
        assert parents is not None and view is not None
        fid = self._folder_id(parents[0])
        matching = sorted((item.received, iid) for iid, item in self.items.items()
                          if item.folder == fid)
        offset, size = int(view.get("Offset", 0)), int(view.get("MaxEntriesReturned", 100))
        page = matching[offset:offset + size]
        messages = "".join(
            f'<t:Message><t:ItemId Id="{iid}" ChangeKey="CQAAABYA"/>'
            f"<t:Subject>{escape(self.items[iid].subject)}</t:Subject>"
            f"<t:Sender><t:Mailbox><t:Name>Payer</t:Name><t:EmailAddress>"
            f"{self.items[iid].sender}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType>"
            f"</t:Mailbox></t:Sender><t:DateTimeReceived>{received}</t:DateTimeReceived>"
            "</t:Message>" for received, iid in page)
        last = "true" if offset + len(page) >= len(matching) else "false"
        return self._ok("FindItem", f'<m:RootFolder IndexedPagingOffset="{offset + len(page)}" '
                                    f'TotalItemsInView="{len(matching)}" '
                                    f'IncludesLastItemInRange="{last}"><t:Items>{messages}'
                                    "</t:Items></m:RootFolder>")

    def _GetItem(self, operation: ET.Element) -> str:
        out = []
        for elem in operation.iter(f"{{{T}}}ItemId"):
            iid = str(elem.get("Id"))
            if iid not in self.items:
                out.append('<m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>'
                           "The specified object was not found in the store.</m:MessageText>"
                           "<m:ResponseCode>ErrorItemNotFound</m:ResponseCode>"
                           "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/>"
                           "</m:GetItemResponseMessage>")
                continue
            mime = base64.b64encode(self.items[iid].mime).decode()
            out.append(self._ok("GetItem", f'<m:Items><t:Message><t:MimeContent '
                                           f'CharacterSet="UTF-8">{mime}</t:MimeContent>'
                                           f'<t:ItemId Id="{iid}" ChangeKey="CQAAABYA"/>'
                                           "</t:Message></m:Items>"))
        return "".join(out)

    def _MoveItem(self, operation: ET.Element) -> str:
        target = operation.find(f"{{{M}}}ToFolderId")
        assert target is not None
        fid = self._folder_id(target[0])
        out = []
        for elem in operation.iter(f"{{{T}}}ItemId"):
            item = self.items.pop(str(elem.get("Id")))
            item.folder = fid
            new_id = f"AAMkAGM2-moved-{next(self._ids)}="
            self.items[new_id] = item
            out.append(self._ok("MoveItem", f'<m:Items><t:Message><t:ItemId Id="{new_id}" '
                                            'ChangeKey="FwAAABY"/></t:Message></m:Items>'))
        return "".join(out)
