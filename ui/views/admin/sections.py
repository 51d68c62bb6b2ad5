"""Admin sections: users, all projects, global servers."""

from __future__ import annotations

import reflex as rx

from ui.api.types import AdminProject, AdminUser
from ui.components.common import status_dot, time_ago
from ui.plural import counted_var
from ui.state.admin import AdminState, GlobalServer
from ui.views.admin.password import reset_password_button, reset_password_dialog


def _search(placeholder: str) -> rx.Component:
    return rx.hstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            placeholder=placeholder,
            value=AdminState.admin_search,
            on_change=AdminState.set_admin_search,
            width="280px",
        ),
        rx.button("Search", variant="soft", on_click=AdminState.load),
    )


def _user(u: rx.Var[AdminUser]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(u.name, weight="medium", size="2"), rx.text(u.email, size="1", color_scheme="gray"), spacing="0"
            )
        ),
        rx.table.cell(rx.text(time_ago(u.created_at), size="1")),
        rx.table.cell(rx.text(time_ago(u.last_login_at), size="1")),
        rx.table.cell(
            rx.switch(
                checked=u.is_active,
                on_change=lambda v: AdminState.update_user(u.id, "isActive", v),
                disabled=u.id == AdminState.user.id,
            )
        ),
        rx.table.cell(
            rx.switch(
                checked=u.is_admin,
                on_change=lambda v: AdminState.update_user(u.id, "isAdmin", v),
                disabled=u.id == AdminState.user.id,
            )
        ),
        rx.table.cell(reset_password_button(u)),
        align="center",
        class_name="admin-user",
    )


def users_section() -> rx.Component:
    """Users with activate/deactivate and the admin flag."""
    stats = AdminState.stats
    return rx.vstack(
        rx.hstack(
            _search("Search users"),
            rx.spacer(),
            rx.text(
                counted_var(stats.get("users", 0), "user")
                + " · "
                + counted_var(stats.get("admins", 0), "admin")
                + " · "
                + counted_var(stats.get("projects", 0), "project"),
                size="2",  # type: ignore[attr-defined]
                color_scheme="gray",
            ),
            width="100%",
            align="center",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[rx.table.column_header_cell(h) for h in ("User", "Joined", "Last login", "Active", "Admin", "")]
                )
            ),
            rx.table.body(rx.foreach(AdminState.users, _user)),
            width="100%",
            variant="surface",
        ),
        reset_password_dialog(),
        width="100%",
    )


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
    return rx.vstack(
        _search("Search projects"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Project", "Slug", "Members / teams", "Servers", "State", "Created")
                    ]
                )
            ),
            rx.table.body(rx.foreach(AdminState.admin_projects, _project)),
            width="100%",
            variant="surface",
        ),
        width="100%",
    )


def _server(g: rx.Var[GlobalServer]) -> rx.Component:
    s = g.server
    status = rx.cond(s.enabled, s.status, "disabled")
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                status_dot(status),
                rx.link(s.name, href="/projects/" + g.project_slug + "/servers/" + s.name),
                align="center",
            )
        ),
        rx.table.cell(rx.link(g.project_name, href="/projects/" + g.project_slug + "/servers", size="2")),
        rx.table.cell(rx.text(status, size="2")),
        rx.table.cell(s.transport),
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
