"""The API-keys section: every project's keys, a project filter, paging, and revoke behind a confirmation."""

from __future__ import annotations

import reflex as rx

from ui.api.types_admin import AdminApiKey
from ui.components.common import key_status_badge, time_ago
from ui.components.dialogs import confirm_dialog
from ui.components.paged_table import list_filter, paged_table
from ui.state.admin_keys import AdminKeysState


def _key(k: rx.Var[AdminApiKey]) -> rx.Component:
    project = k.project
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(k.name, weight="medium", size="2", class_name="key-name"),
                rx.code(k.prefix + "…", size="1"),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.link(project.name, href="/projects/" + project.slug.to(str) + "/settings", size="2")  # type: ignore[union-attr]
        ),
        rx.table.cell(rx.text(rx.cond(k.created_by, k.created_by.email, "(deleted account)"), size="2")),  # type: ignore[union-attr]
        rx.table.cell(key_status_badge(k.status, k.suspended_reason.to(str))),
        rx.table.cell(rx.text(time_ago(k.last_used_at), size="1")),
        rx.table.cell(rx.text(time_ago(k.created_at), size="1")),
        rx.table.cell(
            rx.cond(
                k.status != "revoked",
                rx.button(
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=AdminKeysState.ask_revoke(k.id, k.name, project.name.to(str)),  # type: ignore[union-attr]
                    class_name="key-revoke",
                ),
            )
        ),
        align="center",
        class_name="admin-key",
    )


def _confirm() -> rx.Component:
    return confirm_dialog(
        "Revoke API key",
        rx.vstack(
            rx.text(rx.code(AdminKeysState.revoke_name), " of ", rx.text.strong(AdminKeysState.revoke_project)),
            rx.text(
                "The key stops working at once and its open MCP sessions end. "
                "This cannot be undone: whoever uses it needs a new key."
            ),
            spacing="2",
        ),
        AdminKeysState.confirm_revoke,
        open_=AdminKeysState.revoke_open,
        on_open_change=AdminKeysState.set_revoke_open,
        confirm_label="Revoke",
    )


def keys_section() -> rx.Component:
    """API keys of every project, newest first."""
    return paged_table(
        AdminKeysState,
        AdminKeysState.admin_keys,
        _key,
        headers=("Key", "Project", "Created by", "Status", "Last used", "Created", ""),
        noun="key",
        id_prefix="keys",
        table_id="admin-keys",
        toolbar=(
            list_filter(AdminKeysState, "keys-project", "Every project", AdminKeysState.project_options),
            rx.text(
                "Only the display prefix of a key is stored next to its hash; nobody can read a key again.",
                size="1",
                color_scheme="gray",
            ),
        ),
        extras=(_confirm(),),
    )
