"""Human words for roles, isolation modes, audit events, job runs, tool calls, keys and transports.

The raw value never reaches the label; it stays in the ``title``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args, get_type_hints

import reflex as rx

from backend.db.models._enums import InvitedAs, Role
from backend.domain.keys.schemas import KeyStatus
from backend.domain.logs.deps import Status as CallFilterStatus
from backend.domain.servers import import_schemas as ims
from backend.domain.servers import schemas as s
from backend.domain.system import job_runs
from backend.domain.tokens.schemas import TokenStatus
from backend.mcp.types import CallStatus, Transport
from ui.components.common import call_status_badge, job_status_badge, key_status_badge
from ui.components.words import (
    CALL_STATUS_LABELS,
    EVENT_LABELS,
    IMPORT_OUTCOME_LABELS,
    JOB_STATUS_LABELS,
    JOB_TRIGGER_LABELS,
    KEY_STATUS_LABELS,
    ROLE_LABELS,
    TRANSPORT_LABELS,
    event_badge,
    fallback_event_label,
    job_status_word,
    role_label,
)
from ui.state.url_query import CALL_STATUSES
from ui.views.project.server_isolation import ISOLATION_MODES
from ui.views.project.tool_calls import STATUSES

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


def _is_word(label: str, raw: str) -> bool:
    return label != raw and label[0].isupper() and "_" not in label and "-" not in label


def test_every_tool_call_status_has_a_word() -> None:
    written: set[str] = set(get_args(CallStatus))
    assert written == {"success", "error", "timeout", "cancelled"}, "the backend writes a new status: give it a word"
    assert written == set(get_args(CallFilterStatus))
    assigned = set(re.findall(r"\bstatus(?:, \w+)* = \"([a-z_]+)\"", (BACKEND / "domain/logs/calls.py").read_text()))
    assert {"success", "timeout"} <= assigned, "the pattern no longer finds the statuses calls.py writes"
    written |= assigned
    for status in written:
        assert _is_word(CALL_STATUS_LABELS[status], status), status
    # The explorer's status filter: raw values in the URL, words in the options.
    assert set(STATUSES) == set(CALL_STATUSES)
    assert STATUSES["timeout"] == "Timed out"
    assert STATUSES["all"] == "All statuses"


def test_every_key_and_token_status_has_a_word() -> None:
    for status in {*get_args(KeyStatus), *get_args(TokenStatus)}:
        assert _is_word(KEY_STATUS_LABELS[status], status), status


def test_every_import_outcome_has_a_word() -> None:
    outcomes = get_args(get_type_hints(ims.ImportEntryResult)["outcome"])
    assert outcomes, "the outcome is no longer a Literal"
    for outcome in outcomes:
        assert _is_word(IMPORT_OUTCOME_LABELS[outcome], outcome), outcome


def test_every_transport_has_a_word() -> None:
    for transport in [*get_args(Transport), "rest"]:
        assert TRANSPORT_LABELS[transport][0].isupper(), transport
    assert TRANSPORT_LABELS["streamable-http"] == "Streamable HTTP"


def test_call_and_key_badges_show_the_word_with_the_raw_status_as_title() -> None:
    call = str(call_status_badge(rx.Var.create("timeout")).render())
    assert "Timed out" in call
    assert "call-status" in call
    key = str(key_status_badge(rx.Var.create("suspended"), rx.Var.create("lost access")).render())
    assert "Suspended" in key
    assert "key-status-badge" in key
