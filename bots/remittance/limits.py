"""How much the remittance readers accept before refusing a file.

Hostile or broken inputs (a 2 GB "PDF", a zip that expands a thousandfold, a
zip inside a zip inside a zip) must be refused quickly with a clear reason,
not read. One :class:`Limits` object carries every cap; the defaults suit a
mailbox of remittance advices. A site can change them in its configuration::

    [remittance.limits]
    max_file_bytes = 52428800      # 50 MiB per file or attachment
    max_archive_bytes = 209715200  # 200 MiB uncompressed per archive
    max_ratio = 100                # uncompressed / compressed, per member
    max_depth = 3                  # containers inside containers
    max_members = 1000             # members per archive
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from bots.config import ConfigError


@dataclass(frozen=True)
class Limits:
    """Caps on sizes and nesting; every value must be a positive int."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_archive_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100
    max_depth: int = 3
    max_members: int = 1000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{f.name}: expected a positive int, got {value!r}")

    @classmethod
    def from_config(cls, raw: dict[str, Any], source: str) -> Limits:
        """The ``[remittance.limits]`` table of a configuration (defaults when absent)."""
        table = raw.get("remittance", {}).get("limits", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: remittance.limits: expected a table")
        known = {f.name for f in fields(cls)}
        for key, value in table.items():
            if key not in known:
                raise ConfigError(f"{source}: remittance.limits.{key}: unknown setting; "
                                  f"one of {', '.join(sorted(known))}")
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{source}: remittance.limits.{key}: expected a positive "
                                  f"integer, got {value!r}")
        return cls(**table)


DEFAULT_LIMITS = Limits()
