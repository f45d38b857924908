"""Configuration: one TOML file, validated where it is built.

``load_config(None)`` gives the embedded default (``config/demo.toml``): every
bot runs against the sandbox. ``load_config(path)`` reads a real landscape (see
``config/example.toml``).

Every error is a :class:`ConfigError` naming the file, the key and what is
wrong::

    config/site.toml: sap.client: expected a 3-digit string, got '1000'

Secrets are never values in the file, only references::

    passwd = { env = "ARBOTS_SAP_PASSWORD" }
    passwd = { keyring = "arbots-sap/RFC_USER" }   # service/username

and resolve through :class:`Secret`, whose ``repr`` and ``str`` never show the
value. Relative paths are resolved against ``ARBOTS_HOME`` (default: the
current directory) so that the demo writes under ``./var``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "config" / "demo.toml"


class ConfigError(ValueError):
    """A configuration file is missing, malformed or names a bad value."""


class Secret:
    """A reference to a secret in the environment or the OS keyring.

    The value is read only when :meth:`reveal` is called, and never printed.
    """

    def __init__(self, *, env: str | None = None, keyring: str | None = None,
                 literal: str | None = None, where: str = "secret") -> None:
        if sum(x is not None for x in (env, keyring, literal)) != 1:
            raise ValueError("a secret names exactly one of env or keyring")
        self.env, self.keyring, self._literal = env, keyring, literal
        self.where = where  # "<file>: <key>", for errors

    @classmethod
    def literal(cls, value: str) -> Secret:
        """A secret known in code (sandbox defaults, tests); still never printed."""
        return cls(literal=value)

    def reveal(self) -> str:
        """The secret's value; raises ConfigError naming the file and key when it is not set."""
        if self._literal is not None:
            return self._literal
        if self.env is not None:
            value = os.environ.get(self.env)
            if value is None:
                raise ConfigError(f'{self.where} = {{ env = "{self.env}" }}: environment '
                                  f"variable {self.env} is not set")
            return value
        where = f'{self.where} = {{ keyring = "{self.keyring}" }}'
        try:
            import keyring as kr  # optional backend, imported only when used
        except ImportError:
            raise ConfigError(f"{where}: the keyring module is not installed "
                              "(pip install keyring), or use { env = \"VAR\" }") from None
        service, _, user = (self.keyring or "").partition("/")
        try:
            value = kr.get_password(service, user)
        except Exception as exc:  # noqa: BLE001 - any backend failure, named without secrets
            raise ConfigError(f"{where}: the keyring cannot be read ({type(exc).__name__})") \
                from None
        if value is None:
            raise ConfigError(f"{where}: no keyring entry for service {service!r}, "
                              f"user {user!r}")
        return value

    def __repr__(self) -> str:
        where = f"env:{self.env}" if self.env else f"keyring:{self.keyring}" if self.keyring \
            else "literal"
        return f"Secret({where}, ***)"

    __str__ = __repr__


# --------------------------------------------------------------------------- reader


