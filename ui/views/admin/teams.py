"""The teams section: every team with its member and project counts, searched and paged."""

from __future__ import annotations

import reflex as rx

from ui.api.types import Team
from ui.components.common import role_badge, time_ago
from ui.plural import counted_var
from ui.state.admin_teams import AdminTeamsState
from ui.views.admin.pager import pager


def _team(t: rx.Var[Team]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(t.name, href="/teams/" + t.slug, weight="medium", class_name="team-name")),
        rx.table.cell(rx.text(t.description, size="1", color_scheme="gray", max_width="320px", trim="both")),
        rx.table.cell(rx.text(t.member_count, class_name="team-members")),
        rx.table.cell(t.project_count),
        rx.table.cell(rx.cond(t.my_role, role_badge(t.my_role.to(str)), rx.text("—", size="1"))),
        rx.table.cell(rx.text(time_ago(t.created_at), size="1")),
        align="center",
        class_name="admin-team",
    )


def teams_section() -> rx.Component:
    """Every team of the instance."""
    return rx.vstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            placeholder="Search teams by name (Enter)",
            value=AdminTeamsState.teams_search,
            on_change=AdminTeamsState.set_teams_search,
            on_key_down=AdminTeamsState.teams_search_key,
            max_width="360px",
            width="100%",
            id="teams-search",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Team", "Description", "Members", "Projects", "Your role", "Created")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(AdminTeamsState.admin_teams, _team)),
                width="100%",
                variant="surface",
                id="admin-teams",
            ),
            width="100%",
            overflow_x="auto",
        ),
        pager(
            counted_var(AdminTeamsState.teams_total, "team") + " found",
            AdminTeamsState.teams_page,
            AdminTeamsState.teams_pages,
            AdminTeamsState.go_teams_page,
            "teams",
        ),
        width="100%",
        spacing="3",
        on_mount=AdminTeamsState.open_teams,
    )
