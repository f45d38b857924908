"""The cash-application policy: when a match may post unattended.

A :class:`Policy` is a validated dataclass; a wrong value raises
:class:`~bots.config.ConfigError` naming the key. It is built from the
``[cashapp]`` table of the configuration file with :func:`policy_from_config`,
or from ``key=value`` strings (the ``--policy`` option of ``arbots match``) with
:func:`policy_from_options`. Amounts and ratios are written as strings, never
TOML floats::

    [cashapp]
    auto_threshold = "0.90"          # confidence needed for `auto`
    max_auto_amount = "250000.00"    # largest payment line posted unattended
    writeoff_limit = "5.00"          # largest difference written off ...
    writeoff_pct = "0.5"             # ... and at most this percent of the item
    discount_grace_days = 3          # discount still accepted this many days late
    auto_deductions = true           # a stated deduction with a reason may auto-post
    auto_on_account = false          # an overpayment (excess on account) may auto-post
    auto_amount_only = true          # a unique amount match without reference may auto-post
    max_combination_items = 4        # most open items one payment may combine
    max_search_items = 40            # most open items of a customer searched for sums
    search_budget = 20000            # subsets enumerated per payment before giving up (review)
    learn_min_confirmations = 2      # confirmations before a learned pattern counts

``max_auto_amount`` and ``writeoff_limit`` are in major units of the payment
currency; give a table to differ per currency, with ``default`` for the rest::

    max_auto_amount = { default = "250000.00", JPY = "30000000" }

Without the keys, ``max_auto_amount`` is 250,000.00 (30,000,000 JPY,
300,000,000 KRW) and ``writeoff_limit`` 5.00 (500 JPY, 5,000 KRW).

Limits: the policy says *when* the engine may say `auto`; the rules in
:mod:`bots.cashapp.rules` say *what* matches. A tolerance never lets a fuzzy
reference through on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from bots.config import ConfigError
from bots.domain import to_minor

_DECIMALS = ("auto_threshold", "writeoff_pct")
_MONEY = ("max_auto_amount", "writeoff_limit")
_FLAGS = ("auto_deductions", "auto_on_account", "auto_amount_only")
_INTS = ("discount_grace_days", "max_combination_items", "max_search_items", "search_budget",
         "learn_min_confirmations")


@dataclass(frozen=True)
class Policy:
    """Thresholds and switches of cash application (see the module docstring)."""

    auto_threshold: Decimal = Decimal("0.90")
    max_auto_amount: dict[str, Decimal] = field(
        default_factory=lambda: {"default": Decimal("250000.00"), "JPY": Decimal("30000000"),
                                 "KRW": Decimal("300000000")})
    writeoff_limit: dict[str, Decimal] = field(
        default_factory=lambda: {"default": Decimal("5.00"), "JPY": Decimal("500"),
                                 "KRW": Decimal("5000")})
    writeoff_pct: Decimal = Decimal("0.5")
    discount_grace_days: int = 3
    auto_deductions: bool = True
    auto_on_account: bool = False
    auto_amount_only: bool = True
    max_combination_items: int = 4
    max_search_items: int = 40
    search_budget: int = 20000
    learn_min_confirmations: int = 2
    source: str = "policy"  # where the values came from, for error messages
    _pct_per_mille: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.auto_threshold <= Decimal(1):
            self._fail("auto_threshold", f"must be between 0 and 1, got {self.auto_threshold}")
        if not Decimal(0) <= self.writeoff_pct <= Decimal(100):
            self._fail("writeoff_pct", f"must be a percent 0-100, got {self.writeoff_pct}")
        for name in _MONEY:
            table = getattr(self, name)
            if "default" not in table:
                self._fail(name, "needs a `default` entry")
            for currency, value in table.items():
                if value < 0:
                    self._fail(name, f"{currency} must not be negative, got {value}")
        minimums = {"discount_grace_days": 0, "max_combination_items": 1,
                    "max_search_items": 1, "search_budget": 1, "learn_min_confirmations": 1}
        for name, low in minimums.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                self._fail(name, f"must be a whole number of at least {low}, got {value!r}")
        # writeoff_pct in thousandths of a percent, for integer arithmetic
        object.__setattr__(self, "_pct_per_mille", int(self.writeoff_pct * 1000))
        if self.max_combination_items > 8:
            self._fail("max_combination_items", "at most 8 (the search grows exponentially)")

    def _fail(self, key: str, why: str) -> None:
        raise ConfigError(f"{self.source}: cashapp.{key}: {why}")

    def _minor(self, name: str, currency: str) -> int:
        cache: dict[tuple[str, str], int] = self.__dict__.setdefault("_minor_cache", {})
        value = cache.get((name, currency))
        if value is None:
            table = getattr(self, name)
            value = cache[(name, currency)] = to_minor(table.get(currency, table["default"]),
                                                       currency)
        return value

    def max_auto_minor(self, currency: str) -> int:
        """Largest auto-posted amount in minor units of ``currency``."""
        return self._minor("max_auto_amount", currency)

    def writeoff_cap(self, currency: str) -> int:
        """``writeoff_limit`` of ``currency`` in minor units."""
        return self._minor("writeoff_limit", currency)

    def writeoff_minor(self, currency: str, item_minor: int) -> int:
        """Largest difference written off on an item of ``item_minor`` (minor units)."""
        by_pct = abs(item_minor) * self._pct_per_mille // 100_000
        return min(self.writeoff_cap(currency), by_pct)


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


def policy_from_config(section: dict[str, Any] | None, source: str = "config") -> Policy:
    """The policy from a ``[cashapp]`` TOML table (``Config.raw["cashapp"]``)."""
    section = section or {}
    if not isinstance(section, dict):
        raise ConfigError(f"{source}: cashapp: expected a table")
    known = {f.name for f in fields(Policy) if f.init} - {"source"}
    values: dict[str, Any] = {}
    for key, raw in section.items():
        if key not in known:
            raise ConfigError(f"{source}: cashapp.{key}: unknown key (typo?)")
        if key in _DECIMALS:
            values[key] = _decimal(source, key, raw)
        elif key in _MONEY:
            values[key] = _money(source, key, raw)
        elif key in _FLAGS:
            if not isinstance(raw, bool):
                raise ConfigError(f"{source}: cashapp.{key}: expected true or false, "
                                  f"got {raw!r}")
            values[key] = raw
        else:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ConfigError(f"{source}: cashapp.{key}: expected a whole number, "
                                  f"got {raw!r}")
            values[key] = raw
    return Policy(source=source, **values)


def policy_from_options(options: list[str], base: dict[str, Any] | None = None,
                        source: str = "--policy") -> Policy:
    """The policy from ``key=value`` strings laid over ``base`` (a ``[cashapp]`` table)."""
    section = dict(base or {})
    for option in options:
        key, sep, text = option.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key:
            raise ConfigError(f"{source}: expected key=value, got {option!r}")
        if key in _FLAGS:
            if text.lower() not in ("true", "false"):
                raise ConfigError(f"{source}: cashapp.{key}: expected true or false, "
                                  f"got {text!r}")
            section[key] = text.lower() == "true"
        elif key in _INTS:
            if not text.lstrip("-").isdigit():
                raise ConfigError(f"{source}: cashapp.{key}: expected a whole number, "
                                  f"got {text!r}")
            section[key] = int(text)
        else:
            section[key] = text
    return policy_from_config(section, source)
