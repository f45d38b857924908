"""The ``[portals]`` configuration section, validated where it is built.

::

    [portals]
    state_dir = "var/portals/state"      # saved sessions (cookies!): never commit, chmod 700
    sandbox_dir = "var/sandbox/portals"  # reference portals' SQLite files
    max_contexts = 4                     # browser contexts open at once, all portals
    attempts = 3                         # per invoice, technical failures only
    backoff_ms = 1000                    # first wait between attempts, doubling
    keep_artifacts = false               # keep traces/screenshots of successes too
    submit_within_days = 2               # nightly run: invoices dated at most 2 days ago
    tax_rate = "10"                      # nightly run: SAP gross split into net + tax
    supplier_vat_id = "DE811907980"      # our VAT ID, for buyers who require it

    [portals.sites.coupa-acme]           # one supplier account on one portal
    family = "coupa"                     # coupa | ariba | taulia
    base_url = "https://acme.coupahost.com"   # omit in sandbox mode: the reference portal
    user = "ar@example.com"
    password = { env = "ARBOTS_COUPA_ACME_PASSWORD" }
    totp_secret = { keyring = "arbots-portals/coupa-acme" }   # when the portal asks codes
    rate_per_minute = 20                 # 0 = no limit
    contexts = 2                         # parallel contexts for this site
    timeout_ms = 15000                   # Playwright's default wait for this site
    submit_paid = false                  # nightly: submit invoices paid meanwhile too

    [portals.sites.ariba-globex]         # a buyer taking cXML InvoiceDetailRequest
    family = "cxml"
    base_url = "https://service.ariba.com/service/transaction/cxml.asp"
    from_identity = "AN01000000001"      # our network ID (Sender too, unless sender_identity)
    to_identity = "AN01000000002"        # the buyer's
    shared_secret = { keyring = "arbots-portals/ariba-globex" }
    # from_domain / to_domain = "NetworkID", deployment = "production" | "test",
    # tax_category = "vat" (cXML TaxDetail category; "sales" for US sales tax)
    # status_updates = "pull": each run asks the buyer for its later decisions
    #   (GetPendingRequest for StatusUpdateRequests); "none" (default; the sandbox pulls)

    [portals.customers]                  # which site takes which customer's invoices
    "0000100042" = "coupa-acme"

With no sites at all in sandbox mode, the three reference portals are
configured (``coupa-sandbox``, ``ariba-sandbox``, ``taulia-sandbox``). A site
without ``base_url`` is allowed only in sandbox mode (a ``cxml`` one then posts
to the reference portals' cXML endpoint with the sandbox's identities). Errors name the file
and the key (``site.toml: portals.sites.acme.family: expected one of ...``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from bots.config import Config, ConfigError, Secret, _Section
from bots.portals.cxml import Identities
from bots.portals.recipes import RECIPES

CXML = "cxml"
SANDBOX_SITES = {f"{family}-sandbox": family for family in ("coupa", "ariba", "taulia")}


@dataclass(frozen=True)
class PortalSite:
    """One supplier account on one customer portal."""

    name: str
    family: str
    base_url: str | None  # None: the reference portal (sandbox)
    user: str
    password: Secret | None
    totp_secret: Secret | None = None
    rate_per_minute: int = 0
    contexts: int = 1
    timeout_ms: int = 15000
    submit_paid: bool = False  # the buyer wants invoices even when already paid
    # family "cxml": base_url is the buyer's cXML endpoint; password and TOTP unused
    shared_secret: Secret | None = None
    cxml: Identities | None = None
    tax_category: str = "vat"  # cXML TaxDetail@category: vat | sales | gst ...
    status_updates: str = "none"  # cXML: "pull" asks the buyer for its later decisions

    @property
    def is_cxml(self) -> bool:
        """Whether invoices go to this site as cXML (no browser)."""
        return self.family == CXML

    def at(self, base_url: str, user: str, password: Secret,
           totp_secret: Secret | None) -> PortalSite:
        """This site pointed at ``base_url`` with those credentials (sandbox wiring)."""
        return replace(self, base_url=base_url, user=user, password=password,
                       totp_secret=totp_secret)

    def at_cxml(self, url: str, who: Identities, shared_secret: Secret) -> PortalSite:
        """This cXML site pointed at ``url`` with those identities (sandbox wiring)."""
        return replace(self, base_url=url, cxml=who, shared_secret=shared_secret)


@dataclass(frozen=True)
class PortalsConfig:
    sites: dict[str, PortalSite]
    customers: dict[str, str]  # customer number -> site name
    state_dir: Path
    sandbox_dir: Path
    max_contexts: int
    attempts: int
    backoff_ms: int
    keep_artifacts: bool
    submit_within_days: int = 2  # nightly: invoices dated at most this many days ago
    tax_rate: Decimal = Decimal("10")  # nightly: the gross of an SAP invoice split at it
    supplier_vat_id: str = ""  # our VAT registration, asked by EU buyers' portals

    def site_for(self, customer: str) -> PortalSite | None:
        name = self.customers.get(customer)
        return self.sites.get(name) if name else None


def _cxml_site(s: _Section, name: str, base_url: str | None) -> PortalSite:
    """A ``family = "cxml"`` site: endpoint, identities and the shared secret."""
    real = base_url is not None
    from_identity = s.text("from_identity", ... if real else "")
    who = Identities(
        from_identity=from_identity, to_identity=s.text("to_identity", ... if real else ""),
        sender_identity=s.text("sender_identity", from_identity),
        from_domain=s.text("from_domain", "NetworkID"),
        to_domain=s.text("to_domain", "NetworkID"),
        deployment=s.text("deployment", "production", choices=("production", "test")))
    site = PortalSite(
        name=name, family=CXML, base_url=base_url.rstrip("/") if base_url else None,
        user="", password=None, shared_secret=s.secret("shared_secret", ... if real else None),
        cxml=who if real else None, timeout_ms=s.integer("timeout_ms", 15000, minimum=100),
        submit_paid=s.flag("submit_paid", False), tax_category=s.text("tax_category", "vat"),
        status_updates=s.text("status_updates", "none" if real else "pull",
                              choices=("pull", "none")))
    s.check_unknown()
    return site


def _site(s: _Section, name: str, sandbox: bool) -> PortalSite:
    base_url = s.text("base_url", None)
    if base_url is None and not sandbox:
        raise ConfigError(f"{s.source}: {s.prefix}.base_url: is required outside sandbox mode")
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise ConfigError(f"{s.source}: {s.prefix}.base_url: expected an http(s) URL, "
                          f"got {base_url!r}")
    family = s.text("family", choices=(*RECIPES, CXML))
    if family == CXML:
        return _cxml_site(s, name, base_url)
    site = PortalSite(
        name=name,
        family=family,
        base_url=base_url.rstrip("/") if base_url else None,
        user=s.text("user", "" if base_url is None else ...),
        password=s.secret("password", None if base_url is None else ...),
        totp_secret=s.secret("totp_secret", None),
        rate_per_minute=s.integer("rate_per_minute", 0, minimum=0),
        contexts=s.integer("contexts", 1, minimum=1),
        timeout_ms=s.integer("timeout_ms", 15000, minimum=100),
        submit_paid=s.flag("submit_paid", False),
    )
    s.check_unknown()
    return site


def portals_config(cfg: Config) -> PortalsConfig:
    """Read and check ``[portals]`` of ``cfg`` (raises ConfigError naming file and key)."""
    s = _Section(cfg.source, "portals", cfg.raw.get("portals", {}))
    sites_table = s.table("sites")
    sites = {name: _site(sites_table.table(name), name, cfg.is_sandbox)
             for name in sites_table.data}
    if not sites and cfg.is_sandbox:
        sites = {name: PortalSite(name, family, None, "", None)
                 for name, family in SANDBOX_SITES.items()}
    customers_table = s.table("customers")
    customers = {}
    for customer in customers_table.data:
        site = customers_table.text(customer)
        if site not in sites:
            raise ConfigError(f"{cfg.source}: portals.customers.{customer}: no site named "
                              f"{site!r} in [portals.sites]")
        customers[customer] = site
    result = PortalsConfig(
        sites=sites, customers=customers,
        state_dir=s.path("state_dir", cfg.home, "var/portals/state"),
        sandbox_dir=s.path("sandbox_dir", cfg.home, "var/sandbox/portals"),
        max_contexts=s.integer("max_contexts", 4, minimum=1),
        attempts=s.integer("attempts", 3, minimum=1),
        backoff_ms=s.integer("backoff_ms", 1000, minimum=0),
        keep_artifacts=s.flag("keep_artifacts", False),
        submit_within_days=s.integer("submit_within_days", 2, minimum=0),
        tax_rate=s.decimal("tax_rate", "10"),
        supplier_vat_id=s.text("supplier_vat_id", ""),
    )
    s.check_unknown()
    return result
