"""The audit screen says in words what an administrator did."""

from __future__ import annotations

from ui.api.types import ActivityItem
from ui.state.admin_audit import audit_words


def _row(type_: str, target: str = "ana@example.com", **details: object) -> ActivityItem:
    return ActivityItem(type=type_, target_name=target, details=dict(details))


def test_account_changes_in_words() -> None:
    assert audit_words(_row("user.created", isAdmin=True)) == "created the account ana@example.com (administrator)"
    assert audit_words(_row("user.created", isAdmin=False)) == "created the account ana@example.com"
    granted = _row("user.updated", changes={"isAdmin": {"from": False, "to": True}})
    assert audit_words(granted) == "made ana@example.com an administrator"
    both = _row(
        "user.updated", changes={"isActive": {"from": True, "to": False}, "isAdmin": {"from": True, "to": False}}
    )
    assert audit_words(both) == "deactivated ana@example.com, revoked administration from ana@example.com"
    assert audit_words(_row("user.password_reset")) == "reset the password of ana@example.com"


def test_keys_commands_and_worker_in_words() -> None:
    revoked = _row("key.revoked", "ci", prefix="mcpo_abc1234", byAdmin=True, projectName="Payments")
    assert audit_words(revoked) == "revoked the API key ci (mcpo_abc1234…) of Payments"
    commands = _row("settings.allowed_commands_updated", "", added=["/opt/bin/srv", "deno"])
    assert audit_words(commands) == "set the allowed commands added by administrators to /opt/bin/srv, deno"
    assert audit_words(_row("settings.allowed_commands_updated", "", added=[])).endswith("to none")
    assert audit_words(_row("worker.paused", "worker")) == "paused the worker"
    assert audit_words(_row("worker.job_run_requested", "check_server_health")) == "ran the job check_server_health now"
    assert audit_words(_row("something.new", "x")) == "something.new x", "an unknown type is shown as it is"
