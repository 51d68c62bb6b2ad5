"""Settings tab: details, unified endpoint, API keys (shown once), archive/restore, delete."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import labelled
from ui.components.dialogs import confirm_button
from ui.components.field_error import field_error
from ui.state.project import ProjectState
from ui.state.project_settings import SettingsState
from ui.views.project.settings_keys import keys_section


def _general() -> rx.Component:
    p = ProjectState.project
    disabled = ~ProjectState.can_manage
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("General", size="3"),
                rx.hstack(
                    labelled(
                        "Name",
                        rx.input(
                            name="name",
                            default_value=p.name,
                            required=True,
                            disabled=disabled,
                            width="100%",
                            id="settings-name",
                        ),
                    ),
                    labelled(
                        "Slug",
                        rx.input(
                            name="slug",
                            default_value=p.slug,
                            required=True,
                            disabled=disabled,
                            width="100%",
                            id="settings-slug",
                        ),
                    ),
                    width="100%",
                ),
                field_error(SettingsState.settings_errors, "name", "settings"),
                field_error(SettingsState.settings_errors, "slug", "settings"),
                labelled(
                    "Description",
                    rx.text_area(name="description", default_value=p.description, disabled=disabled, width="100%"),
                ),
                field_error(SettingsState.settings_errors, "description", "settings"),
                rx.cond(
                    ProjectState.can_manage, rx.button("Save", type="submit", loading=SettingsState.saving_settings)
                ),
                width="100%",
                align="start",
            ),
            on_submit=SettingsState.save,
            reset_on_submit=False,
            key=p.updated_at,
        ),
        width="100%",
    )


def _unified() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.heading("Unified endpoint", size="3"),
                rx.text(
                    "One MCP endpoint with the tools of every server, named server__tool.",
                    size="2",
                    color_scheme="gray",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.switch(
                checked=ProjectState.project.unified_enabled,
                on_change=SettingsState.set_unified,
                disabled=~ProjectState.can_manage,
                id="unified-switch",
            ),
            align="center",
            width="100%",
        ),
        width="100%",
    )


def _danger() -> rx.Component:
    p = ProjectState.project
    archive = rx.cond(
        ProjectState.archived,
        rx.button("Restore project", variant="soft", on_click=SettingsState.set_archived(False), id="restore-project"),
        confirm_button(
            rx.button("Archive project", variant="soft", color_scheme="orange", id="archive-project"),
            "Archive this project?",
            "It becomes read-only and its MCP endpoints stop answering.",
            SettingsState.set_archived(True),
            confirm_label="Archive",
            color_scheme="orange",
        ),
    )
    delete = rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Delete project", color_scheme="red", id="delete-project")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete ", p.name, "?"),
            rx.alert_dialog.description(
                "Servers, keys, logs and history are deleted. This cannot be undone. Type the project name to confirm.",
                size="2",
            ),
            rx.input(
                value=SettingsState.delete_confirm,
                on_change=SettingsState.set_delete_confirm,
                placeholder=p.name,
                margin_top="12px",
                id="delete-confirm",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.button(
                    "Delete forever",
                    color_scheme="red",
                    on_click=SettingsState.delete_project,
                    disabled=SettingsState.delete_confirm != p.name,
                    id="delete-confirm-button",
                ),
                justify="end",
                margin_top="12px",
            ),
        ),
        on_open_change=SettingsState.delete_dialog_changed,
    )
    return rx.card(
        rx.vstack(rx.heading("Danger zone", size="3", color_scheme="red"), rx.hstack(archive, delete, spacing="3")),
        width="100%",
        border=f"1px solid {rx.color('red', 6)}",
    )


def settings_tab() -> rx.Component:
    """The Settings tab."""
    return rx.vstack(
        _general(),
        _unified(),
        rx.cond(
            ProjectState.can_write | ProjectState.is_owner,
            keys_section(),
            rx.callout("API keys are managed by developers and owners.", icon="info", size="1"),
        ),
        rx.cond(ProjectState.is_owner, _danger()),
        spacing="4",
        width="100%",
    )
