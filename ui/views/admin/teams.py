"""The teams section: every team with its member and project counts, searched and paged."""

from __future__ import annotations

import reflex as rx

from ui.api.types import Team
from ui.components.common import role_badge, time_ago
from ui.components.paged_table import list_search_box, paged_table
from ui.state.admin_teams import AdminTeamsState


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
    return paged_table(
        AdminTeamsState,
        AdminTeamsState.admin_teams,
        _team,
        headers=("Team", "Description", "Members", "Projects", "Your role", "Created"),
        noun="team",
        id_prefix="teams",
        table_id="admin-teams",
        toolbar=(list_search_box(AdminTeamsState, "Search teams by name", "teams-search"),),
    )
