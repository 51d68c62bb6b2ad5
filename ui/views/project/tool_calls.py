"""The tool-call explorer: filters, numbers and charts, the per-tool table, the paged call table, export.

One filter model, all immediate: the selects apply on change, the text boxes after a short pause
in typing (no Enter, no Apply button), so what the boxes say is what the table, the numbers, the
charts and the export show.
"""

from __future__ import annotations

import reflex as rx

from ui.api.types_calls import ToolCall
from ui.components.common import call_status_badge, code_block, loading_or, stamp
from ui.components.live import live_indicator
from ui.components.paging import pager
from ui.components.words import CALL_STATUS_LABELS, transport_label
from ui.plural import counted_var
from ui.state.live_pages import ExplorerLiveState
from ui.state.timerange import RANGE_LABELS
from ui.state.tool_calls import ToolCallsState
from ui.views.project.tool_call_charts import charts, tool_table

# Status filter: the raw value goes in the URL and the query, the option reads in words.
STATUSES = {"all": "All statuses", **CALL_STATUS_LABELS}
TYPING_PAUSE_MS = 400


def _text_filter(id_: str, placeholder: str, value: rx.Var[str], on_change: object, width: str) -> rx.Component:
    return rx.input(
        id=id_,
        placeholder=placeholder,
        value=value,
        on_change=on_change,
        debounce_timeout=TYPING_PAUSE_MS,
        width=width,
    )


def _filters() -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(id="calls-range"),
            rx.select.content(*[rx.select.item(RANGE_LABELS[k], value=k) for k in ("15m", "1h", "6h", "24h", "7d")]),
            value=ToolCallsState.calls_range,
            on_change=ToolCallsState.set_calls_range,
        ),
        rx.select.root(
            rx.select.trigger(id="calls-status"),
            rx.select.content(*[rx.select.item(word, value=value) for value, word in STATUSES.items()]),
            value=ToolCallsState.status_filter,
            on_change=ToolCallsState.set_status_filter,
        ),
        _text_filter("calls-server", "Server", ToolCallsState.call_server, ToolCallsState.set_call_server, "130px"),
        _text_filter("calls-tool", "Tool", ToolCallsState.call_tool, ToolCallsState.set_call_tool, "130px"),
        _text_filter(
            "calls-search",
            "Search arguments, errors…",
            ToolCallsState.call_search,
            ToolCallsState.set_call_search,
            "200px",
        ),
        rx.button(
            rx.icon("x", size=14), "Clear", variant="ghost", on_click=ToolCallsState.clear_filters, id="calls-clear"
        ),
        rx.spacer(),
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("download", size=14),
                    "Export",
                    variant="soft",
                    loading=ToolCallsState.exporting,
                    id="calls-export",
                )
            ),
            rx.menu.content(
                rx.menu.item("CSV", on_click=ToolCallsState.export_calls("csv"), id="calls-export-csv"),
                rx.menu.item("JSON", on_click=ToolCallsState.export_calls("json"), id="calls-export-json"),
            ),
        ),
        live_indicator(ExplorerLiveState),
        wrap="wrap",
        spacing="2",
        align="center",
        width="100%",
    )


def _detail() -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.flex(
                rx.foreach(ToolCallsState.detail_meta, lambda m: rx.badge(m, variant="outline", color_scheme="gray")),
                wrap="wrap",
                gap="2",
                margin_bottom="8px",
            ),
            rx.grid(
                rx.vstack(
                    rx.text("Arguments", size="1", weight="medium"),
                    code_block(ToolCallsState.detail_args),
                    width="100%",
                ),
                rx.vstack(
                    rx.text("Result", size="1", weight="medium"), code_block(ToolCallsState.detail_result), width="100%"
                ),
                columns="2",
                spacing="3",
                width="100%",
            ),
            col_span=8,
        ),
        class_name="call-detail",
    )


def _caller(call: rx.Var[ToolCall]) -> rx.Component:
    """The API key's name, else the user's name (email on hover), else a dash."""
    by_user = rx.tooltip(
        rx.text(rx.cond(call.user_name, call.user_name, call.user_email.to(str)), size="1"),
        content=call.user_email.to(str),
    )
    return rx.cond(
        call.api_key_id,
        rx.badge(
            rx.icon("key-round", size=12),
            rx.cond(call.api_key_name, call.api_key_name, "deleted key"),
            variant="soft",
            color_scheme="gray",
            class_name="call-key",
        ),
        rx.cond(call.user_id, by_user, rx.text("—", size="1")),
    )


def _row(call: rx.Var[ToolCall]) -> rx.Component:
    return rx.fragment(
        rx.table.row(
            rx.table.cell(
                rx.icon(rx.cond(ToolCallsState.expanded == call.id, "chevron-down", "chevron-right"), size=14)
            ),
            rx.table.cell(rx.text(stamp(call.started_at), size="1", white_space="nowrap")),
            rx.table.cell(rx.text(call.server_name, "/", rx.text(call.tool, as_="span", weight="medium"), size="2")),
            rx.table.cell(call_status_badge(call.status)),
            rx.table.cell(rx.text(call.duration_ms.to_string() + " ms", size="1")),
            rx.table.cell(_caller(call), class_name="call-caller"),
            rx.table.cell(
                rx.text(
                    rx.cond(call.client_name, call.client_name, transport_label(call.transport.to(str))),
                    title=call.transport.to(str),
                    size="1",
                )
            ),
            rx.table.cell(rx.text(rx.cond(call.error_message, call.error_message, ""), size="1", color_scheme="red")),
            on_click=ToolCallsState.toggle_row(call.id),
            cursor="pointer",
            class_name="call-row",
        ),
        rx.cond(ToolCallsState.expanded == call.id, _detail()),
    )


def tool_calls_view() -> rx.Component:
    """Filters, numbers and charts, the per-tool table and the paged call table."""
    headers = ["", "Started", "Tool", "Status", "Duration", "Caller", "Client", "Error"]
    table = rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(ToolCallsState.calls, _row)),
        width="100%",
        size="1",
        variant="surface",
        id="calls-table",
    )
    return rx.vstack(
        _filters(),
        charts(),
        rx.cond(ToolCallsState.tool_rows.length() > 0, tool_table()),  # type: ignore[attr-defined]
        loading_or(
            ToolCallsState.calls_loading,
            rx.cond(
                ToolCallsState.calls.length() > 0,  # type: ignore[attr-defined]
                table,
                rx.text(
                    "No tool calls match these filters. Try a tool from the Tools tab or connect a client.",
                    color_scheme="gray",
                    size="2",
                    id="calls-empty",
                ),
            ),
        ),
        pager(
            counted_var(ToolCallsState.calls_total, "call") + " found",
            ToolCallsState.calls_page,
            ToolCallsState.calls_page_count,
            ToolCallsState.calls_go,
        ),
        width="100%",
        spacing="3",
    )
