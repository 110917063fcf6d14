"""Figures as the page and the CSV show them: words, percentages, durations, sort orders."""

from __future__ import annotations

from sandbox.activity.aggregates import Figures

COLUMNS = [
    ("label", "Name"),
    ("created", "Sessions"),
    ("activated", "Activated"),
    ("expired", "Expired unused"),
    ("pending", "Pending"),
    ("failed", "Failed at Kapso"),
    ("rate", "Activation rate"),
    ("median", "Median to activation"),
    ("p90", "90th percentile"),
]
SORTABLE = {key for key, _ in COLUMNS}


def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f} %"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    seconds = round(seconds)
    minutes, rest = divmod(seconds, 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def row(figures: Figures) -> dict:
    return {
        "label": figures.label,
        "created": figures.created,
        "activated": figures.activated,
        "expired": figures.expired,
        "pending": figures.pending,
        "failed": figures.failed,
        "rate": percent(figures.rate),
        "median": duration(figures.median),
        "p90": duration(figures.p90),
    }


def csv_row(figures: Figures) -> list:
    """Raw numbers for spreadsheets: the rate as a fraction, durations in seconds."""

    def num(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}".rstrip("0").rstrip(".")

    return [
        figures.label,
        figures.created,
        figures.activated,
        figures.expired,
        figures.pending,
        figures.failed,
        num(figures.rate),
        num(figures.median),
        num(figures.p90),
    ]


CSV_HEADER = [
    "name",
    "sessions",
    "activated",
    "expired_unused",
    "pending",
    "failed_at_kapso",
    "activation_rate",
    "median_seconds",
    "p90_seconds",
]


def sorted_figures(rows: list[Figures], order: str) -> list[Figures]:
    """`order` is a column key, "-" first for descending; rows without a figure go last."""
    key = order.lstrip("-")
    if key not in SORTABLE:
        return rows

    def value(f: Figures):
        return f.label.lower() if key == "label" else getattr(f, key)

    known = [f for f in rows if value(f) is not None]
    unknown = [f for f in rows if value(f) is None]
    return sorted(known, key=value, reverse=order.startswith("-")) + unknown
