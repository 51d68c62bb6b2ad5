"""Human words for roles, isolation modes, audit events and job runs; the raw value never reaches the label."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import reflex as rx

from backend.db.models._enums import InvitedAs, Role
from backend.domain.servers import schemas as s
from backend.domain.system import job_runs
from ui.components.common import job_status_badge
from ui.components.words import (
    EVENT_LABELS,
    JOB_STATUS_LABELS,
    JOB_TRIGGER_LABELS,
    ROLE_LABELS,
    event_badge,
    fallback_event_label,
    job_status_word,
    role_label,
)
from ui.views.project.server_isolation import ISOLATION_MODES

BACKEND = Path(__file__).resolve().parents[3] / "backend"


def test_every_role_and_way_in_has_a_word() -> None:
    for value in [*Role, *InvitedAs]:
        label = ROLE_LABELS[str(value)]
        assert "_" not in label
        assert label[0].isupper()


def test_isolation_modes_read_as_phrases() -> None:
    assert set(ISOLATION_MODES) == set(get_args(get_args(s.Isolation)[0]))
    assert ISOLATION_MODES["per_session"][0] == "One per client session"
    assert ISOLATION_MODES["per_user"][0] == "One per user or key"
    assert ISOLATION_MODES["shared"][0] == "Shared by everyone"


def test_every_recorded_project_event_type_has_words() -> None:
    recorded: set[str] = set()
    for path in (BACKEND / "domain").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        recorded |= set(re.findall(r"\.record\(\s*\"([a-z_]+\.[a-z_]+)\"", text))
    assert "server.status_changed" in recorded, "the pattern no longer finds recorded events"
    missing = recorded - set(EVENT_LABELS)
    assert not missing, missing
    for event_type, label in EVENT_LABELS.items():
        assert "_" not in label, event_type
        assert "." not in label, event_type


def test_unlisted_types_still_read_as_words() -> None:
    assert fallback_event_label("widget.colour_changed") == "Widget colour changed"


def test_role_label_and_event_badge_render() -> None:
    assert "Owner" in str(role_label("owner"))
    details: rx.Var[dict[str, Any]] = rx.Var.create({"to": "healthy"})
    assert event_badge(rx.Var.create("server.status_changed"), details).render()


def test_every_job_run_status_and_trigger_has_a_word() -> None:
    statuses = {*job_runs.FINISHED, *job_runs.CLAIMABLE, "running"}
    for status in statuses:
        word = JOB_STATUS_LABELS[status]
        assert word[0].isupper()
    assert JOB_STATUS_LABELS["queued"] == "Waiting"
    assert job_status_word("complete") == "Finished"
    assert job_status_word("some_new_state") == "Some new state"
    triggers: set[str] = set()
    for path in (BACKEND / "domain").rglob("*.py"):
        triggers |= set(re.findall(r"\btrigger=\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert {"manual", "schedule"} <= triggers, "the pattern no longer finds job triggers"
    assert not triggers - set(JOB_TRIGGER_LABELS), triggers - set(JOB_TRIGGER_LABELS)


def test_job_status_badge_shows_the_word_with_the_raw_status_as_title() -> None:
    rendered = str(job_status_badge(rx.Var.create("complete")).render())
    assert "Finished" in rendered
    assert "job-status" in rendered
