"""The alias of a tool on the server page: shown beside its name, edited in a small dialog."""

from __future__ import annotations

import reflex as rx

from ui.api.types_servers import Tool
from ui.state.tool_alias import ALIAS_RULE, ToolAliasState


def tool_names(tool: rx.Var[Tool]) -> rx.Component:
    """The tool's name, and the alias clients see instead when it has one."""
    return rx.hstack(
        rx.text(tool.name, weight="medium", class_name="tool-name"),
        rx.cond(
            tool.alias,
            rx.tooltip(
                rx.badge(rx.icon("arrow-right", size=12), tool.alias, variant="soft", class_name="tool-alias"),
                content="Clients see this tool as " + tool.alias.to(str) + " (unified: " + tool.unified_name + ")",
            ),
        ),
        spacing="2",
        align="center",
    )


def alias_button(tool: rx.Var[Tool]) -> rx.Component:
    """Opens the alias dialog for one tool."""
    return rx.icon_button(
        rx.icon("pencil", size=12),
        size="1",
        variant="ghost",
        title="Set the name clients see",
        class_name="tool-alias-edit",
        on_click=ToolAliasState.open_alias(tool.name, tool.alias),
    )


def alias_dialog() -> rx.Component:
    """Set or clear the alias of the chosen tool; a refused alias is explained under the field."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.hstack(rx.text("Alias of "), rx.code(ToolAliasState.alias_tool), align="center")),
            rx.dialog.description(
                "Clients see the tool under this name instead of its own, on this server's endpoint and "
                "(prefixed with the server) on the unified one; its own name is no longer offered. "
                + ALIAS_RULE
                + ". Leave it empty to use the tool's own name.",
                size="2",
                margin_bottom="8px",
            ),
            rx.vstack(
                rx.input(
                    value=ToolAliasState.alias_text,
                    on_change=ToolAliasState.set_alias_text,
                    placeholder=ToolAliasState.alias_tool,
                    max_length=64,
                    width="100%",
                    id="tool-alias-input",
                ),
                rx.cond(
                    ToolAliasState.alias_error,
                    rx.text(ToolAliasState.alias_error, size="1", color_scheme="red", id="tool-alias-error"),
                ),
                rx.hstack(
                    rx.button(
                        "Use its own name",
                        variant="soft",
                        color_scheme="gray",
                        on_click=ToolAliasState.clear_alias,
                        id="tool-alias-clear",
                    ),
                    rx.spacer(),
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button(
                        "Save",
                        on_click=ToolAliasState.save_alias,
                        loading=ToolAliasState.alias_saving,
                        disabled=ToolAliasState.alias_error != "",
                        id="tool-alias-save",
                    ),
                    width="100%",
                ),
                width="100%",
                spacing="3",
            ),
            max_width="480px",
        ),
        open=ToolAliasState.alias_open,
        on_open_change=ToolAliasState.set_alias_open,
    )
