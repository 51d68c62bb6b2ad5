"""Activity tab: the audit feed (filters, paging) and the switch to the tool-call explorer."""

from __future__ import annotations

import reflex as rx

from ui.components.activity_facts import ActivityRow
from ui.components.common import empty_state, loading_or, time_ago
from ui.components.paging import pager
from ui.components.words import event_badge
from ui.plural import counted_var
from ui.state.activity import ActivityState
from ui.state.timerange import RANGE_LABELS
from ui.views.project.tool_calls import tool_calls_view


def range_select(value: rx.Var[str], on_change: object, keys: list[str], id_: str = "") -> rx.Component:
    """A select of time ranges."""
    return rx.select.root(
        rx.select.trigger(id=id_ or None),
        rx.select.content(*[rx.select.item(RANGE_LABELS[k], value=k) for k in keys]),
        value=value,
        on_change=on_change,
    )


def _details(item: rx.Var[ActivityRow]) -> rx.Component:
    return rx.foreach(
        item.facts,
        lambda fact: rx.badge(
            fact[0], ": ", fact[1], title=fact[2], variant="outline", color_scheme="gray", size="1", class_name="fact"
        ),
    )


def _row(item: rx.Var[ActivityRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(time_ago(item.created_at), size="1", white_space="nowrap")),
        rx.table.cell(event_badge(item.type, item.details)),
        rx.table.cell(rx.text(rx.cond(item.actor_name, item.actor_name, "system"), size="2")),
        rx.table.cell(rx.text(item.target, ": ", rx.text(item.target_name, as_="span", weight="medium"), size="2")),
        rx.table.cell(rx.flex(_details(item), wrap="wrap", gap="1")),
        class_name="activity-row",
    )


def _feed() -> rx.Component:
    filters = rx.hstack(
        rx.input(
            placeholder="Type (e.g. member, server.created)",
            value=ActivityState.type_filter,
            on_change=ActivityState.set_type_filter,
            on_blur=ActivityState.load,
            width="240px",
            id="activity-type",
        ),
        rx.input(
            placeholder="Actor email",
            value=ActivityState.actor_filter,
            on_change=ActivityState.set_actor_filter,
            on_blur=ActivityState.load,
            width="200px",
        ),
        range_select(ActivityState.range_filter, ActivityState.set_range_filter, ["1h", "24h", "7d", "all"]),
        rx.button(rx.icon("search", size=14), "Apply", variant="soft", on_click=ActivityState.load),
        wrap="wrap",
        spacing="2",
    )
    table = rx.table.root(
        rx.table.header(
            rx.table.row(*[rx.table.column_header_cell(h) for h in ("When", "Type", "Actor", "Target", "Details")])
        ),
        rx.table.body(rx.foreach(ActivityState.items, _row)),
        width="100%",
        variant="surface",
        size="1",
        id="activity-table",
    )
    return rx.vstack(
        filters,
        loading_or(
            ActivityState.activity_loading,
            rx.cond(
                ActivityState.items.length() > 0,  # type: ignore[attr-defined]
                table,
                empty_state("activity", "No activity", "Nothing matches these filters yet."),
            ),
        ),
        pager(
            counted_var(ActivityState.total, "event") + " found",
            ActivityState.page,
            ActivityState.page_count,
            ActivityState.go_page,
        ),
        width="100%",
        spacing="3",
    )


def activity_tab() -> rx.Component:
    """The Activity tab."""
    return rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item("Audit feed", value="feed"),
            rx.segmented_control.item("Tool calls", value="calls"),
            value=ActivityState.activity_view,
            on_change=ActivityState.show_view,
            id="activity-view",
        ),
        rx.cond(ActivityState.activity_view == "calls", tool_calls_view(), _feed()),
        width="100%",
        spacing="4",
    )
