"""``/admin/[admin_section]``: users, projects, teams, servers, keys, commands, system, sandbox, worker, audit."""

from __future__ import annotations

import reflex as rx

from ui.components.common import skeleton_rows
from ui.state.admin import AdminState
from ui.state.auth import AuthState
from ui.templates import page
from ui.views.admin.audit import audit_section
from ui.views.admin.commands import commands_section
from ui.views.admin.keys import keys_section
from ui.views.admin.sandbox import sandbox_section
from ui.views.admin.sections import projects_section, servers_section
from ui.views.admin.system import system_section
from ui.views.admin.teams import teams_section
from ui.views.admin.users import users_section
from ui.views.admin.worker import worker_section

SECTIONS = [
    ("users", "Users", "user"),
    ("projects", "Projects", "folder"),
    ("teams", "Teams", "users"),
    ("servers", "Servers", "server"),
    ("keys", "API keys", "key-round"),
    ("commands", "Allowed commands", "terminal"),
    ("system", "System", "gauge"),
    ("sandbox", "Sandbox", "shield"),
    ("worker", "Worker", "cpu"),
    ("audit", "Audit", "scroll-text"),
]


def _content() -> rx.Component:
    return rx.match(
        AdminState.section,
        ("projects", projects_section()),
        ("teams", teams_section()),
        ("servers", servers_section()),
        ("keys", keys_section()),
        ("commands", commands_section()),
        ("system", system_section()),
        ("sandbox", sandbox_section()),
        ("worker", worker_section()),
        ("audit", audit_section()),
        users_section(),
    )


@page("/admin/[admin_section]", "Admin", on_load=AdminState.open)
def admin() -> rx.Component:
    """Administration."""
    return rx.cond(
        AuthState.is_admin,
        rx.vstack(
            rx.heading("Administration", size="7"),
            rx.tabs.root(
                rx.tabs.list(
                    *[
                        rx.tabs.trigger(
                            rx.hstack(rx.icon(icon, size=14), label, align="center", spacing="1"),
                            value=key,
                            id=f"admin-tab-{key}",
                        )
                        for key, label, icon in SECTIONS
                    ],
                    flex_wrap="wrap",  # ten sections: they wrap instead of running off a narrow screen
                ),
                value=AdminState.section,
                on_change=AdminState.go_section,
                width="100%",
            ),
            rx.cond(AdminState.admin_loading & ~AdminState.admin_loaded, skeleton_rows(4), _content()),
            spacing="4",
            width="100%",
        ),
        rx.callout("This page is for administrators.", icon="shield-alert", color_scheme="red"),
    )


@page("/admin", "Admin", on_load=rx.redirect("/admin/users"))
def admin_root() -> rx.Component:
    """Redirects to the users section."""
    return rx.center(rx.spinner())
