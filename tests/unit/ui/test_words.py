"""Human words for roles, isolation modes and audit events; the raw value never reaches the label."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import reflex as rx

from backend.db.models._enums import InvitedAs, Role
from backend.domain.servers import schemas as s
from ui.components.words import EVENT_LABELS, ROLE_LABELS, event_badge, fallback_event_label, role_label
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
