"""Human words for raw values: roles, events, job runs, tool calls, keys, transports; the raw value as ``title``.

Server states have their own module (``server_states.py``); isolation modes live with their form
field (``ui/views/project/server_isolation.py``).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from ui.components.server_states import state_label

# Project and team roles, and how a member came in (``invited_as``).
ROLE_LABELS: dict[str, str] = {
    "owner": "Owner",
    "developer": "Developer",
    "reporter": "Reporter",
    "individual": "Member of the organisation",
    "external": "External",
    "team_member": "Through a team",
}

# Audit event type → what happened, in words. Types not listed read by ``event_label``'s fallback.
EVENT_LABELS: dict[str, str] = {
    "project.created": "Project created",
    "project.updated": "Project updated",
    "project.archived": "Project archived",
    "project.restored": "Project restored",
    "project.deleted": "Project deleted",
    "server.created": "Server added",
    "server.updated": "Server changed",
    "server.deleted": "Server deleted",
    "server.toggled": "Server switched on or off",
    "server.tested": "Server tested",
    "server.restarted": "Server restarted",
    "server.status_changed": "Status changed",
    "tool.enabled": "Tool enabled",
    "tool.disabled": "Tool disabled",
    "tool.aliased": "Tool renamed",
    "tool.alias_cleared": "Tool name reset",
    "member.invited": "Member invited",
    "member.updated": "Member changed",
    "member.role_changed": "Member's role changed",
    "member.removed": "Member removed",
    "key.created": "API key created",
    "key.revoked": "API key revoked",
    "key.reassigned": "API key given to another member",
    "invitation.created": "Invitation sent",
    "invitation.accepted": "Invitation accepted",
    "invitation.revoked": "Invitation withdrawn",
    "team.created": "Team created",
    "team.updated": "Team changed",
    "team.deleted": "Team deleted",
    "team.attached": "Team added to the project",
    "team.detached": "Team removed from the project",
    "team.role_changed": "Team's role changed",
    "team_member.invited": "Team member invited",
    "team_member.role_changed": "Team member's role changed",
    "team_member.removed": "Team member removed",
    "user.created": "User created",
    "user.updated": "User changed",
    "user.deleted": "User deleted",
    "user.password_reset": "Password reset",
    "settings.allowed_commands_updated": "Allowed commands changed",
    "worker.paused": "Worker paused",
    "worker.resumed": "Worker resumed",
    "worker.settings_changed": "Worker settings changed",
    "worker.job_run_requested": "Job run requested",
}


# A background job run's status (``job_run.status``; SAQ's own words too, should one reach the UI).
JOB_STATUS_LABELS: dict[str, str] = {
    "new": "Waiting",
    "deferred": "Waiting",
    "queued": "Waiting",
    "running": "Running",
    "active": "Running",
    "retrying": "Will retry",
    "complete": "Finished",
    "failed": "Failed",
    "cancelled": "Stopped",
    "aborting": "Stopping",
    "aborted": "Stopped",
}

# What started a job run (``job_run.trigger``).
JOB_TRIGGER_LABELS: dict[str, str] = {
    "schedule": "Scheduled",
    "manual": "Run now",
    "refresh": "Check requested",
    "invitation": "Invitation",
    "queue": "Queued directly",
}


# A tool call's outcome (``tool_call.status``, ``backend.mcp.types.CallStatus``).
CALL_STATUS_LABELS: dict[str, str] = {
    "success": "Succeeded",
    "error": "Failed",
    "timeout": "Timed out",
    "cancelled": "Cancelled",
}

# An API key's or personal token's state (``KeyStatus``, ``TokenStatus``).
KEY_STATUS_LABELS: dict[str, str] = {
    "active": "Active",
    "suspended": "Suspended",
    "expired": "Expired",
    "revoked": "Revoked",
}

# How a server or a client session talks MCP; the same words as the connect card's choices.
TRANSPORT_LABELS: dict[str, str] = {
    "stdio": "Local command (stdio)",
    "streamable-http": "Streamable HTTP",
    "sse": "SSE (legacy)",
    "rest": "REST API",
}

# What became of one entry of an imported ``mcpServers`` file (``ImportEntryResult.outcome``).
IMPORT_OUTCOME_LABELS: dict[str, str] = {"created": "Added", "skipped": "Skipped", "invalid": "Not valid"}


def _words(value: rx.Var[str] | str, labels: dict[str, str]) -> rx.Var[str]:
    """``value``'s word from ``labels`` (the raw value when the UI does not know it)."""
    return rx.match(value, *labels.items(), value).to(str)


