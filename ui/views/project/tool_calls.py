"""The tool-call explorer: filters, charts (recharts), a paged table with expandable rows."""

from __future__ import annotations

import reflex as rx

from ui.api.types_servers import ToolCall
from ui.components.common import code_block, loading_or, stamp, stat_card, status_badge
from ui.components.paging import pager
from ui.state.timerange import RANGE_LABELS
from ui.state.tool_calls import ToolCallsState

STATUSES = ["all", "success", "error", "timeout", "cancelled"]


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.select.root(
                rx.select.trigger(id="calls-range"),
                rx.select.content(
                    *[rx.select.item(RANGE_LABELS[k], value=k) for k in ("15m", "1h", "6h", "24h", "7d")]
                ),
                value=ToolCallsState.calls_range,
                on_change=ToolCallsState.set_calls_range,
            ),
            rx.select(
                STATUSES,
                value=ToolCallsState.status_filter,
                on_change=ToolCallsState.set_status_filter,
                id="calls-status",
            ),
            rx.input(name="server", placeholder="Server", default_value=ToolCallsState.call_server, width="130px"),
            rx.input(name="tool", placeholder="Tool", default_value=ToolCallsState.call_tool, width="130px"),
            rx.input(
                name="search",
                placeholder="Search arguments, errors…",
                default_value=ToolCallsState.call_search,
                width="200px",
            ),
            rx.button(rx.icon("search", size=14), "Filter", type="submit", variant="soft"),
            rx.spacer(),
            rx.hstack(
                rx.switch(checked=ToolCallsState.auto_refresh, on_change=ToolCallsState.set_auto_refresh, size="1"),
                rx.text("Auto-refresh", size="1"),
                align="center",
            ),
            wrap="wrap",
            spacing="2",
            align="center",
            width="100%",
        ),
        on_submit=ToolCallsState.apply_filters,
        reset_on_submit=False,
        width="100%",
        # The text boxes keep what was typed; a new value from the URL (a link, a reload) remounts them.
        key=f"{ToolCallsState.call_server}|{ToolCallsState.call_tool}|{ToolCallsState.call_search}",
    )


def _charts() -> rx.Component:
    m = ToolCallsState.metrics
    calls_chart = rx.recharts.area_chart(
        rx.recharts.area(data_key="calls", stroke=rx.color("accent", 9), fill=rx.color("accent", 5), name="calls"),
        rx.recharts.area(data_key="errors", stroke=rx.color("red", 9), fill=rx.color("red", 5), name="errors"),
        rx.recharts.x_axis(data_key="t", min_tick_gap=24),
        rx.recharts.y_axis(allow_decimals=False, width=32),
        rx.recharts.graphing_tooltip(),
        data=ToolCallsState.series,
        height=180,
        width="100%",
    )
    top_chart = rx.recharts.bar_chart(
        rx.recharts.bar(data_key="calls", fill=rx.color("accent", 8), name="calls"),
        rx.recharts.bar(data_key="errors", fill=rx.color("red", 8), name="errors"),
        rx.recharts.x_axis(data_key="tool", hide=True),
        rx.recharts.y_axis(allow_decimals=False, width=32),
        rx.recharts.graphing_tooltip(),
        data=ToolCallsState.top_tools,
        height=180,
        width="100%",
    )
    return rx.vstack(
        rx.hstack(
            stat_card("Calls", m.total, "phone-outgoing"),
            stat_card("Success rate", ToolCallsState.success_rate, "circle-check"),
            stat_card("p50 latency", ToolCallsState.latency[0], "timer"),
            stat_card("p95 latency", ToolCallsState.latency[1], "timer-reset"),
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        rx.grid(
            rx.card(rx.text("Calls per bucket (UTC)", size="1", weight="medium"), calls_chart, id="calls-chart"),
            rx.card(rx.text("Top tools", size="1", weight="medium"), top_chart),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        spacing="3",
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
            col_span=7,
        ),
        class_name="call-detail",
    )


def _row(call: rx.Var[ToolCall]) -> rx.Component:
    return rx.fragment(
        rx.table.row(
            rx.table.cell(
                rx.icon(rx.cond(ToolCallsState.expanded == call.id, "chevron-down", "chevron-right"), size=14)
            ),
            rx.table.cell(rx.text(stamp(call.started_at), size="1", white_space="nowrap")),
            rx.table.cell(rx.text(call.server_name, "/", rx.text(call.tool, as_="span", weight="medium"), size="2")),
            rx.table.cell(status_badge(call.status)),
            rx.table.cell(rx.text(call.duration_ms.to_string() + " ms", size="1")),
            rx.table.cell(rx.text(rx.cond(call.client_name, call.client_name, call.transport.to(str)), size="1")),
            rx.table.cell(rx.text(rx.cond(call.error_message, call.error_message, ""), size="1", color_scheme="red")),
            on_click=ToolCallsState.toggle_row(call.id),
            cursor="pointer",
            class_name="call-row",
        ),
        rx.cond(ToolCallsState.expanded == call.id, _detail()),
    )


def tool_calls_view() -> rx.Component:
    """Filters, charts and the paged call table."""
    headers = ["", "Started", "Tool", "Status", "Duration", "Client", "Error"]
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
        _charts(),
        loading_or(
            ToolCallsState.calls_loading,
            rx.cond(
                ToolCallsState.calls.length() > 0,  # type: ignore[attr-defined]
                table,
                rx.text(
                    "No tool calls in this range. Try a tool from the Tools tab or connect a client.",
                    color_scheme="gray",
                    size="2",
                ),
            ),
        ),
        pager(
            ToolCallsState.calls_page,
            ToolCallsState.calls_page_count,
            ToolCallsState.calls_total,
            ToolCallsState.calls_go,
        ),
        width="100%",
        spacing="3",
    )