class _Section:
    """Reads typed values out of one TOML table, naming file and key on error."""

    def __init__(self, source: str, prefix: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: {prefix}: expected a table")
        self.source, self.prefix, self.data = source, prefix, data
        self.seen: set[str] = set()

    def _fail(self, key: str, why: str) -> ConfigError:
        return ConfigError(f"{self.source}: {self.prefix}.{key}: {why}")

    def get(self, key: str, kind: type, default: Any = ..., choices: tuple = ()) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if default is ...:
                raise self._fail(key, "is required")
            return default
        value = self.data[key]
        if kind is float:
            raise TypeError("no float settings: money and thresholds are Decimal or int")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self._fail(key, f"expected {kind.__name__}, got {value!r}")
        if choices and value not in choices:
            raise self._fail(key, f"expected one of {', '.join(map(str, choices))}, "
                                  f"got {value!r}")
        return value

    def text(self, key: str, default: Any = ..., choices: tuple = ()) -> str:
        return self.get(key, str, default, choices)

    def integer(self, key: str, default: Any = ..., minimum: int | None = None) -> int:
        value = self.get(key, int, default)
        if minimum is not None and value is not None and value < minimum:
            raise self._fail(key, f"must be at least {minimum}, got {value}")
        return value

    def decimal(self, key: str, default: str) -> Any:
        from decimal import Decimal, InvalidOperation

        self.seen.add(key)
        raw = self.data.get(key, default)
        if isinstance(raw, float):
            raise self._fail(key, f"write money and ratios as strings (\"{raw}\"), "
                                  "floats lose cents")
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            raise self._fail(key, f"not a decimal number: {raw!r}") from None

    def flag(self, key: str, default: bool) -> bool:
        return self.get(key, bool, default)

    def strings(self, key: str, default: list[str] | None = None) -> list[str]:
        value = self.get(key, list, default if default is not None else [])
        if not all(isinstance(v, str) for v in value):
            raise self._fail(key, "expected a list of strings")
        return value

    def secret(self, key: str, default: Any = ...) -> Secret | None:
        self.seen.add(key)
        if key not in self.data:
            if default is ...:
                raise self._fail(key, "is required")
            return default
        value = self.data[key]
        if isinstance(value, str):
            raise self._fail(key, "secrets are never values in a config file; write "
                                  "{ env = \"VAR\" } or { keyring = \"service/user\" }")
        if not isinstance(value, dict) or set(value) - {"env", "keyring"} or len(value) != 1:
            raise self._fail(key, "expected { env = \"VAR\" } or { keyring = \"service/user\" }")
        return Secret(**value, where=f"{self.source}: {self.prefix}.{key}")

    def path(self, key: str, home: Path, default: str, *, written: bool = False) -> Path:
        """A path; relative ones are below ``home``.

        ``written``: arbots writes there, so an absolute path's folder must
        exist. Nothing is created here; writers create folders lazily below
        these paths, and a system folder (``/var/lib/arbots``) is never created
        by arbots: it must be there, made by whoever installs the bots.
        """
        raw = Path(self.text(key, default)).expanduser()
        if not raw.is_absolute():
            return home / raw
        if written and not raw.parent.is_dir():
            raise self._fail(key, f"the folder {raw.parent} does not exist; create it (owned "
                                  "by the user the bots run as) or configure another path")
        return raw

    def table(self, key: str) -> _Section:
        self.seen.add(key)
        prefix = f"{self.prefix}.{key}" if self.prefix not in ("", "(top)") else key
        return _Section(self.source, prefix, self.data.get(key, {}))

    def check_unknown(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise self._fail(unknown[0], "unknown key (typo?)")


# --------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class S4Config:
    """``[sap.s4]``: the S/4HANA OData APIs (``sap.mode = "s4"``).

    No ``base_url``: the sandbox S/4 simulator, started on loopback over
    ``sap.sandbox_db`` with its own sandbox logons. ``auth`` is ``basic``
    (``user`` + ``password``), ``oauth`` (client credentials: ``client_id`` +
    ``client_secret`` at ``token_url``) or ``x509`` (a client certificate over
    https: ``client_cert`` + ``client_key`` PEM files); ``services`` overrides it
    per service (``API_BUSINESS_PARTNER = "basic"``), as each communication
    arrangement says. ``ca_file``: the CA bundle that signs the server's
    certificate, when it is not one the system trusts.
    """

    base_url: str | None
    auth: str
    user: str
    password: Secret | None
    client_id: str
    client_secret: Secret | None
    token_url: str
    services: dict[str, str]
    timeout_seconds: int
    sap_client: str  # the sap-client query parameter ('' to leave it out)
    client_cert: Path | None = None
    client_key: Path | None = None
    ca_file: Path | None = None

    def auth_of(self, service: str) -> str:
        """``basic`` or ``oauth``: how to log on to ``service``."""
        return self.services.get(service, self.auth)


@dataclass(frozen=True)
class SapConfig:
    """How to reach SAP: ``mode = "sandbox"`` (the simulator), ``"rfc"`` (pyrfc) or
    ``"s4"`` (S/4HANA OData APIs, ``[sap.s4]``)."""

    mode: str
    sandbox_db: Path
    connection: dict[str, str]  # ashost, sysnr, client, user, lang, ... (no secrets)
    passwd: Secret | None
    company_codes: tuple[str, ...]
    page_size: int
    functions: dict[str, str]  # logical name -> function module name
    retries: int
    note_text_object: str
    bank_account: str  # G/L account incoming payments are posted to (HKONT)
    reason_codes: dict[str, str]  # deduction reason as printed (upper case) -> RSTGR
    parallel_connections: int = 1  # RFC connections of one bulk read (open items)
    s4: S4Config | None = None  # mode "s4" only

    DEFAULT_FUNCTIONS = {
        "open_items": "BAPI_AR_ACC_GETOPENITEMS",
        "read_table": "RFC_READ_TABLE",
        "save_text": "Z_ARBOTS_SAVE_TEXT",
        "read_text": "Z_ARBOTS_READ_TEXT",
        "post_clearing": "Z_ARBOTS_POST_CLEARING",
        "reset_clearing": "Z_ARBOTS_RESET_CLEARING",
        "commit": "BAPI_TRANSACTION_COMMIT",
        "rollback": "BAPI_TRANSACTION_ROLLBACK",
    }


@dataclass(frozen=True)
class CollectionsConfig:
    cadence_days: int
    min_days_past_due: int
    outbox: Path
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: Secret | None
    smtp_implicit_tls: bool  # TLS from the first byte (port 465)
    smtp_starttls: bool  # STARTTLS required before anything else (port 587)
    smtp_allow_plaintext_auth: bool  # only with both off: send the password in clear
    smtp_ca_file: Path | None  # CA bundle to verify the server with (default: the system's)
    sender: str
    aging_buckets: tuple[int, ...]  # upper bounds in days past due, e.g. 0, 30, 60, 90
    promise_tolerance_pct: Decimal = Decimal(1)  # a promise paid short by this much is kept
    reminders_by: str = "arbots"  # "sap": SAP's dunning run (F150) sends them, arbots none
    reminder_templates: Path | None = None  # None: the shipped config/reminders/


@dataclass(frozen=True)
class ScheduleJob:
    name: str
    bots: tuple[str, ...]
    at: time | None  # daily at HH:MM
    every_days: int


@dataclass(frozen=True)
class EngineTls:
    """``[engine.tls]``: TLS to the Temporal server; paths to PEM files, never their contents.

    ``server_ca``: the CA that signed the server (default: the system's);
    ``client_cert`` and ``client_key`` together: mutual TLS; ``server_name``:
    the name the server's certificate must carry when it is not the address's host.
    """

    server_ca: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    server_name: str | None = None


@dataclass(frozen=True)
class QueueLimits:
    """``[engine.queues.<queue>]``: how much work one task queue takes on.

    ``max_concurrent``: activities at once on each worker of the queue;
    ``max_per_minute``: activities started per minute on the whole queue, all
    workers together (kept by the Temporal server), e.g. to spare SAP's dialog
    work processes or a portal's patience. None: no limit.
    """

    max_concurrent: int | None = None
    max_per_minute: int | None = None


@dataclass(frozen=True)
class EngineConfig:
    """What runs the bots: ``local`` (this process, :mod:`bots.runner`) or ``temporal``.

    ``ARBOTS_TEMPORAL=host:port`` in the environment selects ``temporal`` at
    that address whatever the file says (see :mod:`bots.engine`). ``tls``,
    ``queues`` and the schedule settings matter on Temporal only.
    """

    kind: str = "local"
    address: str = "127.0.0.1:7233"
    namespace: str = "default"
    task_queue_prefix: str = "arbots"
    heartbeat_seconds: int = 30  # a bot activity not heard of for this long is retried
    tls: EngineTls | None = None  # None: plain TCP (a server on loopback or a private network)
    queues: dict[str, QueueLimits] = field(default_factory=dict)  # queue -> its limits
    catchup_minutes: int = 60  # a scheduled run missed by less than this still starts
    time_zone: str = "UTC"  # IANA name: the zone of the [schedule] times on Temporal


ENGINE_ENV = "ARBOTS_TEMPORAL"


#: Default FSCM attribute ids of a dispute case (check them against your attribute profile).
DISPUTE_ATTRIBUTES = {"amount": "DISPUTED_AMOUNT", "currency": "DISPUTED_CURRENCY",
                      "reason": "REASON_CODE", "customer": "FIN_KUNNR"}


@dataclass(frozen=True)
class DisputesConfig:
    """``[disputes]``: FSCM dispute cases for the residuals cash application posts.

    Off (the default, no FSCM): the residual item with its reason code is the path.
    Which residuals open a case is the cash-application threshold table's
    ``dispute_min`` of the company code (:mod:`bots.cashapp.policy`).
    """

    enabled: bool = False
    case_type: str = "F_DM"
    attributes: dict[str, str] = field(default_factory=lambda: dict(DISPUTE_ATTRIBUTES))
    # FI-FSCM process integration on: SAP closes a case when its item is cleared and
    # arbots only reads the status. Off: arbots closes the case of a cleared residual.
    process_integration: bool = True
    # Statuses (STAT_ORDERNO) of the case type's status profile that end a case, and
    # the one arbots sets when it closes a case.
    final_statuses: tuple[str, ...] = ("30", "40", "50")
    close_status: str = "30"


@dataclass(frozen=True)
class CreditConfig:
    """``[credit]``: credit-blocked sales orders of customers who paid (ECC: VBUK/KNKK;
    S/4: API_SLS_DOC_WITH_CREDIT_BLOCK and API_CRDTMBUSINESSPARTNER).

    Off by default (it reads VBUK by credit status, which has no index in ECC).
    On, it lists the orders to release for approval; ``auto_release`` releases
    them through SAP's re-check (Z_ARBOTS_CREDIT_RELEASE; on S/4 the API's
    release, which re-checks). An order above
    ``release_max`` (credit control area currency) is never proposed.
    """

    enabled: bool = False
    auto_release: bool = False
    release_max: Decimal = Decimal(50000)
    credit_area: str = "1000"  # KKBER
    currency: str = "USD"  # the credit control area's currency (T014-WAERS)


@dataclass(frozen=True)
class Config:
    """The whole configuration; rooms read their own section."""

    source: str
    home: Path
    store_path: Path
    runs_dir: Path
    sap: SapConfig
    collections: CollectionsConfig
    schedule: tuple[ScheduleJob, ...]
    # Sections owned by other rooms, validated by them where they are built.
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    engine: EngineConfig = field(default_factory=EngineConfig)
    disputes: DisputesConfig = field(default_factory=DisputesConfig)
    credit: CreditConfig = field(default_factory=CreditConfig)
    # [store] url: a PostgreSQL store shared by several hosts ("": the SQLite file
    # store_path); its password is a secret reference, never part of the URL.
    store_url: str = ""
    store_password: Secret | None = None

    @property
    def store_name(self) -> str:
        """The run store for messages: the SQLite file or the URL (which has no password)."""
        return self.store_url or str(self.store_path)

    def store_target(self) -> Path | str:
        """Where the run store is, for :class:`bots.store.Store`: the SQLite file, or the
        PostgreSQL URL with the password (from the environment or the keyring) put in.
        Never print it: :attr:`store_name` is the printable form."""
        if not self.store_url:
            return self.store_path
        if self.store_password is None:
            return self.store_url
        parts = urlsplit(self.store_url)
        netloc = (f"{quote(parts.username or '', safe='')}:"
                  f"{quote(self.store_password.reveal(), safe='')}@"
                  f"{parts.netloc.rpartition('@')[2]}")
        return parts._replace(netloc=netloc).geturl()

    @property
    def cashapp_memory_path(self) -> Path:
        """The cash application's learned aliases and reference patterns, beside the
        run store's file (also when the store itself is on PostgreSQL)."""
        return self.store_path.with_name("cashapp-memory.sqlite")

    def has_store(self) -> bool:
        """True when the run store exists (a PostgreSQL store is taken to)."""
        return bool(self.store_url) or self.store_path.exists()

    @property
    def is_sandbox(self) -> bool:
        """Whether SAP is the embedded sandbox: the RFC simulator (mode ``sandbox``) or
        the S/4 simulator over the same data (mode ``s4`` without ``base_url``); then
        the reference portals stand in for sites without ``base_url`` and the world
        can be reset."""
        if self.sap.mode == "s4":
            return self.sap.s4 is not None and self.sap.s4.base_url is None
        return self.sap.mode == "sandbox"


def _sap(s: _Section, home: Path) -> SapConfig:
    mode = s.text("mode", "sandbox", choices=("sandbox", "rfc", "s4"))
    conn = s.table("connection")
    connection: dict[str, str] = {}
    for key in ("ashost", "sysnr", "client", "user", "lang", "mshost", "msserv", "sysid",
                "group", "saprouter", "snc_partnername", "snc_qop", "snc_myname", "snc_lib"):
        value = conn.text(key, None)
        if value is not None:
            connection[key] = value
    passwd = conn.secret("passwd", None)
    conn.check_unknown()
    if mode == "rfc":
        if "client" not in connection:
            raise ConfigError(f"{s.source}: sap.connection.client: is required for mode rfc")
        if not connection["client"].isdigit() or len(connection["client"]) != 3:
            raise ConfigError(f"{s.source}: sap.connection.client: expected a 3-digit "
                              f"string, got {connection['client']!r}")
        if not ({"ashost", "mshost"} & set(connection)):
            raise ConfigError(f"{s.source}: sap.connection.ashost: ashost or mshost is "
                              "required for mode rfc")
    fn = s.table("functions")
    functions = {k: fn.text(k, v) for k, v in SapConfig.DEFAULT_FUNCTIONS.items()}
    fn.check_unknown()
    codes = tuple(s.strings("company_codes", ["1000"]))
    for code in codes:
        if not (1 <= len(code) <= 4):
            raise ConfigError(f"{s.source}: sap.company_codes: {code!r} is not a company code "
                              "(1-4 characters)")
    posting = s.table("posting")
    codes_table = posting.table("reason_codes")
    reason_codes = {"DEFAULT": "Z99"}
    for reason, code in codes_table.data.items():
        if not isinstance(code, str) or not 1 <= len(code) <= 3:
            raise ConfigError(f"{s.source}: sap.posting.reason_codes.{reason}: expected a "
                              f"reason code of 1-3 characters (RSTGR), got {code!r}")
        reason_codes[reason.upper()] = code
        codes_table.seen.add(reason)
    bank_account = posting.text("bank_account", "113100")
    posting.check_unknown()
    cfg = SapConfig(
        mode=mode,
        sandbox_db=s.path("sandbox_db", home, "var/sandbox/sap.sqlite"),
        connection=connection,
        passwd=passwd,
        company_codes=codes,
        page_size=s.integer("page_size", 5000, minimum=1),
        functions=functions,
        retries=s.integer("retries", 3, minimum=0),
        parallel_connections=s.integer("parallel_connections", 1, minimum=1),
        note_text_object=s.text("note_text_object", "KNB1"),
        bank_account=bank_account,
        reason_codes=reason_codes,
        s4=_s4(s.table("s4"), home) if mode == "s4" or "s4" in s.data else None,
    )
    s.check_unknown()
    return cfg


def _s4(s: _Section, home: Path) -> S4Config:
    """``[sap.s4]``; the logon each service needs must be configured (with a base_url)."""
    kinds = ("basic", "oauth", "x509")
    base_url = s.text("base_url", None)
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise s._fail("base_url", f"expected an http(s) URL, got {base_url!r}")
    services_table = s.table("services")
    services = {name: services_table.text(name, choices=kinds) for name in services_table.data}
    cfg = S4Config(
        base_url=base_url.rstrip("/") if base_url else None,
        auth=s.text("auth", "basic", choices=kinds),
        user=s.text("user", ""),
        password=s.secret("password", None),
        client_id=s.text("client_id", ""),
        client_secret=s.secret("client_secret", None),
        token_url=s.text("token_url", f"{base_url.rstrip('/')}/oauth/token" if base_url else ""),
        services=services,
        timeout_seconds=s.integer("timeout_seconds", 60, minimum=1),
        sap_client=s.text("sap_client", ""),
        client_cert=s.path("client_cert", home, "") if "client_cert" in s.data else None,
        client_key=s.path("client_key", home, "") if "client_key" in s.data else None,
        ca_file=s.path("ca_file", home, "") if "ca_file" in s.data else None,
    )
    s.check_unknown()
    if base_url is not None:
        used = {cfg.auth, *services.values()}
        if "basic" in used and not (cfg.user and cfg.password):
            raise s._fail("user", "basic logon needs user and password "
                                  "(password = { env = \"VAR\" })")
        if "oauth" in used and not (cfg.client_id and cfg.client_secret and cfg.token_url):
            raise s._fail("client_id", "oauth logon needs client_id and client_secret "
                                       "(client_secret = { env = \"VAR\" })")
        if "x509" in used and not (cfg.client_cert and cfg.client_key):
            raise s._fail("client_cert", "x509 logon needs client_cert and client_key "
                                         "(PEM files)")
        if "x509" in used and not base_url.startswith("https://"):
            raise s._fail("base_url", "x509 logon needs an https:// base_url")
    return cfg


def _collections(s: _Section, home: Path) -> CollectionsConfig:
    smtp = s.table("smtp")
    port = smtp.integer("port", 587, minimum=1)
    implicit_tls = smtp.flag("implicit_tls", port == 465)
    starttls = smtp.flag("starttls", not implicit_tls)
    if implicit_tls and starttls:
        raise smtp._fail("starttls", "implicit_tls = true already encrypts the connection; "
                                     "set one of implicit_tls (port 465) or starttls (587)")
    plaintext_auth = smtp.flag("allow_plaintext_auth", False)
    user = smtp.text("user", "")
    if user and not (implicit_tls or starttls or plaintext_auth):
        raise smtp._fail("starttls", "false would send the password in clear; keep STARTTLS "
                                     "(or implicit_tls on port 465), or set "
                                     "allow_plaintext_auth = true on a trusted network only")
    buckets = s.get("aging_buckets", list, [0, 30, 60, 90])
    if not all(isinstance(b, int) for b in buckets) or buckets != sorted(buckets):
        raise ConfigError(f"{s.source}: collections.aging_buckets: expected ascending "
                          f"whole days, got {buckets!r}")
    cfg = CollectionsConfig(
        cadence_days=s.integer("cadence_days", 14, minimum=1),
        min_days_past_due=s.integer("min_days_past_due", 1, minimum=0),
        outbox=s.path("outbox", home, "var/outbox", written=True),
        smtp_host=smtp.text("host", ""),
        smtp_port=port,
        smtp_user=user,
        smtp_password=smtp.secret("password", None),
        smtp_implicit_tls=implicit_tls,
        smtp_starttls=starttls,
        smtp_allow_plaintext_auth=plaintext_auth,
        smtp_ca_file=smtp.path("ca_file", home, "") if "ca_file" in smtp.data else None,
        sender=s.text("sender", "ar@example.com"),
        aging_buckets=tuple(buckets),
        promise_tolerance_pct=s.decimal("promise_tolerance_pct", "1"),
        reminders_by=s.text("reminders_by", "arbots", choices=("arbots", "sap")),
        reminder_templates=(s.path("reminder_templates", home, "")
                            if "reminder_templates" in s.data else None),
    )
    if not 0 <= cfg.promise_tolerance_pct < 100:
        raise s._fail("promise_tolerance_pct", "expected a percentage from 0 to below 100, "
                                               f"got {cfg.promise_tolerance_pct}")
    smtp.check_unknown()
    s.check_unknown()
    return cfg


def _disputes(s: _Section) -> DisputesConfig:
    attributes = s.table("attributes")
    cfg = DisputesConfig(
        enabled=s.flag("enabled", False), case_type=s.text("case_type", "F_DM"),
        attributes={name: attributes.text(name, default)
                    for name, default in DISPUTE_ATTRIBUTES.items()},
        process_integration=s.flag("process_integration", True),
        final_statuses=tuple(s.strings("final_statuses", ["30", "40", "50"])),
        close_status=s.text("close_status", "30"))
    if not 1 <= len(cfg.case_type) <= 4:
        raise s._fail("case_type", f"an FSCM case type has 1-4 characters, got {cfg.case_type!r}")
    if cfg.close_status not in cfg.final_statuses:
        raise s._fail("close_status", f"{cfg.close_status!r} is not one of final_statuses "
                      f"{list(cfg.final_statuses)}")
    attributes.check_unknown()
    s.check_unknown()
    return cfg


def _credit(s: _Section) -> CreditConfig:
    cfg = CreditConfig(
        enabled=s.flag("enabled", False), auto_release=s.flag("auto_release", False),
        release_max=s.decimal("release_max", "50000"),
        credit_area=s.text("credit_area", "1000"), currency=s.text("currency", "USD"))
    if cfg.release_max < 0:
        raise s._fail("release_max", f"expected an amount of 0 or more, got {cfg.release_max}")
    if not 1 <= len(cfg.credit_area) <= 4:
        raise s._fail("credit_area", f"a credit control area has 1-4 characters, got "
                                     f"{cfg.credit_area!r}")
    s.check_unknown()
    return cfg


def _schedule(s: _Section) -> tuple[ScheduleJob, ...]:
    jobs = []
    for name in s.data:
        job = s.table(name)
        at_text = job.text("at", None)
        at = None
        if at_text is not None:
            try:
                hh, mm = at_text.split(":")
                at = time(int(hh), int(mm))
            except ValueError:
                raise ConfigError(f"{s.source}: schedule.{name}.at: expected HH:MM, "
                                  f"got {at_text!r}") from None
        bots = tuple(job.strings("bots", ["nightly"]))
        jobs.append(ScheduleJob(name=name, bots=bots, at=at,
                                every_days=job.integer("every_days", 1, minimum=1)))
        job.check_unknown()
    return tuple(jobs)


ENGINE_QUEUES = ("sap", "browser", "mail", "flow")  # bots.engine.plan.QUEUES


def _engine(s: _Section, home: Path) -> EngineConfig:
    default = EngineConfig()
    cfg = EngineConfig(
        kind=s.text("kind", default.kind, choices=("local", "temporal")),
        address=s.text("address", default.address),
        namespace=s.text("namespace", default.namespace),
        task_queue_prefix=s.text("task_queue_prefix", default.task_queue_prefix),
        heartbeat_seconds=s.integer("heartbeat_seconds", default.heartbeat_seconds, minimum=1),
        tls=_engine_tls(s.table("tls"), home) if "tls" in s.data else None,
        queues=_engine_queues(s.table("queues")),
        catchup_minutes=s.integer("catchup_minutes", default.catchup_minutes, minimum=1),
        time_zone=_time_zone(s, "time_zone", default.time_zone))
    s.check_unknown()
    address = os.environ.get(ENGINE_ENV)
    if address is not None:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"environment {ENGINE_ENV}: expected host:port, got {address!r}")
        cfg = replace(cfg, kind="temporal", address=address)
    return cfg


def _engine_tls(s: _Section, home: Path) -> EngineTls:
    files = {}
    for key in ("server_ca", "client_cert", "client_key"):
        path = s.path(key, home, "") if key in s.data else None
        if path is not None and not path.is_file():
            raise s._fail(key, f"no such file: {path}")
        files[key] = path
    if (files["client_cert"] is None) != (files["client_key"] is None):
        raise s._fail("client_cert" if files["client_cert"] is None else "client_key",
                      "client_cert and client_key go together (mutual TLS)")
    tls = EngineTls(**files, server_name=s.text("server_name", None))
    s.check_unknown()
    return tls


def _engine_queues(s: _Section) -> dict[str, QueueLimits]:
    limits = {}
    for queue in s.data:
        if queue not in ENGINE_QUEUES:
            raise s._fail(queue, f"unknown task queue; expected one of {', '.join(ENGINE_QUEUES)}")
        q = s.table(queue)
        limits[queue] = QueueLimits(max_concurrent=q.integer("max_concurrent", None, minimum=1),
                                    max_per_minute=q.integer("max_per_minute", None, minimum=1))
        q.check_unknown()
    return limits


def _time_zone(s: _Section, key: str, default: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = s.text(key, default)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise s._fail(key, f"unknown time zone {name!r} (an IANA name, e.g. Europe/Berlin)"
                      ) from None
    return name


ROOM_SECTIONS = ("cashapp", "mailboxes", "portals", "remittance", "intake", "einvoice",
                 "console")


def _store_url(store: _Section) -> str:
    """``[store] url``: "" (the SQLite file ``path``), or a PostgreSQL URL without password."""
    url = store.text("url", "")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgresql+psycopg") or not parts.hostname \
            or not parts.path.strip("/"):
        raise store._fail("url", "expected postgresql://user@host:port/database (SQLite: "
                                 "leave url out and set path)")
    if parts.password is not None:
        raise store._fail("url", "secrets are never values in a config file; take the "
                                 "password out of the URL and write store.password = "
                                 "{ env = \"VAR\" } or { keyring = \"service/user\" }")
    return url


def load_config(path: str | Path | None = None, *, home: Path | None = None) -> Config:
    """Read and validate ``path`` (the embedded demo configuration when None)."""
    file = Path(path) if path is not None else DEMO_CONFIG
    source = str(path) if path is not None else "config/demo.toml"
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{source}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    home = home or Path(os.environ.get("ARBOTS_HOME", ".")).resolve()
    if not home.is_dir():
        raise ConfigError(f"ARBOTS_HOME: the folder {home} does not exist (relative paths of "
                          f"{source} are below it)")
    top = _Section(source, "", data)
    top.prefix = "(top)"
    store = top.table("store")
    cfg = Config(
        source=source,
        home=home,
        store_path=store.path("path", home, "var/arbots.sqlite", written=True),
        runs_dir=store.path("runs_dir", home, "var/runs", written=True),
        sap=_sap(top.table("sap"), home),
        collections=_collections(top.table("collections"), home),
        schedule=_schedule(top.table("schedule")),
        raw={k: data.get(k, {}) for k in ROOM_SECTIONS},
        engine=_engine(top.table("engine"), home),
        disputes=_disputes(top.table("disputes")),
        credit=_credit(top.table("credit")),
        store_url=_store_url(store),
        store_password=store.secret("password", None),
    )
    if cfg.store_password is not None and not cfg.store_url:
        raise ConfigError(f"{source}: store.password: only a store.url (PostgreSQL) takes "
                          "a password")
    store.check_unknown()
    top.seen.update(ROOM_SECTIONS)
    top.prefix = ""
    unknown = sorted(set(data) - top.seen)
    if unknown:
        raise ConfigError(f"{source}: {unknown[0]}: unknown section (typo?)")
    return cfg
