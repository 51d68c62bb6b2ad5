"""Members tab: a GitLab-style member table, invitations, and attached teams."""

from __future__ import annotations

import reflex as rx

from ui.api.types import Member, ProjectTeam, Team
from ui.components.auth_card import labelled
from ui.components.common import avatar, loading_or, role_badge, role_field, role_select, section, time_ago
from ui.components.dialogs import confirm_button, form_dialog
from ui.plural import counted_var
from ui.state.members import MembersState
from ui.state.project import ProjectState
from ui.views.project.invitations import invite_form, pending_invitations


def _initials(m: rx.Var[Member]) -> rx.Var[str]:
    """First letter of the name (or email), computed in the browser."""
    return rx.cond(m.name, m.name, m.email).to(str)[0].upper()  # type: ignore[attr-defined]


def _source(m: rx.Var[Member]) -> rx.Component:
    return rx.match(
        m.source,
        (
            "team",
            rx.badge(
                rx.icon("users", size=12),
                "Team · ",
                m.team_name,
                variant="soft",
                color_scheme="violet",
                title="team",
                class_name="member-source",
            ),
        ),
        (
            "external",
            rx.badge("External", variant="soft", color_scheme="orange", title="external", class_name="member-source"),
        ),
        rx.badge("Direct", variant="soft", color_scheme="gray", title="direct", class_name="member-source"),
    )


def _role_cell(m: rx.Var[Member]) -> rx.Component:
    editable = ProjectState.can_manage & (m.source != "team")
    return rx.cond(
        editable,
        role_select(m.role, lambda role: MembersState.change_role(m.user_id, role), class_name="member-role"),
        role_badge(m.role),
    )


def _remove(m: rx.Var[Member]) -> rx.Component:
    label = rx.cond(m.name, m.name, m.email)
    return rx.cond(
        ProjectState.can_manage & (m.source != "team"),
        confirm_button(
            rx.icon_button(rx.icon("user-minus", size=14), variant="ghost", color_scheme="red", title="Remove"),
            "Remove member?",
            rx.cond(m.is_current_user, "You will lose access to this project.", label + " will lose access."),
            MembersState.remove(m.user_id, label),
            confirm_label="Remove",
        ),
    )


def _member_row(m: rx.Var[Member]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                avatar(_initials(m)),
                rx.vstack(
                    rx.hstack(
                        rx.text(rx.cond(m.name, m.name, m.email), weight="medium", size="2"),
                        rx.cond(m.is_current_user, rx.badge("It's you", color_scheme="blue", size="1")),
                        rx.cond(~m.is_active, rx.badge("deactivated", color_scheme="red", size="1")),
                        spacing="2",
                    ),
                    rx.text(m.email, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                align="center",
            )
        ),
        rx.table.cell(_source(m)),
        rx.table.cell(_role_cell(m)),
        rx.table.cell(rx.text(time_ago(m.joined_at), size="1")),
        rx.table.cell(_remove(m)),
        align="center",
        class_name="member-row",
    )


def _team_row(t: rx.Var[ProjectTeam]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(t.name, href="/teams/" + t.slug, weight="medium")),
        rx.table.cell(counted_var(t.member_count, "member")),
        rx.table.cell(
            rx.cond(
                ProjectState.can_manage,
                role_select(t.role, lambda r: MembersState.change_team_role(t.team_id, r)),
                role_badge(t.role),
            )
        ),
        rx.table.cell(
            rx.cond(
                ProjectState.can_manage,
                confirm_button(
                    rx.icon_button(rx.icon("unlink", size=14), variant="ghost", color_scheme="red", title="Detach"),
                    "Detach team?",
                    "Its members lose the access the team gave them.",
                    MembersState.detach_team(t.team_id, t.name),
                    confirm_label="Detach",
                ),
            )
        ),
        align="center",
    )


def _team_option(t: rx.Var[Team]) -> rx.Component:
    return rx.select.item(t.name, value=t.id)


def _add_team_dialog() -> rx.Component:
    return form_dialog(
        "Add a team",
        "Every member of the team gets the role you choose.",
        rx.cond(
            MembersState.attachable_teams.length() > 0,  # type: ignore[attr-defined]
            rx.hstack(
                labelled(
                    "Team",
                    rx.select.root(
                        rx.select.trigger(placeholder="Pick a team"),
                        rx.select.content(rx.foreach(MembersState.attachable_teams, _team_option)),
                        name="team_id",
                    ),
                ),
                labelled("Role", role_field()),
                spacing="3",
            ),
            rx.text("You have no team to add. Create one on the Teams page.", color_scheme="gray", size="2"),
        ),
        open_=MembersState.team_open,
        on_open_change=MembersState.set_team_open,
        on_submit=MembersState.attach_team,
        submit_label="Add team",
        trigger=rx.button(rx.icon("users", size=14), "Add team", variant="soft"),
    )


def members_tab() -> rx.Component:
    """The Members tab."""
    table = rx.table.root(
        rx.table.header(
            rx.table.row(*[rx.table.column_header_cell(h) for h in ("Member", "Source", "Role", "Joined", "")])
        ),
        rx.table.body(rx.foreach(MembersState.members, _member_row)),
        width="100%",
        variant="surface",
        id="members-table",
    )
    teams = rx.cond(
        MembersState.teams.length() > 0,  # type: ignore[attr-defined]
        rx.table.root(rx.table.body(rx.foreach(MembersState.teams, _team_row)), width="100%", variant="surface"),
        rx.text("No team is attached to this project.", color_scheme="gray", size="2"),
    )
    return rx.vstack(
        rx.cond(ProjectState.can_manage, invite_form()),
        section("Members", loading_or(MembersState.members_loading, table)),
        pending_invitations(),
        section("Teams", teams, actions=rx.cond(ProjectState.can_manage, _add_team_dialog())),
        spacing="5",
        width="100%",
    )
