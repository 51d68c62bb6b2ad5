"""``/projects/[project_slug]/servers/[server_ref]``: one server, with tabs."""

from __future__ import annotations

import reflex as rx

from ui.components.live import live_indicator
from ui.components.server_states import server_state, state_dot, state_legend, state_text
from ui.state.live_pages import ServerLiveState
from ui.state.project import ProjectState
from ui.state.server_detail import ServerDetailState
from ui.templates import page
from ui.views.project.header import project_missing
from ui.views.server.overview import server_overview
from ui.views.server.tabs import server_calls, server_logs, server_settings, server_tools

TABS = [("overview", "Overview"), ("tools", "Tools"), ("logs", "Logs"), ("calls", "Calls"), ("settings", "Settings")]


def _header() -> rx.Component:
    s = ServerDetailState.server
    slug = ProjectState.project.slug
    return rx.vstack(
        rx.hstack(
            rx.link("Projects", href="/projects", size="2", color_scheme="gray"),
            rx.icon("chevron-right", size=14),
            rx.link(ProjectState.project.name, href="/projects/" + slug + "/overview", size="2", color_scheme="gray"),
            rx.icon("chevron-right", size=14),
            rx.link("Servers", href="/projects/" + slug + "/servers", size="2", color_scheme="gray"),
            align="center",
            spacing="1",
        ),
        rx.hstack(
            state_dot(server_state(s.enabled, s.status), size="14px"),
            rx.heading(s.name, size="7", id="server-title"),
            state_text(server_state(s.enabled, s.status), color_scheme="gray", id="server-status"),
            state_legend(),
            rx.spacer(),
            live_indicator(ServerLiveState),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.cond(s.description, rx.text(s.description, color_scheme="gray", size="2")),
        spacing="1",
        width="100%",
    )


def _body() -> rx.Component:
    return rx.vstack(
        _header(),
        rx.tabs.root(
            rx.tabs.list(*[rx.tabs.trigger(label, value=key, id=f"server-tab-{key}") for key, label in TABS]),
            value=ServerDetailState.server_tab,
            on_change=ServerDetailState.set_server_tab,
            activation_mode="manual",  # on click only (automatic activation fires again on focus)
            width="100%",
        ),
        rx.match(
            ServerDetailState.server_tab,
            ("tools", server_tools()),
            ("logs", server_logs()),
            ("calls", server_calls()),
            ("settings", server_settings()),
            server_overview(),
        ),
        width="100%",
        spacing="4",
    )


def _missing() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.heading("Server not found", size="5"),
            rx.link(rx.button("Back to servers"), href="/projects/" + ProjectState.project.slug + "/servers"),
            align="center",
        ),
        padding="64px",
    )


@page(
    "/projects/[project_slug]/servers/[server_ref]",
    "Server",
    on_load=[ProjectState.load_project, ServerDetailState.open_page],
)
def server_page() -> rx.Component:
    """A server's page."""
    return rx.cond(
        ProjectState.project_missing,
        project_missing(),
        rx.cond(
            ServerDetailState.server_missing,
            _missing(),
            rx.cond(ServerDetailState.server.id != "", _body(), rx.skeleton(rx.box(height="120px", width="100%"))),
        ),
    )
