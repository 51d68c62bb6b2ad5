"""Settings tab, API keys: the list, the create dialog (the key shown once), revoke and reassign."""

from __future__ import annotations

import reflex as rx

from ui.api.types import ApiKey
from ui.api.types_servers import Server
from ui.components.auth_card import labelled
from ui.components.common import code_block, copy_button, key_status_badge, loading_or, section, time_ago
from ui.components.dialogs import confirm_button, form_dialog
from ui.components.field_error import field_error
from ui.plural import counted_var
from ui.state.project import ProjectState
from ui.state.project_settings import EXPIRY_DAYS, SettingsState
from ui.views.project.key_reassign import reassign_button, reassign_dialog


def _key_row(key: rx.Var[ApiKey]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(key.name, weight="medium"), rx.code(key.prefix + "…", size="1"), spacing="0")),
        rx.table.cell(
            rx.vstack(
                key_status_badge(key.status),
                rx.cond(key.suspended_reason, rx.text(key.suspended_reason, size="1", color_scheme="orange")),
                spacing="1",
                class_name="key-status",
            )
        ),
        rx.table.cell(
            rx.text(
                rx.cond(
                    key.server_ids.length() > 0,
                    counted_var(key.server_ids.length(), "server"),  # type: ignore[attr-defined]
                    "all servers",
                ),
                rx.cond(key.rate_limit_per_minute, " · " + key.rate_limit_per_minute.to_string() + "/min", ""),  # type: ignore[union-attr]
                size="1",
                class_name="key-scope",
            )
        ),
        rx.table.cell(rx.text(rx.cond(key.created_by, key.created_by.name, ""), size="1")),  # type: ignore[union-attr]
        rx.table.cell(rx.text(time_ago(key.last_used_at), size="1")),
        rx.table.cell(rx.text(time_ago(key.expires_at, "never"), size="1")),
        rx.table.cell(
            rx.hstack(
                reassign_button(key),
                rx.cond(
                    (key.status == "active") | (key.status == "suspended"),
                    confirm_button(
                        rx.button("Revoke", size="1", variant="soft", color_scheme="red", class_name="key-revoke"),
                        "Revoke key " + key.name + "?",
                        "Clients using it lose access immediately.",
                        SettingsState.revoke_key(key.id, key.name),
                        confirm_label="Revoke",
                    ),
                ),
                spacing="2",
            )
        ),
        class_name="key-row",
        align="center",
    )


def _scope_option(server: rx.Var[Server]) -> rx.Component:
    return rx.checkbox(
        server.name,
        checked=SettingsState.key_scope.contains(server.id),  # type: ignore[attr-defined]
        on_change=lambda v: SettingsState.toggle_key_scope(server.id, v),
    )


def _create_key_dialog() -> rx.Component:
    return form_dialog(
        "New API key",
        "MCP clients send it as a Bearer token. It opens this project only.",
        rx.vstack(
            labelled(
                "Name",
                rx.input(
                    name="name", required=True, max_length=120, placeholder="laptop, ci…", id="key-name", width="100%"
                ),
            ),
            field_error(SettingsState.key_errors, "name", "key"),
            rx.hstack(
                labelled("Expires in", rx.select(list(EXPIRY_DAYS), name="expiry", default_value="90 days")),
                labelled(
                    "Calls per minute",
                    rx.input(
                        name="rate_limit",
                        type="number",
                        min=1,
                        max=100_000,
                        placeholder="no limit",
                        id="key-rate-limit",
                        width="100%",
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            field_error(SettingsState.key_errors, "rate_limit", "key"),
            field_error(SettingsState.key_errors, "expires", "key"),
            rx.text("Servers (none checked = all servers)", size="2", weight="medium"),
            rx.scroll_area(
                rx.grid(rx.foreach(SettingsState.key_servers, _scope_option), columns="2", gap="2", width="100%"),
                max_height="180px",
                id="key-scope",
            ),
            width="100%",
        ),
        open_=SettingsState.key_open,
        on_open_change=SettingsState.set_key_open,
        on_submit=SettingsState.create_key,
        submit_label="Create key",
        loading=SettingsState.creating_key,
        trigger=rx.button(rx.icon("key-round", size=14), "New key", id="new-key"),
    )


def _new_key_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Key ", SettingsState.new_key_name, " created"),
            rx.callout(
                "Copy it now: it is shown only once and cannot be recovered.",
                icon="triangle-alert",
                color_scheme="amber",
                size="1",
            ),
            code_block(SettingsState.new_key, id="new-key-value", margin_top="12px"),
            rx.hstack(
                copy_button(SettingsState.new_key, "Copy key", id="copy-key"),
                rx.alert_dialog.cancel(rx.button("I have copied it", variant="soft", id="key-done")),
                justify="end",
                margin_top="12px",
            ),
        ),
        open=SettingsState.new_key != "",
        on_open_change=SettingsState.close_new_key,
    )


def keys_section() -> rx.Component:
    """The API keys: list, create (shown once), revoke, reassign."""
    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(h)
                    for h in ("Key", "Status", "Scope", "Created by", "Last used", "Expires", "")
                ]
            )
        ),
        rx.table.body(rx.foreach(SettingsState.keys, _key_row)),
        width="100%",
        size="1",
        variant="surface",
        id="keys-table",
    )
    body = rx.cond(
        SettingsState.keys.length() > 0,  # type: ignore[attr-defined]
        table,
        rx.text("No API keys yet. Create one to connect an MCP client.", color_scheme="gray", size="2"),
    )
    return section(
        "API keys",
        loading_or(SettingsState.settings_loading, body),
        _new_key_dialog(),
        reassign_dialog(),
        actions=rx.cond(ProjectState.can_write, _create_key_dialog()),
    )
