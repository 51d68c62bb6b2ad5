"""Time ranges of the activity and tool-call filters, as ISO-8601 ``since`` values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

RANGES = {
    "15m": timedelta(minutes=15),
    "1h": timedelta(hours=1),
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}
RANGE_LABELS = {
    "15m": "Last 15 minutes",
    "1h": "Last hour",
    "6h": "Last 6 hours",
    "24h": "Last 24 hours",
    "7d": "Last 7 days",
    "all": "All time",
}


def since(range_key: str) -> str:
    """The start of a range (``""`` for all time)."""
    delta = RANGES.get(range_key)
    return (datetime.now(UTC) - delta).isoformat() if delta else ""


def clock(iso: str) -> str:
    """``HH:MM`` (UTC) of a timestamp, for chart axes."""
    try:
        return datetime.fromisoformat(iso).strftime("%H:%M" if "T" in iso else "%Y-%m-%d")
    except ValueError:
        return iso


def day_clock(iso: str) -> str:
    """``MM-DD HH:MM`` (UTC), for ranges spanning days."""
    try:
        return datetime.fromisoformat(iso).strftime("%m-%d %H:%M")
    except ValueError:
        return iso
