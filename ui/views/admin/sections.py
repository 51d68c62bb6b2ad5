"""Admin sections: all projects, global servers (users: ``users.py``)."""

from __future__ import annotations

import reflex as rx

from ui.api.types import AdminProject
from ui.components.common import time_ago
from ui.components.paged_table import list_search_box, paged_table
from ui.components.server_states import state_dot, state_text
from ui.components.words import transport_text
from ui.state.admin import AdminState, GlobalServer
from ui.state.admin_projects import AdminProjectsState


def _project(p: rx.Var[AdminProject]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(p.name, href="/projects/" + p.slug + "/overview", weight="medium")),
        rx.table.cell(rx.code(p.slug, size="1")),
        rx.table.cell(p.member_count.to_string() + " / " + p.team_count.to_string()),
        rx.table.cell(p.server_count),
        rx.table.cell(
            rx.cond(p.archived_at, rx.badge("archived", color_scheme="gray"), rx.badge("active", color_scheme="green"))
        ),
        rx.table.cell(rx.text(time_ago(p.created_at), size="1")),
        align="center",
    )


def projects_section() -> rx.Component:
    """Every project, archived included."""
    return paged_table(
        AdminProjectsState,
        AdminProjectsState.admin_projects,
        _project,
        headers=("Project", "Slug", "Members / teams", "Servers", "State", "Created"),
        noun="project",
        id_prefix="projects",
        table_id="admin-projects",
        toolbar=(list_search_box(AdminProjectsState, "Search projects", "projects-search"),),
    )


def _server(g: rx.Var[GlobalServer]) -> rx.Component:
    s = g.server
    status = rx.cond(s.enabled, s.status, "disabled")
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                state_dot(status),
                rx.link(s.name, href="/projects/" + g.project_slug + "/servers/" + s.name),
                align="center",
            )
        ),
        rx.table.cell(rx.link(g.project_name, href="/projects/" + g.project_slug + "/servers", size="2")),
        rx.table.cell(state_text(status, size="2")),
        rx.table.cell(transport_text(s.transport, size="2")),
        rx.table.cell(s.tools_count),
        rx.table.cell(rx.text(time_ago(s.last_checked_at), size="1")),
        rx.table.cell(rx.text(rx.cond(s.last_error, s.last_error, ""), size="1", color_scheme="red")),
        align="center",
    )


def servers_section() -> rx.Component:
    """Every server of every active project with its status."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(h)
                    for h in ("Server", "Project", "Status", "Transport", "Tools", "Last check", "Last error")
                ]
            )
        ),
        rx.table.body(rx.foreach(AdminState.global_servers, _server)),
        width="100%",
        variant="surface",
        id="global-servers",
    )
