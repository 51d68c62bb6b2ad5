"""An audit entry's details and target in words: labels for its keys, values people read.

The audit API sends each entry's ``details`` as the backend recorded them (camelCase keys, ISO times,
server ids, booleans, ``{"field": {"from": a, "to": b}}`` changes). The feed shows each as a
``[label, words, raw]`` fact: the words in the badge, the raw ``key: value`` as its tooltip.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ui.api.types import ActivityItem
from ui.components.server_states import SERVER_STATES
from ui.components.words import CALL_STATUS_LABELS, KEY_STATUS_LABELS, ROLE_LABELS, TRANSPORT_LABELS
from ui.views.project.server_isolation import ISOLATION_MODES

# Detail keys the backend writes → labels. Keys not listed read as words from their camelCase.
KEY_LABELS: dict[str, str] = {
    "expiresAt": "Expires",
    "serverIds": "Servers",
    "invitedAs": "Joined",
    "invitedAsFrom": "Joined before",
    "invitedAsTo": "Joined now",
    "isAdmin": "Administrator",
    "isActive": "Active",
    "envKeys": "Environment variables",
    "fields": "Changed",
    "keysSuspended": "Keys suspended",
    "byAdmin": "By an administrator",
    "projectName": "Project",
    "from": "From",
    "to": "To",
}

# Audit target types → words.
TARGET_LABELS: dict[str, str] = {
    "api_key": "Key",
    "server": "Server",
    "user": "User",
    "project": "Project",
    "team": "Team",
    "tool": "Tool",
    "worker": "Worker",
    "job": "Job",
    "personal_access_token": "Personal token",
    "oauth_client": "OAuth app",
    "invitation": "Invitation",
    "setting": "Setting",
}

_VALUE_WORDS: dict[str, str] = {
    **{key: state.label for key, state in SERVER_STATES.items()},
    **ROLE_LABELS,
    **CALL_STATUS_LABELS,
    **KEY_STATUS_LABELS,
    **TRANSPORT_LABELS,
    **{key: name for key, (name, _) in ISOLATION_MODES.items()},
    "health_check": "Health check",
}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def key_label(key: str) -> str:
    """A detail key in words (``keysSuspended`` → "Keys suspended")."""
    if key in KEY_LABELS:
        return KEY_LABELS[key]
    words = _CAMEL.sub(" ", key).replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:]


def target_label(target_type: str) -> str:
    """An audit target type in words (``api_key`` → "Key")."""
    return TARGET_LABELS.get(target_type, key_label(target_type))


def value_words(value: Any, servers: dict[str, str] | None = None) -> str:
    """A detail value as people read it: states and roles in words, times without microseconds,
    server ids as names, Yes/No, lists joined, changes as ``a → b``."""
    servers = servers or {}
    if isinstance(value, list):
        return ", ".join(value_words(v, servers) for v in value) or "none"
    if isinstance(value, dict):
        if set(value) == {"from", "to"}:
            return f"{value_words(value['from'], servers)} → {value_words(value['to'], servers)}"
        return "; ".join(f"{key_label(k)}: {value_words(v, servers)}" for k, v in value.items())
    return _scalar_words(value, servers)


def _scalar_words(value: Any, servers: dict[str, str]) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if not isinstance(value, str):
        return str(value)
    if value in servers:
        return servers[value]
    return _time_words(value) if _ISO_TIME.match(value) else _VALUE_WORDS.get(value, value)


def _changes_words(changes: dict[str, Any], servers: dict[str, str]) -> str:
    """``{"field": {"from": a, "to": b}}`` or ``{"field": [a, b]}`` as "Field: a → b; …"."""
    parts = []
    for key, change in changes.items():
        pair = isinstance(change, list) and len(change) == 2
        shown = {"from": change[0], "to": change[1]} if pair else change
        parts.append(f"{key_label(key)}: {value_words(shown, servers)}")
    return "; ".join(parts)


def facts_of(details: dict[str, Any], servers: dict[str, str] | None = None) -> list[list[str]]:
    """Each detail as ``[label, words, raw]``; ``serverIds`` of ``null`` means every server."""
    facts = []
    for key, value in details.items():
        if key == "serverIds" and value is None:
            words = "All servers"
        elif key == "changes" and isinstance(value, dict):
            words = _changes_words(value, servers or {})
        else:
            words = value_words(value, servers)
        facts.append([key_label(key), words, f"{key}: {json.dumps(value, default=str)}"])
    return facts


def _time_words(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    zone = moment.tzname() or ""
    return moment.strftime("%-d %b %Y, %H:%M") + (f" {zone}" if zone else "")


@dataclass
class ActivityRow:
    """One audit entry as the feed shows it: its target and details in words (:mod:`activity_facts`)."""

    created_at: str = ""
    type: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    actor_name: str = ""
    target: str = ""
    target_name: str = ""
    facts: list[list[str]] = field(default_factory=list)


def activity_rows(items: list[ActivityItem], servers: dict[str, str]) -> list[ActivityRow]:
    """The feed's rows for ``items`` (``servers``: id → name, for details that name servers)."""
    return [
        ActivityRow(
            created_at=item.created_at,
            type=item.type,
            details=item.details,
            actor_name=item.actor_name,
            target=target_label(item.target_type),
            target_name=item.target_name,
            facts=facts_of(item.details, servers),
        )
        for item in items
    ]
