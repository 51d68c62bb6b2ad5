"""The Overview tab's "Connected clients" card: the MCP client sessions live on the project's endpoints."""

from __future__ import annotations

import reflex as rx

from ui.api.types_endpoints import ClientSession
from ui.components.common import time_ago
from ui.components.words import transport_label
from ui.plural import counted_var
from ui.state.overview import OverviewState


def _client(s: rx.Var[ClientSession]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(rx.cond(s.client_name, s.client_name, "unknown client"), weight="medium", size="2"),
            rx.cond(s.client_version, rx.text(s.client_version, size="1", color_scheme="gray")),
            align="baseline",
            spacing="1",
        ),
        rx.badge(transport_label(s.transport), variant="soft", color_scheme="gray", size="1", title=s.transport),
        spacing="1",
    )


def _endpoint(s: rx.Var[ClientSession]) -> rx.Component:
    return rx.cond(
        s.endpoint == "unified",
        rx.text("unified endpoint", size="2"),
        rx.text("server ", rx.code(s.endpoint, size="1"), size="2"),
    )


def _via(s: rx.Var[ClientSession]) -> rx.Component:
    key, user = s.api_key, s.user
    return rx.cond(
        key,
        rx.vstack(
            rx.text("key ", key.name, size="2"),  # type: ignore[union-attr]
            rx.code(key.prefix + "…", size="1"),  # type: ignore[union-attr]
            spacing="0",
        ),
        rx.text(rx.cond(user, user.email, "—"), size="2"),  # type: ignore[union-attr]
    )


def _counters(s: rx.Var[ClientSession]) -> rx.Component:
    return rx.hstack(
        rx.text(counted_var(s.calls, "call"), size="2"),
        rx.cond(s.errors > 0, rx.badge(counted_var(s.errors, "error"), color_scheme="red", variant="soft", size="1")),
        align="center",
        spacing="2",
    )


def _row(s: rx.Var[ClientSession]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(_client(s)),
        rx.table.cell(_endpoint(s)),
        rx.table.cell(_via(s)),
        rx.table.cell(rx.text(time_ago(s.started_at), size="2")),
        rx.table.cell(rx.text(time_ago(s.last_activity_at), size="2")),
        rx.table.cell(_counters(s)),
        class_name="session-row",
    )


def _table() -> rx.Component:
    return rx.vstack(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(label)
                        for label in ("Client", "Endpoint", "Connected with", "Started", "Last activity", "Calls")
                    ]
                )
            ),
            rx.table.body(rx.foreach(OverviewState.sessions, _row)),
            size="1",
            width="100%",
        ),
        rx.cond(
            OverviewState.more_sessions > 0,
            rx.text("and ", counted_var(OverviewState.more_sessions, "more session"), size="1", color_scheme="gray"),
        ),
        width="100%",
        overflow_x="auto",
    )


def _empty() -> rx.Component:
    return rx.vstack(
        rx.text("No MCP client is connected right now.", size="2", weight="medium"),
        rx.text(
            "Point a client (Claude Code, Cursor, VS Code…) at the project's endpoint with the configuration "
            "below and an API key from Settings → API keys; its session shows here while it is connected "
            "(a session idle for 30 minutes is no longer counted).",
            size="2",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
        id="sessions-empty",
    )


def clients_card() -> rx.Component:
    """Live MCP client sessions: client, endpoint, key or member, started, last activity, calls and errors."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Connected clients", size="3"),
                rx.badge(OverviewState.sessions_total.to_string() + " live", variant="soft", id="sessions-live"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("refresh-cw", size=14),
                    variant="ghost",
                    size="1",
                    on_click=OverviewState.load_sessions,
                    loading=OverviewState.sessions_loading,
                    title="Refresh",
                    id="sessions-refresh",
                ),
                width="100%",
                align="center",
            ),
            rx.cond(OverviewState.sessions.length() > 0, _table(), _empty()),  # type: ignore[attr-defined]
            width="100%",
            spacing="3",
        ),
        width="100%",
        id="sessions-card",
    )