def call_status_label(status: rx.Var[str] | str) -> rx.Var[str]:
    """A tool call's outcome in words ("Succeeded", "Timed out")."""
    return _words(status, CALL_STATUS_LABELS)


def key_status_label(status: rx.Var[str] | str) -> rx.Var[str]:
    """An API key's or token's state in words."""
    return _words(status, KEY_STATUS_LABELS)


def transport_label(transport: rx.Var[str] | str) -> rx.Var[str]:
    """A transport in words ("Streamable HTTP")."""
    return _words(transport, TRANSPORT_LABELS)


def import_outcome_label(outcome: rx.Var[str] | str) -> rx.Var[str]:
    """What became of an imported entry, in words."""
    return _words(outcome, IMPORT_OUTCOME_LABELS)


def transport_text(transport: rx.Var[str] | str, **props: Any) -> rx.Component:
    """A transport in words, the raw value as ``title``."""
    return rx.text(transport_label(transport), title=transport, as_="span", **props)


def job_status_word(status: str) -> str:
    """A job run's status in words, in Python (toasts, progress labels)."""
    return JOB_STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def job_status_label(status: rx.Var[str] | str) -> rx.Var[str]:
    """A job run's status in words (the raw value when the UI does not know it)."""
    return rx.match(status, *JOB_STATUS_LABELS.items(), status).to(str)


def job_trigger_label(trigger: rx.Var[str] | str) -> rx.Var[str]:
    """What started a job run, in words (the raw value when the UI does not know it)."""
    return rx.match(trigger, *JOB_TRIGGER_LABELS.items(), trigger).to(str)


def role_label(role: rx.Var[str] | str) -> rx.Var[str]:
    """The role's word (the raw value when the UI does not know it)."""
    return rx.match(role, *ROLE_LABELS.items(), role).to(str)


def fallback_event_label(event_type: str) -> str:
    """Words for an event type nobody listed: ``thing.some_action`` → "Thing some action"."""
    words = event_type.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _fallback(event_type: rx.Var[str]) -> rx.Var[str]:
    # The same as fallback_event_label, in the browser.
    words = rx.Var(f"{event_type}.replaceAll('.', ' ').replaceAll('_', ' ').trim()").to(str)
    return rx.Var(f"(({words}).charAt(0).toUpperCase() + ({words}).slice(1))").to(str)


def event_label(event_type: rx.Var[str], details: rx.Var[dict[str, Any]]) -> rx.Var[str]:
    """What happened, in words; a status change names the new state ("Status changed to Healthy")."""
    plain = rx.match(event_type, *EVENT_LABELS.items(), _fallback(event_type)).to(str)
    to = details["to"].to(str)  # type: ignore[index]
    return rx.cond(
        (event_type == "server.status_changed") & to.bool(),  # type: ignore[operator]
        "Status changed to " + state_label(to),
        plain,
    ).to(str)


def event_badge(event_type: rx.Var[str], details: rx.Var[dict[str, Any]], **props: Any) -> rx.Component:
    """A badge with the event in words and its type as ``title``."""
    return rx.badge(
        event_label(event_type, details),
        variant="soft",
        title=event_type,
        class_name="event-type",
        **props,
    )
