"""The audit section: administrators' actions in words, newest first, filtered by kind and paged."""

from __future__ import annotations

import reflex as rx

from ui.components.common import time_ago
from ui.plural import counted_var
from ui.state.admin_audit import KINDS, AdminAuditState, AuditLine
from ui.views.admin.pager import pager


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
    return rx.vstack(
        rx.hstack(
            rx.select.root(
                rx.select.trigger(id="audit-kind"),
                rx.select.content(*[rx.select.item(label, value=value) for value, label in KINDS]),
                value=AdminAuditState.audit_kind,
                on_change=AdminAuditState.set_audit_kind,
            ),
            rx.text(
                "Accounts, allowed commands, the worker, and keys revoked from these screens. "
                "Project changes are in each project's activity.",
                size="1",
                color_scheme="gray",
            ),
            align="center",
            wrap="wrap",
            width="100%",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("When", "Who", "What")])),
                rx.table.body(rx.foreach(AdminAuditState.audit_lines, _line)),
                width="100%",
                variant="surface",
                id="admin-audit",
            ),
            width="100%",
            overflow_x="auto",
        ),
        pager(
            counted_var(AdminAuditState.audit_total, "action") + " found",
            AdminAuditState.audit_page,
            AdminAuditState.audit_pages,
            AdminAuditState.go_audit_page,
            "audit",
        ),
        width="100%",
        spacing="3",
        on_mount=AdminAuditState.open_audit,
    )
