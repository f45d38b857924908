"""The cash-application policy: when a match may post unattended, and how.

A :class:`Policy` is a validated dataclass; a wrong value raises
:class:`~bots.config.ConfigError` naming the key. It is built from the
``[cashapp]`` table of the configuration file with :func:`policy_from_config`,
or from ``key=value`` strings (the ``--policy`` option of ``arbots match``) with
:func:`policy_from_options`. Amounts and ratios are written as strings, never
TOML floats::

    [cashapp]
    auto_threshold = "0.90"          # confidence needed for `auto`
    max_auto_amount = "250000.00"    # largest payment line posted unattended
    discount_grace_days = 3          # discount still accepted this many days late
    auto_amount_only = true          # a unique amount match without reference may auto-post
    max_combination_items = 4        # most open items one payment may combine
    max_search_items = 60            # most open items of a payer and its group searched for sums
    search_budget = 20000            # subsets enumerated per payment before giving up (review)
    learn_min_confirmations = 2      # confirmations before a learned pattern counts
    # the threshold table (defaults of every company code):
    write_off_max = "5.00"           # largest unexplained difference written off ...
    write_off_max_pct = "0.5"        # ... and at most this percent of the item
    auto_residual_max = "10000.00"   # largest residual item (deduction) posted unattended
    dispute_min = "25000.00"         # a residual from this amount is a dispute: review, or
                                     # posted with a dispute case when [disputes] enabled
    short_within_tolerance = "write_off"  # or "residual": a short pay within write_off_max
    short_pay = "partial"            # or "residual": an unexplained short pay above it
    auto_deductions = true           # a deduction (stated, or a late discount) may auto-post
    auto_partial = true              # a partial payment on a sure reference may auto-post
    auto_on_account = true           # cash put on account (surplus, unsure lines) may auto-post

    [cashapp.company_codes."2000"]   # one company code differs: any key of the table
    write_off_max = "0"
    auto_on_account = false

    [cashapp.reason_synonyms]        # more payer words per reason key (bots/cashapp/reasons.py)
    DAMAGED = ["kaputt", "zerbrochen"]

``writeoff_limit`` and ``writeoff_pct`` are the old names of ``write_off_max``
and ``write_off_max_pct`` and are still read. Money keys are in major units of
the payment currency; give a table to differ per currency, with ``default`` for
the rest::

    max_auto_amount = { default = "250000.00", JPY = "30000000" }

Defaults: ``max_auto_amount`` 250,000.00 (30,000,000 JPY, 300,000,000 KRW),
``write_off_max`` 5.00 (500 JPY, 5,000 KRW), ``auto_residual_max`` 10,000.00
(1,500,000 JPY, 15,000,000 KRW), ``dispute_min`` 25,000.00 (3,750,000 JPY,
37,500,000 KRW).

The SAP reason codes themselves are not cash-application configuration: they
come from ``[sap.posting.reason_codes]``, passed as ``reason_codes`` to
:func:`policy_from_config`.

Limits: the policy says *when* the engine may say `auto` and which treatment
a difference gets; the rules in :mod:`bots.cashapp.rules` say *what* matches.
A tolerance never lets a fuzzy reference through on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from bots.config import ConfigError
from bots.domain import to_minor

_DECIMALS = ("auto_threshold", "write_off_max_pct")
_MONEY = ("max_auto_amount", "write_off_max", "auto_residual_max", "dispute_min")
_FLAGS = ("auto_deductions", "auto_on_account", "auto_amount_only", "auto_partial")
_CHOICES = {"short_within_tolerance": ("write_off", "residual"),
            "short_pay": ("partial", "residual")}
_INTS = ("discount_grace_days", "max_combination_items", "max_search_items", "search_budget",
         "learn_min_confirmations")
_OLD_NAMES = {"writeoff_limit": "write_off_max", "writeoff_pct": "write_off_max_pct"}


def _money_default(default: str, jpy: str, krw: str) -> dict[str, Decimal]:
    return {"default": Decimal(default), "JPY": Decimal(jpy), "KRW": Decimal(krw)}


@dataclass(frozen=True)
class Limits:
    """The threshold table of one company code (see the module docstring)."""

    write_off_max: dict[str, Decimal] = field(
        default_factory=lambda: _money_default("5.00", "500", "5000"))
    write_off_max_pct: Decimal = Decimal("0.5")
    auto_residual_max: dict[str, Decimal] = field(
        default_factory=lambda: _money_default("10000.00", "1500000", "15000000"))
    dispute_min: dict[str, Decimal] = field(
        default_factory=lambda: _money_default("25000.00", "3750000", "37500000"))
    short_within_tolerance: str = "write_off"
    short_pay: str = "partial"
    auto_deductions: bool = True
    auto_partial: bool = True
    auto_on_account: bool = True
    dispute_cases: bool = False  # not a key: set from [disputes] enabled (with_dispute_cases)
    source: str = "policy"  # where the table came from, for error messages

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.write_off_max_pct <= Decimal(100):
            self._fail("write_off_max_pct", f"must be a percent 0-100, got "
                                            f"{self.write_off_max_pct}")
        for name in ("write_off_max", "auto_residual_max", "dispute_min"):
            _check_money(self._fail, name, getattr(self, name))
        for name, choices in _CHOICES.items():
            if getattr(self, name) not in choices:
                self._fail(name, f"must be one of {', '.join(choices)}, got "
                                 f"{getattr(self, name)!r}")

    def _fail(self, key: str, why: str) -> None:
        raise ConfigError(f"{self.source}.{key}: {why}")

    def _minor(self, name: str, currency: str) -> int:
        cache: dict[tuple[str, str], int] = self.__dict__.setdefault("_minor_cache", {})
        value = cache.get((name, currency))
        if value is None:
            table = getattr(self, name)
            value = cache[(name, currency)] = to_minor(table.get(currency, table["default"]),
                                                       currency)
        return value

    def write_off_cap(self, currency: str) -> int:
        """``write_off_max`` of ``currency`` in minor units."""
        return self._minor("write_off_max", currency)

    def write_off_minor(self, currency: str, item_minor: int) -> int:
        """Largest difference written off on an item of ``item_minor`` (minor units)."""
        by_pct = abs(item_minor) * int(self.write_off_max_pct * 1000) // 100_000
        return min(self.write_off_cap(currency), by_pct)

    def residual_cap(self, currency: str) -> int:
        """``auto_residual_max`` of ``currency`` in minor units."""
        return self._minor("auto_residual_max", currency)

    def dispute_floor(self, currency: str) -> int:
        """``dispute_min`` of ``currency`` in minor units."""
        return self._minor("dispute_min", currency)


_LIMIT_KEYS = frozenset(f.name for f in fields(Limits) if f.init) - {"source", "dispute_cases"}


def _check_money(fail: Any, name: str, table: dict[str, Decimal]) -> None:
    if "default" not in table:
        fail(name, "needs a `default` entry")
    for currency, value in table.items():
        if value < 0:
            fail(name, f"{currency} must not be negative, got {value}")


@dataclass(frozen=True)
class Policy:
    """Thresholds and switches of cash application (see the module docstring)."""

    auto_threshold: Decimal = Decimal("0.90")
    max_auto_amount: dict[str, Decimal] = field(
        default_factory=lambda: _money_default("250000.00", "30000000", "300000000"))
    discount_grace_days: int = 3
    auto_amount_only: bool = True
    max_combination_items: int = 4
    max_search_items: int = 60
    search_budget: int = 20000
    learn_min_confirmations: int = 2
    limits: Limits = field(default_factory=Limits)  # of every company code not listed below
    company_codes: dict[str, Limits] = field(default_factory=dict)
    reason_codes: dict[str, str] = field(
        default_factory=lambda: {"DEFAULT": "Z99"})  # as [sap.posting.reason_codes] defaults
    reason_synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "policy"  # where the values came from, for error messages

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.auto_threshold <= Decimal(1):
            self._fail("auto_threshold", f"must be between 0 and 1, got {self.auto_threshold}")
        _check_money(self._fail, "max_auto_amount", self.max_auto_amount)
        minimums = {"discount_grace_days": 0, "max_combination_items": 1,
                    "max_search_items": 1, "search_budget": 1, "learn_min_confirmations": 1}
        for name, low in minimums.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                self._fail(name, f"must be a whole number of at least {low}, got {value!r}")
        if self.max_combination_items > 8:
            self._fail("max_combination_items", "at most 8 (the search grows exponentially)")

    def _fail(self, key: str, why: str) -> None:
        raise ConfigError(f"{self.source}: cashapp.{key}: {why}")

    def for_company(self, company_code: str) -> Limits:
        """The threshold table of ``company_code`` (the default one when not listed)."""
        return self.company_codes.get(company_code, self.limits)

    def with_dispute_cases(self) -> Policy:
        """This policy where a residual from ``dispute_min`` on posts and opens a
        dispute case (``[disputes] enabled``) instead of waiting for review."""
        return replace(self, limits=replace(self.limits, dispute_cases=True),
                       company_codes={code: replace(limits, dispute_cases=True)
                                      for code, limits in self.company_codes.items()})

    def max_auto_minor(self, currency: str) -> int:
        """Largest auto-posted amount in minor units of ``currency``."""
        cache: dict[str, int] = self.__dict__.setdefault("_max_cache", {})
        value = cache.get(currency)
        if value is None:
            table = self.max_auto_amount
            value = cache[currency] = to_minor(table.get(currency, table["default"]), currency)
        return value


def _decimal(source: str, key: str, raw: Any) -> Decimal:
    if isinstance(raw, float):
        raise ConfigError(f"{source}: cashapp.{key}: write money and ratios as strings "
                          f"(\"{raw}\"), floats lose cents")
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ConfigError(f"{source}: cashapp.{key}: expected a decimal string, got {raw!r}")
    try:
        return Decimal(str(raw).strip())
    except InvalidOperation:
        raise ConfigError(f"{source}: cashapp.{key}: not a decimal number: {raw!r}") from None


def _money(source: str, key: str, raw: Any) -> dict[str, Decimal]:
    if isinstance(raw, dict):
        return {cur.upper() if cur != "default" else cur: _decimal(source, f"{key}.{cur}", v)
                for cur, v in raw.items()}
    return {"default": _decimal(source, key, raw)}


def _value(source: str, key: str, raw: Any) -> Any:
    """One configuration value of ``key``, checked for its kind."""
    name = _OLD_NAMES.get(key.rpartition(".")[2], key.rpartition(".")[2])
    if name in _DECIMALS:
        return _decimal(source, key, raw)
    if name in _MONEY:
        return _money(source, key, raw)
    if name in _FLAGS:
        if not isinstance(raw, bool):
            raise ConfigError(f"{source}: cashapp.{key}: expected true or false, got {raw!r}")
        return raw
    if name in _CHOICES:
        if raw not in _CHOICES[name]:
            raise ConfigError(f"{source}: cashapp.{key}: expected one of "
                              f"{', '.join(_CHOICES[name])}, got {raw!r}")
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ConfigError(f"{source}: cashapp.{key}: expected a whole number, got {raw!r}")
    return raw


def _limits(source: str, prefix: str, table: dict[str, Any], base: Limits) -> Limits:
    values = {}
    for key, raw in table.items():
        name = _OLD_NAMES.get(key, key)
        if name not in _LIMIT_KEYS:
            raise ConfigError(f"{source}: cashapp.{prefix}{key}: unknown key (typo?)")
        values[name] = _value(source, prefix + key, raw)
    where = f"{source}: cashapp.{prefix}".rstrip(".")
    return replace(base, source=where, **values)


def policy_from_config(section: dict[str, Any] | None, source: str = "config",
                       reason_codes: dict[str, str] | None = None) -> Policy:
    """The policy from a ``[cashapp]`` TOML table (``Config.raw["cashapp"]``).

    ``reason_codes`` is ``[sap.posting.reason_codes]`` (``Config.sap.reason_codes``).
    """
    if not isinstance(section or {}, dict):
        raise ConfigError(f"{source}: cashapp: expected a table")
    section = dict(section or {})
    per_company = section.pop("company_codes", {})
    synonyms = section.pop("reason_synonyms", {})
    if not isinstance(per_company, dict) or not isinstance(synonyms, dict):
        raise ConfigError(f"{source}: cashapp.company_codes and cashapp.reason_synonyms: "
                          "expected tables")
    known = {f.name for f in fields(Policy) if f.init} - {
        "source", "limits", "company_codes", "reason_codes", "reason_synonyms"}
    values: dict[str, Any] = {}
    limit_table = {}
    for key, raw in section.items():
        if _OLD_NAMES.get(key, key) in _LIMIT_KEYS:
            limit_table[key] = raw
        elif key in known:
            values[key] = _value(source, key, raw)
        else:
            raise ConfigError(f"{source}: cashapp.{key}: unknown key (typo?)")
    limits = _limits(source, "", limit_table, Limits())
    companies = {}
    for code, table in per_company.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: cashapp.company_codes.{code}: expected a table")
        companies[str(code)] = _limits(source, f"company_codes.{code}.", table, limits)
    words = {}
    for key, phrases in synonyms.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ConfigError(f"{source}: cashapp.reason_synonyms.{key}: expected a list of "
                              "strings")
        words[key.upper()] = tuple(phrases)
    codes = {k.upper(): v for k, v in (reason_codes or {"DEFAULT": "Z99"}).items()}
    return Policy(source=source, limits=limits, company_codes=companies, reason_codes=codes,
                  reason_synonyms=words, **values)


def policy_from_options(options: list[str], base: dict[str, Any] | None = None,
                        source: str = "--policy",
                        reason_codes: dict[str, str] | None = None) -> Policy:
    """The policy from ``key=value`` strings laid over ``base`` (a ``[cashapp]`` table).

    ``company_codes.2000.write_off_max=0`` sets one key of one company code.
    """
    section: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v)
                               for k, v in (base or {}).items()}
    for option in options:
        key, sep, text = option.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key:
            raise ConfigError(f"{source}: expected key=value, got {option!r}")
        target, name = section, key
        if key.startswith("company_codes."):
            _, code, name = key.split(".", 2) if key.count(".") >= 2 else (key, "", "")
            if not code or not name:
                raise ConfigError(f"{source}: expected company_codes.<code>.<key>=value, "
                                  f"got {option!r}")
            companies = section.setdefault("company_codes", {})
            target = companies.setdefault(code, {})
        if name in _FLAGS:
            if text.lower() not in ("true", "false"):
                raise ConfigError(f"{source}: cashapp.{key}: expected true or false, "
                                  f"got {text!r}")
            target[name] = text.lower() == "true"
        elif name in _INTS:
            if not text.lstrip("-").isdigit():
                raise ConfigError(f"{source}: cashapp.{key}: expected a whole number, "
                                  f"got {text!r}")
            target[name] = int(text)
        else:
            target[name] = text
    return policy_from_config(section, source, reason_codes)
