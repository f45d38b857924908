"""On-premises Exchange mailboxes through EWS (exchangelib).

For Exchange Server in the customer's data centre; Exchange Online blocks EWS
from October 2026, use ``kind = "graph"`` there. The endpoint, the server
version and the credentials are explicit, so exchangelib never autodiscovers
or guesses and talks only to ``service_endpoint``::

    [mailboxes.onprem]
    kind = "ews"
    service_endpoint = "https://mail.example.com/EWS/Exchange.asmx"
    address = "remittances@example.com"     # the mailbox (primary SMTP address)
    user = "EXAMPLE\\svc-arbots"            # login (domain\\user or UPN)
    password = { env = "ARBOTS_EWS_PASSWORD" }
    auth = "ntlm"                            # ntlm | basic
    version = "2016"                         # 2010 | 2013 | 2016 (2019 answers as 2016)
    folder = "inbox"                         # inbox, or a child folder name of the inbox
    processed = "processed"                  # child folders of the inbox, created when missing
    exceptions = "exceptions"
    page_size = 100                          # items per FindItem page

How: ``list_new`` is FindItem on the folder (exchangelib pages through the
view; subject and date only, the sender would cost a GetItem), ``fetch`` is
GetItem of ``item:MimeContent`` (the base64 MIME the server keeps, decoded),
``move`` is MoveItem and returns the new ItemId (EWS ids change when an item
moves). exchangelib's own retry policy is set to ``FailFast``; ours retries
``ErrorServerBusy`` (honouring its back-off), 5xx and connection errors; an
unauthorized answer is an auth error, never retried.

Limits: no impersonation/OAuth wiring (exchangelib supports both; add when a
site needs them); a folder name is looked up as a direct child of the inbox.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bots.config import Secret
from bots.email.base import (
    Destination,
    Mailbox,
    MailboxAuthError,
    MailboxError,
    MessageRef,
    TransientError,
    register,
    required_secret,
)
from bots.email.retry import DEFAULT_POLICIES, policy_from_settings, retried
from bots.retry import RetryPolicy

if TYPE_CHECKING:
    from bots.config import _Section

T = TypeVar("T")
VERSIONS = ("2010", "2013", "2016")


@register
class EwsMailbox(Mailbox):
    """The inbox (or one child of it) of an on-premises Exchange mailbox."""

    kind = "ews"
    requires = ("exchangelib",)

    def __init__(self, name: str, *, service_endpoint: str, address: str, user: str,
                 password: Secret, auth: str = "ntlm", version: str = "2016",
                 folder: str = "inbox", processed: str = "processed",
                 exceptions: str = "exceptions", page_size: int = 100, timeout: int = 60,
                 retry: RetryPolicy = DEFAULT_POLICIES["ews"]) -> None:
        super().__init__(name)
        self.service_endpoint, self.address, self.user = service_endpoint, address, user
        self._password, self.auth, self.version = password, auth, version
        self.folder = folder
        self.folder_names: dict[Destination, str] = {"processed": processed,
                                                     "exceptions": exceptions}
        self.page_size, self.timeout, self.retry = page_size, timeout, retry
        self._account: Any = None
        self._watched: Any = None
        self._folders: dict[Destination, Any] = {}

    @classmethod
    def from_settings(cls, name: str, section: _Section, home: Path) -> EwsMailbox:
        box = cls(name, service_endpoint=section.text("service_endpoint"),
                  address=section.text("address"), user=section.text("user"),
                  password=required_secret(section, "password"),
                  auth=section.text("auth", "ntlm", choices=("ntlm", "basic")),
                  version=section.text("version", "2016", choices=VERSIONS),
                  folder=section.text("folder", "inbox"),
                  processed=section.text("processed", "processed"),
                  exceptions=section.text("exceptions", "exceptions"),
                  page_size=section.integer("page_size", 100, minimum=1),
                  timeout=section.integer("timeout", 60, minimum=1),
                  retry=policy_from_settings(section, "ews"))
        section.check_unknown()
        return box

    # ------------------------------------------------------------------ connection

    def connect(self) -> None:
        """Build the account and find the watched folder (GetFolder, FindFolder)."""
        self._call("connect", lambda: None)

    def _open(self) -> None:
        from exchangelib import (
            DELEGATE,
            UTC,
            Account,
            Build,
            Configuration,
            Credentials,
            FailFast,
            Version,
        )
        from exchangelib.transport import BASIC, NTLM

        builds = {"2010": Build(14, 3), "2013": Build(15, 0), "2016": Build(15, 1)}
        config = Configuration(
            service_endpoint=self.service_endpoint,
            credentials=Credentials(self.user, self._password.reveal()),
            auth_type=NTLM if self.auth == "ntlm" else BASIC,
            version=Version(build=builds[self.version]), retry_policy=FailFast())
        account = Account(self.address, config=config, autodiscover=False,
                          access_type=DELEGATE, default_timezone=UTC)
        account.protocol.TIMEOUT = self.timeout
        inbox = account.inbox
        self._watched = inbox if self.folder.lower() == "inbox" else inbox // self.folder
        self._account = account

    def close(self) -> None:
        if self._account is not None:
            self._account.protocol.close()
        self._account, self._watched, self._folders = None, None, {}

    def _call(self, what: str, operation: Callable[[], T]) -> T:
        label = f"mailbox {self.name}: {what}"

        def attempt() -> T:
            with self._translated(label):
                if self._watched is None:
                    self._open()
                return operation()

        return retried(self.retry, attempt, label)

    @contextmanager
    def _translated(self, label: str) -> Iterator[None]:
        """exchangelib's errors as ours: which are worth a retry, which are final."""
        from exchangelib import errors as ews
        from requests.exceptions import ConnectionError, Timeout

        transient_answers = (ews.ErrorTimeoutExpired, ews.ErrorInternalServerTransientError,
                             ews.ErrorTooManyObjectsOpened, ews.ErrorMailboxStoreUnavailable,
                             ews.ErrorMailboxMoveInProgress, ews.ErrorConnectionFailed)
        try:
            yield
        except MailboxError:
            raise
        except ews.UnauthorizedError:
            raise MailboxAuthError(f"{label}: {self.service_endpoint} refused the login of "
                                   f"{self.user}") from None
        except ews.ErrorServerBusy as exc:
            raise TransientError(f"{label}: server busy: {exc}", exc.back_off) from None
        except ews.RateLimitError as exc:
            raise TransientError(f"{label}: throttled", exc.wait) from None
        except transient_answers as exc:
            raise TransientError(f"{label}: {type(exc).__name__}: {exc}") from None
        except (ews.ResponseMessageError, ews.RedirectError) as exc:  # the server's final word
            raise MailboxError(f"{label}: {type(exc).__name__}: {exc}") from None
        except (ews.TransportError, ConnectionError, Timeout) as exc:  # 5xx, resets
            raise TransientError(f"{label}: {type(exc).__name__}: {exc}") from None
        except ews.EWSError as exc:
            raise MailboxError(f"{label}: {type(exc).__name__}: {exc}") from None

    # ------------------------------------------------------------------ contract

    def list_new(self) -> list[MessageRef]:
        def find() -> list[MessageRef]:
            # subject and date come with FindItem; the sender (a complex field) would
            # cost one GetItem per page, so it is left out
            items = self._watched.all().only("id", "changekey", "subject", "datetime_received") \
                .order_by("datetime_received")
            items.page_size = self.page_size
            return [self._ref(item) for item in items]

        return self._call("list", find)

    def _ref(self, item: Any) -> MessageRef:
        return MessageRef(self.name, item.id, subject=item.subject, date=item.datetime_received)

    def fetch(self, ref: MessageRef) -> bytes:
        def get() -> bytes:
            (item,) = list(self._account.fetch(ids=[(ref.id, None)], only_fields=["mime_content"]))
            if isinstance(item, Exception):
                raise item
            mime = item.mime_content
            return mime if isinstance(mime, bytes) else base64.b64decode(mime)

        return self._call(f"fetch {ref.id}", get)

    def move(self, ref: MessageRef, to: Destination) -> str | None:
        """MoveItem into the processed/exceptions folder; returns the new ItemId."""
        self._check_destination(to)

        def relocate() -> str | None:
            (result,) = self._account.bulk_move(ids=[(ref.id, None)],
                                                to_folder=self._destination(to))
            if isinstance(result, Exception):
                raise result
            return result[0] if isinstance(result, tuple) else None

        return self._call(f"move {ref.id} to {to}", relocate)

    def _destination(self, to: Destination) -> Any:
        """The processed/exceptions child folder of the inbox, created when missing."""
        if to not in self._folders:
            from exchangelib import Folder
            from exchangelib.errors import ErrorFolderNotFound
            from exchangelib.services import CreateFolder

            name = self.folder_names[to]
            inbox = self._account.inbox
            try:
                self._folders[to] = inbox // name
            except ErrorFolderNotFound:
                # CreateFolder directly: Folder.save() would load the whole folder tree
                self._folders[to] = CreateFolder(account=self._account).get(
                    parent_folder=inbox, folders=[Folder(root=inbox.root, name=name)])
        return self._folders[to]

