"""Servers tab: table with live status and actions, refresh-all progress, add/import/export."""

from __future__ import annotations

import reflex as rx

from ui.api.types_servers import Server
from ui.components.common import empty_state, loading_or, time_ago
from ui.components.dialogs import confirm_button
from ui.components.live import live_indicator
from ui.components.server_states import server_state, state_dot, state_legend, state_text
from ui.plural import counted_var
from ui.state.live_pages import ServersLiveState
from ui.state.project import ProjectState
from ui.state.server_form import ServerFormState
from ui.state.server_import import ServerImportState
from ui.state.servers import ServersState
from ui.views.project.server_dialogs import server_dialog
from ui.views.project.server_import import import_dialog


def _status(server: rx.Var[Server]) -> rx.Var[str]:
    return server_state(server.enabled, server.status)


def _target(server: rx.Var[Server]) -> rx.Component:
    return rx.text(
        rx.cond(server.transport == "stdio", server.command.to(str) + " " + server.args.join(" "), server.url.to(str)),  # type: ignore[attr-defined]
        size="1",
        color_scheme="gray",
        font_family="monospace",
        max_width=["200px", "200px", "360px"],
        overflow="hidden",
        text_overflow="ellipsis",
        white_space="nowrap",
    )


def _actions(server: rx.Var[Server]) -> rx.Component:
    busy = ServersState.busy == server.name
    return rx.hstack(
        rx.icon_button(
            rx.icon("rotate-cw", size=14),
            variant="ghost",
            title="Restart",
            loading=busy,
            on_click=ServersState.restart(server.name),
            class_name="server-restart",
        ),
        rx.icon_button(
            rx.icon("refresh-ccw", size=14),
            variant="ghost",
            title="Refresh tools",
            on_click=ServersState.refresh(server.name),
            class_name="server-refresh",
        ),
        rx.icon_button(
            rx.icon("pencil", size=14),
            variant="ghost",
            title="Edit",
            on_click=ServerFormState.open_edit(server.name),
            class_name="server-edit",
        ),
        confirm_button(
            rx.icon_button(
                rx.icon("trash-2", size=14),
                variant="ghost",
                color_scheme="red",
                title="Delete",
                class_name="server-delete",
            ),
            "Delete server " + server.name + "?",
            "Its tools disappear from every MCP client of this project. Tool-call history is kept.",
            ServersState.delete(server.name),
        ),
        spacing="1",
    )


def _row(server: rx.Var[Server]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                state_dot(_status(server)),
                rx.vstack(
                    rx.link(
                        server.name,
                        href="/projects/" + ProjectState.project.slug + "/servers/" + server.name,
                        weight="medium",
                        class_name="server-link",
                    ),
                    _target(server),
                    spacing="0",
                ),
                align="center",
            )
        ),
        rx.table.cell(state_text(_status(server), size="2", class_name="server-status")),
        rx.table.cell(rx.text(server.tools_count, class_name="server-tools")),
        rx.table.cell(rx.text(time_ago(server.last_checked_at), size="1")),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    server.started_at,
                    rx.text(
                        "up ",
                        rx.moment(
                            server.started_at,
                            from_now=True,
                            ago=True,
                            with_title=True,
                            title_format="YYYY-MM-DD HH:mm:ss",
                        ),
                        size="1",
                    ),
                    rx.text("—", size="1"),
                ),
                rx.text(counted_var(server.restarts, "restart"), size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.switch(
                checked=server.enabled,
                on_change=lambda _: ServersState.toggle(server.name),
                disabled=~ProjectState.can_write,
                class_name="server-toggle",
            )
        ),
        rx.cond(ProjectState.can_write, rx.table.cell(_actions(server))),
        align="center",
        class_name="server-row",
    )


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.heading("Servers", size="4"),
        live_indicator(ServersLiveState),
        rx.spacer(),
        rx.button(
            rx.icon("download", size=14),
            "Export",
            variant="soft",
            color_scheme="gray",
            on_click=ServersState.export,
            id="export-servers",
        ),
        rx.cond(
            ProjectState.can_write,
            rx.hstack(
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    "Refresh all",
                    variant="soft",
                    on_click=ServersState.refresh_all,
                    loading=ServersState.refresh_running,
                    id="refresh-all",
                ),
                rx.button(
                    rx.icon("file-up", size=14),
                    "Import",
                    variant="soft",
                    on_click=ServerImportState.set_import_open(True),
                    id="import-servers",
                ),
                rx.button(
                    rx.icon("plus", size=14), "Add server", on_click=ServerFormState.open_create, id="add-server"
                ),
                spacing="2",
            ),
        ),
        width="100%",
        align="center",
        spacing="2",
        wrap="wrap",
    )


def servers_tab() -> rx.Component:
    """The Servers tab."""
    status_header = rx.table.column_header_cell(rx.hstack("Status", state_legend(), align="center", spacing="1"))
    headers = [rx.table.column_header_cell(h) for h in ("Tools", "Last check", "Uptime", "Enabled")]
    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Server"),
                status_header,
                *headers,
                rx.cond(ProjectState.can_write, rx.table.column_header_cell("")),
            )
        ),
        rx.table.body(rx.foreach(ServersState.servers, _row)),
        width="100%",
        variant="surface",
        id="servers-table",
    )
    empty = empty_state(
        "server",
        "No servers in this project",
        "Register a stdio command or a remote MCP URL, or import the mcpServers JSON of Claude Desktop, "
        "Cursor or VS Code.",
        *[
            rx.cond(ProjectState.can_write, rx.button("Add server", on_click=ServerFormState.open_create)),
            rx.cond(
                ProjectState.can_write,
                rx.button("Import JSON", variant="soft", on_click=ServerImportState.set_import_open(True)),
            ),
        ],
    )
    return rx.vstack(
        _toolbar(),
        rx.cond(
            ServersState.refresh_running,
            rx.vstack(
                rx.progress(value=(ServersState.refresh_progress * 100).to(int), width="100%", id="refresh-progress"),
                rx.text(ServersState.refresh_label, size="1", color_scheme="gray"),
                width="100%",
            ),
        ),
        loading_or(
            ServersState.servers_loading,
            rx.cond(ServersState.servers.length() > 0, table, empty),  # type: ignore[attr-defined]
        ),
        server_dialog(),
        import_dialog(),
        spacing="4",
        width="100%",
    )
