"""The allowed-commands section: which commands stdio servers may run on this instance."""

from __future__ import annotations

import reflex as rx

from ui.state.admin_commands import AdminCommandsState


def _codes(items: rx.Var[list[str]], empty: str, id_: str) -> rx.Component:
    return rx.cond(
        items.length() > 0,  # type: ignore[attr-defined]
        rx.flex(rx.foreach(items, lambda c: rx.code(c, size="2")), wrap="wrap", spacing="2", id=id_),
        rx.text(empty, size="2", color_scheme="gray", id=id_),
    )


def commands_section() -> rx.Component:
    """Built-in commands (from the environment), the additions administrators edit, and those in force."""
    state = AdminCommandsState
    return rx.vstack(
        rx.text(
            "A stdio server may only run a command listed here: a bare name (python), found on the PATH, or an "
            "absolute path (/opt/tools/bin/server). Servers already saved with a command that is no longer "
            "allowed keep running; new and changed servers are checked against this list.",
            size="2",
            color_scheme="gray",
        ),
        rx.card(
            rx.vstack(
                rx.text("Built in", weight="medium"),
                rx.text(
                    "Set by MCP_ORCH_ALLOWED_COMMANDS when mcp-orch starts; change it there.",
                    size="1",
                    color_scheme="gray",
                ),
                _codes(state.built_in, "None", "commands-built-in"),
                spacing="2",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.text("Added by administrators", weight="medium"),
                rx.text("One command per line, without arguments.", size="1", color_scheme="gray"),
                rx.text_area(
                    value=state.added_text,
                    on_change=state.set_added_text,
                    rows="6",
                    width="100%",
                    font_family="monospace",
                    id="commands-added",
                    color_scheme=rx.cond(state.commands_error, "red", "gray"),
                ),
                rx.cond(
                    state.commands_error,
                    rx.text(state.commands_error, size="2", color_scheme="red", id="commands-error"),
                ),
                rx.button("Save", on_click=state.save_commands, loading=state.saving_commands, id="commands-save"),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.text("In force", weight="medium"),
                _codes(state.effective, "No command is allowed: stdio servers cannot be added.", "commands-effective"),
                spacing="2",
            ),
            width="100%",
        ),
        width="100%",
        spacing="3",
        on_mount=state.load_commands,
    )
