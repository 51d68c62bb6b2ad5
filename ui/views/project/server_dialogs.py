"""The add/edit server dialog (form and JSON modes); the import dialog is ``server_import.py``."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import labelled
from ui.components.common import code_block
from ui.components.field_error import field_error
from ui.components.words import TRANSPORT_LABELS
from ui.state.server_form import ServerFormState
from ui.state.server_spec import BLANK
from ui.views.project.server_isolation import isolation_field
from ui.views.project.server_templates import template_picker, template_values


def _secret_chip(key: rx.Var[str], removed: rx.Var[list[str]], on_click: object) -> rx.Component:
    gone = removed.contains(key)  # type: ignore[attr-defined]
    return rx.badge(
        key,
        rx.cond(gone, " · will be removed", " · set"),
        rx.icon(rx.cond(gone, "undo-2", "x"), size=12),
        color_scheme=rx.cond(gone, "red", "gray"),
        variant="soft",
        cursor="pointer",
        on_click=on_click,
        title=rx.cond(gone, "Keep this value", "Remove this value"),
    )


def _secrets(keys: rx.Var[list[str]], removed: rx.Var[list[str]], toggle: object, what: str) -> rx.Component:
    return rx.cond(
        keys.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(
            rx.text(
                f"{what} already set (values are never shown; type a key below to replace it):",
                size="1",
                color_scheme="gray",
            ),
            rx.flex(rx.foreach(keys, lambda k: _secret_chip(k, removed, toggle(k))), wrap="wrap", gap="2"),  # type: ignore[operator]
            spacing="1",
            width="100%",
        ),
    )


def _error(key: str) -> rx.Component:
    return field_error(ServerFormState.form_errors, key, "server")


def _stdio_fields() -> rx.Component:
    d = ServerFormState.draft
    return rx.vstack(
        labelled(
            "Command",
            rx.input(
                name="command",
                default_value=d.command.to(str),
                placeholder="npx, uvx, python…",
                id="server-command",
                read_only=ServerFormState.template_id != BLANK,
                width="100%",
            ),
        ),
        _error("command"),
        labelled(
            "Arguments (one per line)",
            rx.text_area(
                name="args", default_value=ServerFormState.draft_args, rows="3", id="server-args", width="100%"
            ),
        ),
        _error("args"),
        labelled("Working directory", rx.input(name="cwd", default_value=d.cwd.to(str), width="100%")),
        _error("cwd"),
        _secrets(
            ServerFormState.secret_env_keys,
            ServerFormState.removed_env,
            ServerFormState.toggle_removed_env,
            "Environment variables",
        ),
        labelled(
            "Environment (KEY=VALUE per line; stored encrypted)",
            rx.text_area(name="env", rows="3", placeholder="API_TOKEN=…", id="server-env", width="100%"),
        ),
        rx.cond(ServerFormState.template_id == BLANK, _error("env")),
        width="100%",
    )


def _remote_fields() -> rx.Component:
    return rx.vstack(
        labelled(
            "URL",
            rx.input(
                name="url",
                default_value=ServerFormState.draft.url.to(str),
                type="url",
                placeholder="https://example.com/mcp",
                id="server-url",
                width="100%",
            ),
        ),
        _error("url"),
        _secrets(
            ServerFormState.secret_header_keys,
            ServerFormState.removed_headers,
            ServerFormState.toggle_removed_header,
            "Headers",
        ),
        labelled(
            "Headers (Name: value per line; stored encrypted)",
            rx.text_area(name="headers", rows="2", placeholder="Authorization: Bearer …", width="100%"),
        ),
        rx.cond(ServerFormState.template_id == BLANK, _error("headers")),
        width="100%",
    )


def _form_mode() -> rx.Component:
    d = ServerFormState.draft
    return rx.vstack(
        rx.hstack(
            labelled(
                "Name",
                rx.input(
                    name="name",
                    default_value=d.name,
                    required=True,
                    pattern="[a-z0-9][a-z0-9_\\-]{0,47}",
                    title="lowercase letters, digits, - and _",
                    id="server-name",
                    width="100%",
                ),
            ),
            labelled(
                "Transport",
                rx.select.root(
                    rx.select.trigger(id="server-transport"),
                    rx.select.content(
                        *[rx.select.item(TRANSPORT_LABELS[t], value=t) for t in ("stdio", "streamable-http", "sse")]
                    ),
                    name="transport",
                    value=ServerFormState.form_transport,
                    on_change=ServerFormState.set_form_transport,
                    disabled=ServerFormState.template_id != BLANK,
                ),
                width="auto",
            ),
            width="100%",
            align="end",
        ),
        _error("name"),
        labelled("Description", rx.input(name="description", default_value=d.description, width="100%")),
        template_values(),
        # A template's missing values: beside the template's fields, not the free text boxes.
        rx.cond(
            ServerFormState.template_id != BLANK,
            rx.fragment(
                field_error(ServerFormState.form_errors, "env", "template"),
                field_error(ServerFormState.form_errors, "headers", "template"),
            ),
        ),
        rx.cond(ServerFormState.form_transport == "stdio", _stdio_fields(), _remote_fields()),
        rx.hstack(
            labelled(
                "Timeout (s)",
                rx.input(
                    name="timeout",
                    type="number",
                    min="1",
                    max="3600",
                    default_value=d.timeout_seconds.to_string(),
                    width="100px",
                ),
                width="auto",
            ),
            isolation_field(d.isolation),
            spacing="3",
            width="100%",
        ),
        _error("timeout"),
        width="100%",
    )


def _json_mode() -> rx.Component:
    return rx.vstack(
        rx.text(
            "One server as JSON (the ServerCreate schema of the API). Secret values you include are stored "
            "encrypted and never shown again.",
            size="1",
            color_scheme="gray",
        ),
        rx.text_area(
            name="json",
            default_value=ServerFormState.draft_json,
            rows="14",
            font_family="monospace",
            id="server-json",
            width="100%",
        ),
        width="100%",
    )


def _test_outcome() -> rx.Component:
    """What the last "Test" found: the tools, or the error with the end of stderr (scrubbed by the API)."""
    return rx.cond(
        ServerFormState.tested,
        rx.callout.root(
            rx.callout.text(rx.text(ServerFormState.test_summary, weight="medium")),
            rx.cond(
                ServerFormState.test_ok,
                rx.flex(
                    rx.foreach(ServerFormState.test_tools, lambda t: rx.badge(t, variant="soft", color_scheme="grass")),
                    wrap="wrap",
                    gap="1",
                ),
                code_block(ServerFormState.test_error),
            ),
            color_scheme=rx.cond(ServerFormState.test_ok, "grass", "red"),
            width="100%",
            id="server-test-outcome",
        ),
    )


def server_dialog() -> rx.Component:
    """Add or edit a server."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(ServerFormState.editing, "Edit " + ServerFormState.editing, "Add server")),
            rx.cond(ServerFormState.editing, rx.fragment(), template_picker()),
            rx.segmented_control.root(
                rx.segmented_control.item("Form", value="form"),
                rx.segmented_control.item("JSON", value="json"),
                value=ServerFormState.form_mode,
                on_change=ServerFormState.set_form_mode,
                size="1",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.cond(ServerFormState.form_mode == "json", _json_mode(), _form_mode()),
                    _test_outcome(),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.cond(
                            ServerFormState.editing | (ServerFormState.template_id != BLANK),
                            rx.fragment(),
                            rx.button(
                                rx.icon("flask-conical", size=14),
                                "Test",
                                type="submit",
                                variant="soft",
                                loading=ServerFormState.testing,
                                on_click=ServerFormState.set_form_intent("test"),
                                id="server-test",
                            ),
                        ),
                        rx.button(
                            rx.cond(ServerFormState.editing, "Save", "Add server"),
                            type="submit",
                            loading=ServerFormState.saving,
                            on_click=ServerFormState.set_form_intent("save"),
                            id="server-save",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    width="100%",
                    spacing="3",
                    # Inputs are uncontrolled: choosing a template remounts them with its values.
                    key=ServerFormState.template_id,
                ),
                on_submit=ServerFormState.submit,
                reset_on_submit=False,
            ),
            max_width="640px",
        ),
        open=ServerFormState.form_open,
        on_open_change=ServerFormState.set_form_open,
    )
