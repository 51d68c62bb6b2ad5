"""Server page tabs: Tools, Logs (level filter, live tail), Calls, Settings."""

from __future__ import annotations

import reflex as rx

from ui.api.types_servers import Tool, ToolCall
from ui.components.common import call_status_badge, code_block, errors_card, stamp, stat_card
from ui.components.dialogs import confirm_button
from ui.plural import counted_var
from ui.state.project import ProjectState
from ui.state.server_detail import ServerDetailState
from ui.state.server_form import ServerFormState
from ui.views.project.server_dialogs import server_dialog
from ui.views.server.tool_alias import alias_button, alias_dialog, tool_names

# The log level filter: the query's value → what the menu says.
LEVELS = {"all": "All levels", "debug": "Debug", "info": "Info", "warning": "Warnings", "error": "Errors"}


def _tool(tool: rx.Var[Tool]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(tool_names(tool)),
        rx.table.cell(rx.text(tool.description, size="1", color_scheme="gray")),
        rx.table.cell(
            rx.badge(
                rx.cond(tool.enabled, "Enabled", "Disabled"),
                color_scheme=rx.cond(tool.enabled, "green", "gray"),
                title=rx.cond(tool.enabled, "enabled", "disabled"),
                class_name="tool-state",
            )
        ),
        rx.cond(ProjectState.can_write, rx.table.cell(alias_button(tool))),
        class_name="server-tool-row",
    )


def server_tools() -> rx.Component:
    """The server's tools with their aliases (enable/disable and Try live on the project's Tools tab)."""
    return rx.vstack(
        rx.text(
            "Give a tool a shorter name for clients with the pencil. Enable, disable and try tools on the project's ",
            rx.link("Tools tab", href="/projects/" + ProjectState.project.slug + "/tools"),
            ".",
            size="2",
        ),
        rx.table.root(
            rx.table.body(rx.foreach(ServerDetailState.server_tools, _tool)), width="100%", variant="surface"
        ),
        alias_dialog(),
        width="100%",
    )


def server_logs() -> rx.Component:
    """Log lines with a level filter and live tail."""
    return rx.vstack(
        rx.hstack(
            rx.select.root(
                rx.select.trigger(id="log-level"),
                rx.select.content(*[rx.select.item(label, value=level) for level, label in LEVELS.items()]),
                value=ServerDetailState.log_level,
                on_change=ServerDetailState.set_log_level,
            ),
            rx.hstack(
                rx.switch(checked=ServerDetailState.tail, on_change=ServerDetailState.set_tail, size="1"),
                rx.text("Live tail", size="2"),
                align="center",
            ),
            rx.spacer(),
            rx.text(counted_var(ServerDetailState.logs.length(), "line"), size="1", color_scheme="gray"),  # type: ignore[attr-defined]
            width="100%",
            align="center",
        ),
        rx.cond(
            ServerDetailState.logs.length() > 0,  # type: ignore[attr-defined]
            rx.auto_scroll(
                rx.el.pre(ServerDetailState.log_text, style={"margin": 0, "white_space": "pre-wrap"}),
                height="480px",
                width="100%",
                font_family="monospace",
                font_size="12px",
                padding="10px",
                background_color=rx.color("gray", 2),
                border_radius="8px",
                id="server-logs",
            ),
            rx.text(
                "No log lines yet. Servers log their start, stop, errors and stderr here.",
                color_scheme="gray",
                size="2",
            ),
        ),
        width="100%",
    )


def _call(call: rx.Var[ToolCall]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(stamp(call.started_at), size="1")),
        rx.table.cell(
            rx.text(
                call.tool,
                rx.cond(call.tool_alias, " (as " + call.tool_alias.to(str) + ")", ""),
                weight="medium",
                size="2",
            )
        ),
        rx.table.cell(call_status_badge(call.status)),
        rx.table.cell(rx.text(call.duration_ms.to_string() + " ms", size="1")),
        rx.table.cell(rx.text(rx.cond(call.error_message, call.error_message, ""), size="1", color_scheme="red")),
    )


def server_calls() -> rx.Component:
    """This server's calls of the last 24 hours."""
    m = ServerDetailState.server_metrics
    return rx.vstack(
        rx.hstack(
            stat_card("Calls (24h)", m.total, "phone-outgoing"),
            errors_card(m),
            stat_card("p50", rx.cond(m.p50_ms, m.p50_ms.to_string() + " ms", "—"), "timer"),  # type: ignore[union-attr]
            stat_card("p95", rx.cond(m.p95_ms, m.p95_ms.to_string() + " ms", "—"), "timer-reset"),  # type: ignore[union-attr]
            width="100%",
            wrap="wrap",
        ),
        rx.table.root(
            rx.table.body(rx.foreach(ServerDetailState.server_calls, _call)), width="100%", size="1", variant="surface"
        ),
        width="100%",
    )


def server_settings() -> rx.Component:
    """Edit (the add/edit dialog) and delete."""
    s = ServerDetailState.server
    return rx.vstack(
        rx.card(
            rx.vstack(
                rx.heading("Configuration", size="3"),
                code_block(ServerDetailState.server_json),
                rx.cond(
                    ProjectState.can_write,
                    rx.button(
                        rx.icon("pencil", size=14),
                        "Edit server",
                        on_click=ServerFormState.open_edit(s.name),
                        id="edit-server",
                    ),
                ),
                width="100%",
            ),
            width="100%",
        ),
        rx.cond(
            ProjectState.can_write,
            rx.card(
                rx.hstack(
                    rx.text("Delete this server. Its tools disappear from every client of the project.", size="2"),
                    rx.spacer(),
                    confirm_button(
                        rx.button("Delete server", color_scheme="red"),
                        "Delete server " + s.name + "?",
                        "This cannot be undone.",
                        ServerDetailState.delete_and_leave(s.name),
                    ),
                    align="center",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        server_dialog(),
        width="100%",
        spacing="4",
    )
