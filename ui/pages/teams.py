"""``/teams``: the user's teams and the create dialog."""

from __future__ import annotations

import reflex as rx

from ui.api.types import Team
from ui.components.auth_card import labelled
from ui.components.common import empty_state, loading_or, role_badge
from ui.components.dialogs import form_dialog
from ui.plural import counted_var
from ui.state.teams import TeamsState
from ui.templates import page


def _team_card(team: rx.Var[Team]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(rx.heading(team.name, size="4"), href="/teams/" + team.slug),
                rx.spacer(),
                rx.cond(team.my_role, role_badge(team.my_role.to(str))),
                width="100%",
            ),
            rx.text(rx.cond(team.description, team.description, "No description"), size="2", color_scheme="gray"),
            rx.text(
                counted_var(team.member_count, "member") + " · " + counted_var(team.project_count, "project"), size="1"
            ),
            spacing="2",
        ),
        class_name="team-card",
    )


def _create() -> rx.Component:
    return form_dialog(
        "New team",
        "Teams give their members a role in the projects they are added to.",
        rx.vstack(
            labelled("Name", rx.input(name="name", required=True, width="100%", id="team-name")),
            labelled("Description", rx.text_area(name="description", width="100%")),
            width="100%",
        ),
        open_=TeamsState.team_create_open,
        on_open_change=TeamsState.set_team_create_open,
        on_submit=TeamsState.create,
        submit_label="Create team",
        trigger=rx.button(rx.icon("plus", size=14), "New team", id="new-team"),
    )


@page("/teams", "Teams", on_load=TeamsState.load)
def teams() -> rx.Component:
    """The user's teams."""
    return rx.vstack(
        rx.hstack(rx.heading("Teams", size="7"), rx.spacer(), _create(), width="100%", align="center"),
        loading_or(
            TeamsState.teams_loading,
            rx.cond(
                TeamsState.teams.length() > 0,  # type: ignore[attr-defined]
                rx.grid(
                    rx.foreach(TeamsState.teams, _team_card),
                    columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                    spacing="4",
                    width="100%",
                ),
                empty_state(
                    "users",
                    "No teams yet",
                    "Create a team to give a group of people access to projects at once.",
                    rx.button("Create a team", on_click=TeamsState.set_team_create_open(True)),
                ),
            ),
        ),
        spacing="5",
        width="100%",
    )
