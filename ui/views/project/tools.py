"""Tools tab: search, server filter, enable switches, and the Try dialog."""

from __future__ import annotations

import reflex as rx

from ui.api.types_servers import Tool
from ui.components.common import code_block, empty_state, loading_or
from ui.components.live import live_indicator
from ui.components.result_viewer import result_viewer
from ui.components.server_states import server_state, state_dot
from ui.plural import counted_var
from ui.state.live_pages import ToolsLiveState
from ui.state.project import ProjectState
from ui.state.schema_form import FormField
from ui.state.tools import ToolsState
from ui.views.project.budget import budget_card


def _tool_row(tool: rx.Var[Tool]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(rx.cond(tool.title, tool.title, tool.name), weight="medium", class_name="tool-name"),
                rx.cond(tool.title, rx.code(tool.name, size="1")),
                rx.cond(
                    tool.alias, rx.badge("as " + tool.alias.to(str), size="1", variant="soft", class_name="tool-alias")
                ),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.hstack(
                state_dot(server_state(tool.server_enabled, tool.server_status)),
                rx.text(tool.server_name, size="2"),
                align="center",
            )
        ),
        rx.table.cell(rx.text(tool.description, size="1", color_scheme="gray")),
        rx.table.cell(
            rx.tooltip(
                rx.text("~" + tool.context_tokens.to_string(), size="1", class_name="tool-tokens"),  # type: ignore[attr-defined]
                content=tool.context_bytes.to_string() + " bytes in its server's tool list",  # type: ignore[attr-defined]
            )
        ),
        rx.table.cell(
            rx.switch(
                checked=tool.enabled,
                disabled=~ProjectState.can_write,
                class_name="tool-enabled",
                on_change=lambda v: ToolsState.set_enabled(tool.server_name, tool.name, v),
            )
        ),
        rx.cond(
            ProjectState.can_write,
            rx.table.cell(
                rx.button(
                    rx.icon("play", size=12),
                    "Try",
                    size="1",
                    variant="soft",
                    class_name="tool-try",
                    on_click=ToolsState.open_try(tool.server_name, tool.name),
                    disabled=~tool.enabled | ~tool.server_enabled,
                )
            ),
        ),
        align="center",
        class_name="tool-row",
    )


def _field(f: rx.Var[FormField]) -> rx.Component:
    value = ToolsState.try_values.get(f.name, "")  # type: ignore[attr-defined]
    control = rx.match(
        f.kind,
        ("boolean", rx.switch(checked=value == "true", on_change=lambda v: ToolsState.set_try_value(f.name, v))),
        ("enum", rx.select(f.options, value=value, on_change=lambda v: ToolsState.set_try_value(f.name, v))),
        (
            "json",
            rx.text_area(
                value=value,
                on_change=lambda v: ToolsState.set_try_value(f.name, v),
                placeholder=f.placeholder,
                font_family="monospace",
                rows="3",
                width="100%",
            ),
        ),
        rx.input(
            value=value,
            on_change=lambda v: ToolsState.set_try_value(f.name, v),
            placeholder=f.placeholder,
            type=rx.cond((f.kind == "number") | (f.kind == "integer"), "number", "text"),
            width="100%",
            step="any",
            name=f.name,
        ),
    )
    return rx.vstack(
        rx.hstack(
            rx.text(f.label, size="2", weight="medium"),
            rx.cond(f.required, rx.text("*", color="red")),
            rx.code(f.kind, size="1", variant="ghost"),
            spacing="1",
            align="center",
        ),
        control,
        rx.cond(f.description, rx.text(f.description, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
        class_name="try-field",
    )


def _try_form() -> rx.Component:
    return rx.cond(
        ToolsState.try_mode == "json",
        rx.text_area(
            value=ToolsState.try_json,
            on_change=ToolsState.set_try_json,
            rows="8",
            font_family="monospace",
            width="100%",
            id="try-json",
        ),
        rx.cond(
            ToolsState.try_fields.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(rx.foreach(ToolsState.try_fields, _field), width="100%", spacing="3"),
            rx.text("This tool takes no arguments.", size="2", color_scheme="gray"),
        ),
    )


def try_dialog() -> rx.Component:
    """Call a tool with a generated form (or raw JSON) and view the result."""
    t = ToolsState.try_tool
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.hstack(rx.text("Try "), rx.code(t.server_name + "/" + t.name), align="center")),
            rx.dialog.description(t.description, size="2", margin_bottom="8px"),
            rx.vstack(
                rx.segmented_control.root(
                    rx.segmented_control.item("Form", value="form"),
                    rx.segmented_control.item("JSON", value="json"),
                    value=ToolsState.try_mode,
                    on_change=ToolsState.set_try_mode,
                    size="1",
                ),
                _try_form(),
                rx.accordion.root(
                    rx.accordion.item(header="Input schema", content=code_block(ToolsState.try_schema)),
                    collapsible=True,
                    variant="ghost",
                    width="100%",
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    rx.button(
                        rx.icon("play", size=14),
                        "Call tool",
                        on_click=ToolsState.call,
                        loading=ToolsState.calling,
                        id="try-call",
                    ),
                    justify="end",
                    width="100%",
                ),
                rx.cond(ToolsState.has_result, result_viewer(ToolsState.result)),
                width="100%",
                spacing="3",
            ),
            max_width="720px",
        ),
        open=ToolsState.try_open,
        on_open_change=ToolsState.set_try_open,
    )


def _count_label() -> rx.Var[str]:
    count = ToolsState.visible_tools.length()  # type: ignore[attr-defined]
    return counted_var(count, "tool") + " · " + ToolsState.visible_tokens + " tokens enabled"  # type: ignore[no-any-return]


def tools_tab() -> rx.Component:
    """The Tools tab."""
    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                *[rx.table.column_header_cell(h) for h in ("Tool", "Server", "Description", "Tokens", "Enabled")],
                rx.cond(ProjectState.can_write, rx.table.column_header_cell("")),
            )
        ),
        rx.table.body(rx.foreach(ToolsState.visible_tools, _tool_row)),
        width="100%",
        variant="surface",
        id="tools-table",
    )
    empty = empty_state(
        "wrench",
        "No tools yet",
        "Tools appear once a server has been started or refreshed. Add servers in the Servers tab.",
        rx.button("Go to Servers", size="1", on_click=ProjectState.go_tab("servers")),
    )
    return rx.vstack(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=14)),
                placeholder="Search tools",
                value=ToolsState.tool_search,
                on_change=ToolsState.set_tool_search,
                width="260px",
                id="tool-search",
            ),
            rx.select.root(
                rx.select.trigger(),
                rx.select.content(
                    rx.select.item("All servers", value="all"),
                    rx.foreach(ToolsState.server_names, lambda n: rx.select.item(n, value=n)),
                ),
                value=ToolsState.server_filter,
                on_change=ToolsState.set_server_filter,
            ),
            rx.segmented_control.root(
                rx.segmented_control.item("By server", value="server"),
                rx.segmented_control.item("Costliest first", value="tokens"),
                value=ToolsState.tool_sort,
                on_change=ToolsState.set_tool_sort,
                size="1",
                id="tool-sort",
            ),
            rx.spacer(),
            rx.text(_count_label(), size="2", color_scheme="gray", id="tools-count"),
            live_indicator(ToolsLiveState),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        loading_or(
            ToolsState.tools_loading,
            rx.cond(
                ToolsState.tools.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(budget_card(), table, spacing="4", width="100%"),
                empty,
            ),
        ),
        try_dialog(),
        spacing="4",
        width="100%",
    )
