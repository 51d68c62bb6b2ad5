"""``/teams/[team_slug]``: a team's members with roles, its projects and activity."""

from __future__ import annotations

import reflex as rx

from ui.api.types import TeamMember, TeamProject
from ui.components.auth_card import labelled
from ui.components.common import avatar, empty_state, role_badge, role_field, role_select, section, time_ago
from ui.components.dialogs import confirm_button, form_dialog
from ui.components.field_error import field_error
from ui.state.teams import TeamState
from ui.templates import page
from ui.views.project.overview import activity_line


def _member(m: rx.Var[TeamMember]) -> rx.Component:
    label = rx.cond(m.name, m.name, m.email)
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                avatar(label.to(str)[0].upper()),  # type: ignore[attr-defined]
                rx.vstack(
                    rx.hstack(
                        rx.text(label, weight="medium", size="2"),
                        rx.cond(m.is_current_user, rx.badge("It's you", size="1")),
                    ),
                    rx.text(m.email, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                align="center",
            )
        ),
        rx.table.cell(
            rx.cond(
                TeamState.team_owner,
                role_select(m.role, lambda r: TeamState.change_role(m.user_id, r)),
                role_badge(m.role),
            )
        ),
        rx.table.cell(rx.text(time_ago(m.joined_at), size="1")),
        rx.table.cell(
            rx.cond(
                TeamState.team_owner | m.is_current_user,
                confirm_button(
                    rx.icon_button(rx.icon("user-minus", size=14), variant="ghost", color_scheme="red"),
                    rx.cond(m.is_current_user, "Leave the team?", "Remove member?"),
                    "Access given through this team ends.",
                    TeamState.remove(m.user_id, label),
                    confirm_label="Remove",
                ),
            )
        ),
        align="center",
    )


def _project(p: rx.Var[TeamProject]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(p.name, href="/projects/" + p.slug + "/overview")),
        rx.table.cell(role_badge(p.role)),
        rx.table.cell(rx.text(time_ago(p.attached_at), size="1")),
    )


def _invite() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="email",
                type="email",
                required=True,
                placeholder="user@example.com",
                id="team-invite-email",
                width="260px",
            ),
            role_field(id="team-invite-role"),
            rx.button(rx.icon("user-plus", size=14), "Add member", type="submit"),
            spacing="2",
        ),
        field_error(TeamState.team_invite_errors, "email", "team-invite"),
        on_submit=TeamState.invite,
        reset_on_submit=False,
    )


def _edit_dialog() -> rx.Component:
    return form_dialog(
        "Rename team",
        "Its address stays the same; members and projects keep their access.",
        rx.vstack(
            labelled(
                "Name",
                rx.input(
                    name="name", default_value=TeamState.team.name, required=True, max_length=120, id="team-edit-name"
                ),
            ),
            field_error(TeamState.team_errors, "name", "team"),
            labelled(
                "Description",
                rx.text_area(name="description", default_value=TeamState.team.description, id="team-edit-description"),
            ),
            field_error(TeamState.team_errors, "description", "team"),
            width="100%",
        ),
        open_=TeamState.team_edit_open,
        on_open_change=TeamState.set_team_edit_open,
        on_submit=TeamState.update_team,
        submit_label="Save",
        trigger=rx.button(rx.icon("pencil", size=14), "Rename", variant="soft", id="team-rename"),
    )


@page("/teams/[team_slug]", "Team", on_load=TeamState.load)
def team() -> rx.Component:
    """A team: members with roles, projects, activity."""
    t = TeamState.team
    body = rx.vstack(
        rx.hstack(
            rx.link("Teams", href="/teams", size="2", color_scheme="gray"),
            rx.icon("chevron-right", size=14),
            rx.text(t.name, size="2", id="team-breadcrumb"),
            align="center",
            spacing="1",
        ),
        rx.hstack(
            rx.heading(t.name, size="7", id="team-title"),
            rx.cond(t.my_role, role_badge(t.my_role.to(str))),
            rx.spacer(),
            rx.cond(TeamState.team_owner, _edit_dialog()),
            rx.cond(
                TeamState.team_owner,
                confirm_button(
                    rx.button("Delete team", color_scheme="red", variant="soft"),
                    "Delete team?",
                    "Projects lose the access given to its members.",
                    TeamState.delete_team,
                ),
            ),
            align="center",
            width="100%",
        ),
        rx.cond(t.description, rx.text(t.description, color_scheme="gray")),
        section(
            "Members",
            rx.cond(TeamState.team_owner, _invite()),
            rx.table.root(rx.table.body(rx.foreach(TeamState.team_members, _member)), width="100%", variant="surface"),
        ),
        section(
            "Projects",
            rx.cond(
                TeamState.team_projects.length() > 0,  # type: ignore[attr-defined]
                rx.table.root(rx.table.body(rx.foreach(TeamState.team_projects, _project)), width="100%"),
                rx.text(
                    "Not attached to any project yet (project owners add teams on the Members tab).",
                    size="2",
                    color_scheme="gray",
                ),
            ),
        ),
        section("Activity", rx.vstack(rx.foreach(TeamState.team_activity, activity_line), width="100%")),
        spacing="5",
        width="100%",
    )
    return rx.cond(
        TeamState.team_missing,
        empty_state("users", "Team not found", "It does not exist or you are not a member."),
        rx.cond(TeamState.team_loading, rx.skeleton(rx.box(height="120px", width="100%")), body),
    )
