"""The audit section: administrators' actions in words, newest first, filtered by kind and paged."""

from __future__ import annotations

import reflex as rx

from ui.components.common import time_ago
from ui.components.paged_table import list_filter, paged_table
from ui.state.admin_audit import KINDS, AdminAuditState, AuditLine


def _line(line: rx.Var[AuditLine]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(time_ago(line.created_at), size="1")),
        rx.table.cell(rx.text(line.actor, size="2")),
        rx.table.cell(rx.text(line.action, size="2", title=line.type, class_name="audit-action")),
        align="center",
        class_name="audit-line",
    )


def audit_section() -> rx.Component:
    """What administrators did."""
    return paged_table(
        AdminAuditState,
        AdminAuditState.audit_lines,
        _line,
        headers=("When", "Who", "What"),
        noun="action",
        id_prefix="audit",
        table_id="admin-audit",
        toolbar=(
            list_filter(AdminAuditState, "audit-kind", "Every action", KINDS),
            rx.text(
                "Accounts, allowed commands, the worker, and keys revoked from these screens. "
                "Project changes are in each project's activity.",
                size="1",
                color_scheme="gray",
            ),
        ),
    )
