"""Timestamps in the one shape Kapso documents: ISO-8601 UTC, second precision, ``Z`` suffix."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(text: object) -> datetime:
    """Parse an ISO-8601 string into an aware UTC datetime; raise ValueError otherwise.

    Naive inputs are taken as UTC because that is the only zone the wire format uses.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("timestamp must be a non-empty ISO-8601 string")
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
