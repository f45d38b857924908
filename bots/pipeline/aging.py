"""Aging: open items into days-past-due buckets, per currency.

The buckets are the configured upper bounds (``[0, 30, 60, 90]`` by default),
which give the labels ``current``, ``1-30``, ``31-60``, ``61-90`` and ``>90``::

    >>> bucket_label(-3, (0, 30, 60, 90)), bucket_label(45, (0, 30, 60, 90))
    ('current', '31-60')

Sums are integer minor units, turned back into Decimal once per bucket.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from bots.domain import OpenItem, from_minor
from bots.reports.model import AgingBucket


def bucket_labels(bounds: tuple[int, ...]) -> list[str]:
    """The labels of the buckets, oldest last."""
    labels, low = [], None
    for bound in bounds:
        labels.append("current" if low is None else f"{low + 1}-{bound}")
        low = bound
    labels.append(f">{bounds[-1]}")
    return labels


def bucket_label(days_past_due: int, bounds: tuple[int, ...]) -> str:
    """The bucket a number of days past due falls in."""
    labels = bucket_labels(bounds)
    for label, bound in zip(labels, bounds, strict=False):
        if days_past_due <= bound:
            return label
    return labels[-1]


def aging_buckets(items: Iterable[OpenItem], on: date,
                  bounds: tuple[int, ...]) -> list[AgingBucket]:
    """Open amount and item count per (bucket, currency), credits included, in bucket order."""
    minor: dict[tuple[str, str], int] = defaultdict(int)
    count: dict[tuple[str, str], int] = defaultdict(int)
    for item in items:
        key = (bucket_label(item.days_past_due(on), bounds), item.currency)
        minor[key] += item.amount_minor
        count[key] += 1
    order = {label: i for i, label in enumerate(bucket_labels(bounds))}
    return [AgingBucket(label, currency, from_minor(minor[(label, currency)], currency),
                        count[(label, currency)])
            for label, currency in sorted(minor, key=lambda k: (k[1], order[k[0]]))]
