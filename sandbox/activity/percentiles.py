"""Percentiles of time-to-activation: PostgreSQL's percentile_cont, or the same rule in Python.

SQLite has no ordered-set aggregates; there the durations of the range are read (one
column of the activated rows) and interpolated exactly as percentile_cont does, so both
databases give the same figures.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import Aggregate, F, FloatField, Func

SORT_MEMORY = "64MB"


class Seconds(Func):
    """Seconds from creation to activation (NULL when never activated)."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self) -> None:
        super().__init__(F("activated_at"), F("created_at"))


class PercentilesCont(Aggregate):
    """percentile_cont of several fractions at once: one sort of the group, not one each."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = ArrayField(FloatField())

    def __init__(self, fractions: Sequence[float], expression, **extra) -> None:
        listed = ", ".join(f"{float(f)!r}" for f in fractions)
        super().__init__(expression, fractions=listed, **extra)


@contextlib.contextmanager
def room_to_sort() -> Iterator[None]:
    """On PostgreSQL, enough memory for the page's sorts (a quarter of a million durations
    at 90 days of a busy year) to stay off the disk; this transaction only."""
    if not in_database():
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
        yield


def in_database() -> bool:
    return connection.vendor == "postgresql"


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """percentile_cont: linear interpolation between the two nearest ranks (sorted input)."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)
