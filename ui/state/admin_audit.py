"""The audit screen: what administrators did, in words, newest first, filtered by kind and paged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ui.api import ApiClient
from ui.api.types import ActivityItem
from ui.state.admin import AdminState
from ui.state.paged_list import ListQuery, ListRead, PagedListMixin

# Filter values (type prefixes the API takes) and their labels; "Every action" filters nothing.
KINDS = [
    ["user", "Accounts"],
    ["key", "API keys"],
    ["settings", "Allowed commands"],
    ["worker", "Worker"],
]
_FLAGS = {
    ("isAdmin", True): "made {who} an administrator",
    ("isAdmin", False): "revoked administration from {who}",
    ("isActive", False): "deactivated {who}",
    ("isActive", True): "reactivated {who}",
}


@dataclass
class AuditLine:
    """One administrator's action, in words."""

    id: str = ""
    created_at: str = ""
    actor: str = ""
    action: str = ""
    type: str = ""


def _user_updated(who: str, details: dict[str, Any]) -> str:
    changes = details.get("changes") or {}
    parts = [_FLAGS.get((k, bool(v.get("to"))), "changed " + k + " of {who}") for k, v in sorted(changes.items())]
    return ", ".join(p.format(who=who) for p in parts) or f"updated {who}"


def _commands(details: dict[str, Any]) -> str:
    added = details.get("added") or []
    return "set the allowed commands added by administrators to " + (", ".join(added) if added else "none")


_WORDS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "user.created": lambda who, d: f"created the account {who}" + (" (administrator)" if d.get("isAdmin") else ""),
    "user.updated": _user_updated,
    "user.password_reset": lambda who, _: f"reset the password of {who}",
    "key.revoked": lambda who, d: (
        f"revoked the API key {who} ({d.get('prefix', '')}…) of {d.get('projectName') or 'a project'}"
    ),
    "settings.allowed_commands_updated": lambda _, d: _commands(d),
    "worker.job_run_requested": lambda who, _: f"ran the job {who} now",
    "worker.paused": lambda *_: "paused the worker",
    "worker.resumed": lambda *_: "resumed the worker",
    "worker.settings_changed": lambda _, d: "changed the worker settings: " + ", ".join(sorted(d.get("changes") or {})),
}


def audit_words(item: ActivityItem) -> str:
    """What the row says happened, in words (the technical type is shown beside it, on hover)."""
    words = _WORDS.get(item.type)
    return words(item.target_name, item.details or {}) if words else f"{item.type} {item.target_name}".strip()


class AdminAuditState(PagedListMixin, AdminState):
    """``GET /api/admin/audit``, in words; the filter is a kind of action."""

    audit_lines: list[AuditLine] = []

    async def _read_list(self, api: ApiClient, query: ListQuery) -> ListRead:
        rows = await api.admin_audit(query.filter, page=query.page, page_size=query.page_size)
        lines = [AuditLine(r.id, r.created_at, r.actor_name, audit_words(r), r.type) for r in rows.items]
        return ListRead(rows.total, {"audit_lines": lines})
