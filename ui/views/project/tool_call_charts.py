"""The tool-call explorer's numbers: headline cards, per-bucket step charts, top tools and the per-tool table.

Everything here follows the explorer's filters (the API's metrics take the list's filters). Lines
are steps, not curves, and an empty bucket is a gap in the rate and latency lines, never a slope
drawn from its neighbours.
"""

from __future__ import annotations

import reflex as rx

from ui.components.common import errors_card, stamp, stat_card
from ui.state.tool_calls import ToolCallsState

CHART_HEIGHT = 180


def _step(key: str, name: str, color: str, *, dots: bool = False) -> rx.Component:
    """A step line; ``dots`` marks each bucket, so a lone bucket between gaps still shows."""
    return rx.recharts.line(
        data_key=key,
        name=name,
        type_="stepAfter",
        stroke=rx.color(color, 9),
        dot=dots,
        connect_nulls=False,
        is_animation_active=False,
    )


def _line_chart(*lines: rx.Component, decimals: bool = False) -> rx.Component:
    return rx.recharts.line_chart(
        *lines,
        rx.recharts.x_axis(data_key="t", min_tick_gap=24),
        rx.recharts.y_axis(allow_decimals=decimals, width=48),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        data=ToolCallsState.series,
        height=CHART_HEIGHT,
        width="100%",
    )


def _card(title: str, chart: rx.Component, id_: str) -> rx.Component:
    return rx.card(rx.text(title, size="1", weight="medium"), chart, id=id_)


def _headline() -> rx.Component:
    m = ToolCallsState.metrics
    return rx.hstack(
        stat_card("Calls", m.total, "phone-outgoing", id="calls-total"),
        errors_card(m, id="calls-errors"),
        stat_card("Success rate", ToolCallsState.success_rate, "circle-check", id="calls-success-rate"),
        stat_card("p50 latency", ToolCallsState.latency[0], "timer", id="calls-p50"),
        stat_card("p95 latency", ToolCallsState.latency[1], "timer-reset", id="calls-p95"),
        width="100%",
        wrap="wrap",
        spacing="3",
    )


def _top_tools() -> rx.Component:
    chart = rx.recharts.bar_chart(
        rx.recharts.bar(data_key="calls", fill=rx.color("accent", 8), name="calls", is_animation_active=False),
        rx.recharts.bar(data_key="errors", fill=rx.color("red", 8), name="errors", is_animation_active=False),
        rx.recharts.x_axis(type_="number", allow_decimals=False),
        rx.recharts.y_axis(data_key="tool", type_="category", width=150, interval=0),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        data=ToolCallsState.top_tools,
        layout="vertical",
        height=CHART_HEIGHT,
        width="100%",
    )
    return _card("Top tools (server/tool)", chart, "top-tools-chart")


def charts() -> rx.Component:
    """Headline numbers and the four charts."""
    calls = _line_chart(_step("calls", "calls", "accent"), _step("errors", "errors", "red"))
    rate = _line_chart(_step("error_rate", "error rate", "red", dots=True), decimals=True)
    latency = _line_chart(
        _step("p50", "p50", "accent", dots=True), _step("p95", "p95", "amber", dots=True), decimals=True
    )
    return rx.vstack(
        _headline(),
        rx.grid(
            _card("Calls and errors per bucket (UTC)", calls, "calls-chart"),
            _card("Error rate per bucket (%)", rate, "error-rate-chart"),
            _card("Latency per bucket (ms, p50 and p95)", latency, "latency-chart"),
            _top_tools(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        spacing="3",
    )


def _sort_header(label: str, key: str) -> rx.Component:
    arrow = rx.cond(
        ToolCallsState.tool_sort == key,
        rx.icon(rx.cond(ToolCallsState.tool_sort_desc, "arrow-down", "arrow-up"), size=12),
        rx.fragment(),
    )
    return rx.table.column_header_cell(
        rx.hstack(label, arrow, spacing="1", align="center"),
        on_click=ToolCallsState.sort_tools(key),
        cursor="pointer",
        class_name=f"tool-sort-{key}",
    )


def _tool_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["server"], "/", rx.text(row["tool"], as_="span", weight="medium"), size="2")),
        rx.table.cell(row["calls"]),
        rx.table.cell(row["errors"]),
        rx.table.cell(row["p50"]),
        rx.table.cell(row["p95"]),
        rx.table.cell(rx.text(stamp(row["last"]), size="1", white_space="nowrap")),
        class_name="tool-stat-row",
    )


def tool_table() -> rx.Component:
    """Calls, errors, p50, p95 and last call per tool; a header click sorts by it."""
    headers = [("Tool", "tool"), ("Calls", "calls"), ("Errors", "errors"), ("p50", "p50"), ("p95", "p95")]
    return rx.card(
        rx.text("Per tool", size="1", weight="medium"),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[_sort_header(h, k) for h, k in headers], _sort_header("Last call", "last"))
                ),
                rx.table.body(rx.foreach(ToolCallsState.tool_rows, _tool_row)),
                width="100%",
                size="1",
                id="tools-table",
            ),
            overflow_x="auto",
            width="100%",
        ),
        width="100%",
    )
