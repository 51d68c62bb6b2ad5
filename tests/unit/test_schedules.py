"""Schedule arithmetic: interval and daily slots, next run, first sight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.db import models as m
from backend.lib.worker import SCHEDULES

HEALTH, PURGE = SCHEDULES
NOW = datetime(2026, 5, 10, 12, 0, 0, tzinfo=UTC)


def _settings(interval: int = 300, at: str = "03:30") -> m.WorkerSettings:
    return m.WorkerSettings(health_check_interval_seconds=interval, retention_time=at, paused=False)


def test_interval_schedule_is_due_at_once_then_every_interval() -> None:
    settings = _settings(300)
    assert HEALTH.initial_slot(settings, NOW) is None
    assert HEALTH.due_slot(settings, None, NOW) == NOW
    assert HEALTH.due_slot(settings, NOW - timedelta(seconds=299), NOW) is None
    assert HEALTH.due_slot(settings, NOW - timedelta(seconds=300), NOW) == NOW
    assert HEALTH.next_run(settings, NOW - timedelta(seconds=100), NOW) == NOW + timedelta(seconds=200)
    assert HEALTH.next_run(settings, NOW - timedelta(days=1), NOW) == NOW, "overdue: now"
    assert HEALTH.describe(settings) == {"interval_seconds": 300, "daily_at": None}


def test_a_shorter_interval_makes_a_pending_slot_due() -> None:
    last = NOW - timedelta(seconds=200)
    assert HEALTH.due_slot(_settings(300), last, NOW) is None
    assert HEALTH.due_slot(_settings(120), last, NOW) == NOW


def test_daily_schedule_waits_for_its_time_of_day() -> None:
    settings = _settings(at="03:30")
    today = datetime(2026, 5, 10, 3, 30, tzinfo=UTC)
    assert PURGE.initial_slot(settings, NOW) == today, "first sight: today's slot counts as done"
    assert PURGE.due_slot(settings, today, NOW) is None
    assert PURGE.due_slot(settings, today - timedelta(days=1), NOW) == today
    assert PURGE.next_run(settings, today, NOW) == today + timedelta(days=1)
    early = datetime(2026, 5, 10, 1, 0, tzinfo=UTC)  # before 03:30: yesterday's slot is the latest
    assert PURGE.due_slot(settings, today - timedelta(days=2), early) == today - timedelta(days=1)
    assert PURGE.describe(settings) == {"interval_seconds": None, "daily_at": "03:30"}


def test_moving_the_daily_time_earlier_runs_today() -> None:
    last = datetime(2026, 5, 10, 3, 30, tzinfo=UTC)  # ran at 03:30 today
    assert PURGE.due_slot(_settings(at="11:00"), last, NOW) == datetime(2026, 5, 10, 11, 0, tzinfo=UTC)
    assert PURGE.due_slot(_settings(at="13:00"), last, NOW) is None
