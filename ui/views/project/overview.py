"""Overview tab: numbers, server status, recent activity, connected clients, and the Connect card."""

from __future__ import annotations

import reflex as rx

from ui.api.types import ActivityItem, ClientConfig
from ui.api.types_servers import Server
from ui.components.common import code_block, copy_button, empty_state, skeleton_rows, stat_card, time_ago
from ui.components.live import live_indicator
from ui.components.server_states import server_state, state_dot, state_label, state_legend, state_text
from ui.components.words import event_badge
from ui.plural import counted_var
from ui.state.live_pages import OverviewLiveState
from ui.state.overview import CLIENTS, SCOPES, TRANSPORTS, OverviewState
from ui.state.project import ProjectState
from ui.views.project.connect_sign_in import key_only_switch, sign_in_panel
from ui.views.project.sessions import clients_card


def _server_line(server: rx.Var[Server]) -> rx.Component:
    return rx.hstack(
        state_dot(server_state(server.enabled, server.status)),
        rx.link(
            server.name, href="/projects/" + ProjectState.project.slug + "/servers/" + server.name, weight="medium"
        ),
        state_text(server_state(server.enabled, server.status), size="1", color_scheme="gray"),
        rx.spacer(),
        rx.text(counted_var(server.tools_count, "tool"), size="1", color_scheme="gray"),
        align="center",
        width="100%",
    )


def activity_line(item: rx.Var[ActivityItem]) -> rx.Component:
    """One activity entry: who did what to which thing, when."""
    return rx.hstack(
        event_badge(item.type, item.details, color_scheme="gray"),
        rx.text(item.target_name, weight="medium", size="2"),
        rx.text("by ", rx.cond(item.actor_name, item.actor_name, "system"), size="1", color_scheme="gray"),
        rx.spacer(),
        rx.text(time_ago(item.created_at), size="1", color_scheme="gray"),
        align="center",
        width="100%",
        wrap="wrap",  # on a phone the time goes to the next line instead of past the card's edge
    )


def _status_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Servers", size="3"),
                state_legend(),
                rx.spacer(),
                rx.foreach(
                    OverviewState.status_counts,
                    lambda kv: rx.hstack(
                        state_dot(kv[0]),
                        rx.text(state_label(kv[0]) + " " + kv[1].to_string(), size="1"),
                        align="center",
                        spacing="1",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                OverviewState.servers.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(rx.foreach(OverviewState.servers, _server_line), width="100%", spacing="2"),
                empty_state(
                    "server",
                    "No servers yet",
                    "Add an MCP server or import an mcpServers JSON file in the Servers tab.",
                    rx.button("Go to Servers", on_click=ProjectState.go_tab("servers"), size="1"),
                ),
            ),
            width="100%",
        ),
        width="100%",
    )


def _recent_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Recent activity", size="3"),
                rx.spacer(),
                rx.link("All activity", on_click=ProjectState.go_tab("activity"), size="2", cursor="pointer"),
                width="100%",
            ),
            rx.cond(
                OverviewState.recent.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(rx.foreach(OverviewState.recent, activity_line), width="100%", spacing="2"),
                rx.text("Nothing happened yet.", color_scheme="gray", size="2"),
            ),
            width="100%",
        ),
        width="100%",
    )


def _choice(value: rx.Var[str], options: dict[str, str], on_change: object, id_: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=id_),
        rx.select.content(*[rx.select.item(label, value=key) for key, label in options.items()]),
        value=value,
        on_change=on_change,
        size="2",
    )


def connect_card() -> rx.Component:
    """Pick an MCP client, transport and scope; copy the configuration."""
    cfg = OverviewState.config
    return rx.card(
        rx.vstack(
            rx.heading("Connect an MCP client", size="3"),
            rx.hstack(
                _choice(OverviewState.client, CLIENTS, OverviewState.set_client, "connect-client"),
                _choice(OverviewState.transport, TRANSPORTS, OverviewState.set_transport, "connect-transport"),
                _choice(OverviewState.scope, SCOPES, OverviewState.set_scope, "connect-scope"),
                wrap="wrap",
                spacing="2",
            ),
            rx.cond(
                OverviewState.config_error != "",
                rx.callout(OverviewState.config_error, icon="triangle-alert", color_scheme="amber", size="1"),
                rx.tabs.root(
                    rx.tabs.list(
                        rx.tabs.trigger("Sign in with the browser", value="sign-in", id="connect-tab-sign-in"),
                        rx.tabs.trigger("API key", value="key", id="connect-tab-key"),
                    ),
                    rx.tabs.content(sign_in_panel(), value="sign-in", padding_top="12px"),
                    rx.tabs.content(_key_panel(cfg), value="key", padding_top="12px"),
                    default_value="key",
                    width="100%",
                ),
            ),
            width="100%",
            spacing="3",
        ),
        width="100%",
        id="connect-card",
    )


def _key_panel(cfg: rx.Var[ClientConfig]) -> rx.Component:
    return rx.vstack(
        key_only_switch(),
        rx.hstack(
            rx.text("File: ", rx.code(cfg.file), size="2"),
            rx.spacer(),
            copy_button(cfg.text, "Copy configuration", id="copy-config"),
            width="100%",
            align="center",
        ),
        code_block(cfg.text, id="config-snippet"),
        rx.foreach(
            cfg.commands,
            lambda c: rx.hstack(code_block(c), copy_button(c, "Copy command"), align="start", width="100%"),
        ),
        rx.callout(
            rx.fragment(
                "Replace ",
                rx.code(cfg.placeholder),
                " with an API key from Settings → API keys. Keys are shown only once, when they are created.",
            ),
            icon="key-round",
            size="1",
        ),
        rx.foreach(cfg.notes, lambda n: rx.text("• ", n, size="1", color_scheme="gray")),
        width="100%",
        spacing="2",
    )


def overview_tab() -> rx.Component:
    """The Overview tab."""
    p = ProjectState.project
    return rx.vstack(
        rx.hstack(
            rx.cond(p.description, rx.text(p.description, color_scheme="gray")),
            rx.spacer(),
            live_indicator(OverviewLiveState),
            width="100%",
            align="center",
        ),
        rx.hstack(
            stat_card("Members", p.member_count, "users"),
            stat_card("Servers", p.server_count, "server"),
            stat_card("Tools", OverviewState.tools_total, "wrench"),
            stat_card("Unified endpoint", rx.cond(p.unified_enabled, "On", "Off"), "route"),
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(
            OverviewState.overview_loading,
            skeleton_rows(3, "80px"),
            rx.grid(
                _status_card(), _recent_card(), columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"
            ),
        ),
        rx.cond(OverviewState.overview_loading, rx.fragment(), clients_card()),
        connect_card(),
        spacing="4",
        width="100%",
    )
