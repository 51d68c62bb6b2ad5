"""The "Start from a template" part of the add-server dialog: the picker and the values a template needs."""

from __future__ import annotations

import reflex as rx

from ui.api.types_servers import TemplateValue
from ui.components.auth_card import labelled
from ui.state.server_form import ServerFormState
from ui.state.server_spec import BLANK, TEMPLATE_FIELD


def template_picker() -> rx.Component:
    """Choose a curated server (or a blank form); the chosen one's description and argument help."""
    t = ServerFormState.template
    return rx.vstack(
        labelled(
            "Start from a template",
            rx.select.root(
                rx.select.trigger(placeholder="Blank server", id="server-template", width="100%"),
                rx.select.content(
                    rx.select.item("Blank server", value=BLANK),
                    rx.foreach(ServerFormState.templates, lambda tpl: rx.select.item(tpl.name, value=tpl.id)),
                ),
                value=ServerFormState.template_id,
                on_change=ServerFormState.choose_template,
            ),
        ),
        rx.cond(
            ServerFormState.template_id != BLANK,
            rx.callout.root(
                rx.callout.icon(rx.icon("package", size=16)),
                rx.vstack(
                    rx.text(t.description, size="2", id="template-description"),
                    rx.cond(t.args_help, rx.text(t.args_help, size="1", color_scheme="gray", id="template-args-help")),
                    rx.text(
                        "Transport and command come from the template; the arguments can be changed.",
                        size="1",
                        color_scheme="gray",
                    ),
                    spacing="1",
                ),
                size="1",
                width="100%",
            ),
        ),
        width="100%",
        spacing="2",
        margin_bottom="12px",
    )


def _value_field(value: rx.Var[TemplateValue], what: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.code(value.key, size="2"),
            rx.cond(
                value.required,
                rx.badge("required", color_scheme="amber", variant="soft", size="1"),
                rx.badge("optional", color_scheme="gray", variant="soft", size="1"),
            ),
            align="center",
            spacing="2",
        ),
        rx.input(
            name=TEMPLATE_FIELD.format(what=what) + value.key,
            # Required values of the catalogue are credentials: keep them off the screen.
            type=rx.cond(value.required, "password", "text"),
            auto_complete="off",
            id=f"template-{what}-" + value.key,
            width="100%",
        ),
        rx.text(value.help, size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
        class_name="template-value",
    )


def template_values() -> rx.Component:
    """A labelled input, with its help, for each env key and header the chosen template asks for."""
    t = ServerFormState.template
    return rx.cond(
        t.env.length() + t.headers.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(
            rx.text("Values this server needs (stored encrypted, never shown again)", size="2", weight="medium"),
            rx.foreach(t.env, lambda v: _value_field(v, "env")),
            rx.foreach(t.headers, lambda v: _value_field(v, "headers")),
            spacing="3",
            width="100%",
            padding="12px",
            border=f"1px solid {rx.color('gray', 6)}",
            border_radius="8px",
            id="template-values",
        ),
    )
