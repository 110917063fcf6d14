"""Percentiles of time-to-activation: PostgreSQL's percentile_cont, or the same rule in Python.

SQLite has no ordered-set aggregates; there the durations of the range are read (one
column of the activated rows) and interpolated exactly as percentile_cont does, so both
databases give the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.db import connection
from django.db.models import Aggregate, F, FloatField, Func


class Seconds(Func):
    """Seconds from creation to activation (NULL when never activated)."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self) -> None:
        super().__init__(F("activated_at"), F("created_at"))


class PercentileCont(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, fraction: float, expression, **extra) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def in_database() -> bool:
    return connection.vendor == "postgresql"


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """percentile_cont: linear interpolation between the two nearest ranks (sorted input)."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)
