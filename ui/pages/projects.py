"""``/projects``: the user's projects."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import labelled
from ui.components.common import empty_state, loading_or, role_badge
from ui.components.dialogs import form_dialog
from ui.components.field_error import field_error
from ui.plural import noun_var
from ui.state.notices import NoticesState
from ui.state.projects import ProjectRow, ProjectsState
from ui.templates import page
from ui.views.notices import notices


def _star(row: rx.Var[ProjectRow]) -> rx.Component:
    p = row.project
    return rx.icon_button(
        rx.icon("star", size=16, fill=rx.cond(p.is_favorite, "currentColor", "none")),
        variant="ghost",
        color_scheme=rx.cond(p.is_favorite, "amber", "gray"),
        on_click=ProjectsState.toggle_favorite(p.slug, ~p.is_favorite),
        title=rx.cond(p.is_favorite, "Unstar", "Star (Ctrl/⌘+1…9 shortcuts)"),
        class_name="favorite-toggle",
    )


def _count(icon: str, value: rx.Var[int], noun: str) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=14),
        rx.text(value, weight="medium"),
        rx.text(noun_var(value, noun), color_scheme="gray"),
        spacing="1",
        align="center",
    )


def _card(row: rx.Var[ProjectRow]) -> rx.Component:
    p = row.project
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(
                    rx.heading(p.name, size="4", overflow_wrap="anywhere"),
                    href="/projects/" + p.slug + "/overview",
                    class_name="project-link",
                    min_width="0",
                ),
                rx.cond(p.archived_at, rx.badge("archived", color_scheme="gray")),
                rx.spacer(),
                _star(row),
                align="center",
                width="100%",
            ),
            rx.text(
                rx.cond(p.description, p.description, "No description"),
                size="2",
                color_scheme="gray",
                # Two lines at most, the whole text on hover; not trimmed, as trimmed text in a box that hides
                # its overflow loses the bottom of its last line.
                title=p.description,
                overflow_wrap="anywhere",
                style={
                    "display": "-webkit-box",
                    "-webkit-line-clamp": "2",
                    "-webkit-box-orient": "vertical",
                    "overflow": "hidden",
                },
            ),
            rx.hstack(
                _count("users", p.member_count, "member"),
                _count("server", p.server_count, "server"),
                rx.cond(row.servers_known, _count("wrench", row.tools, "tool")),
                spacing="4",
                size="1",
                wrap="wrap",
            ),
            rx.hstack(
                rx.cond(
                    row.servers_known & (p.server_count > 0),
                    rx.hstack(
                        rx.badge(
                            row.up.to_string() + " up",
                            color_scheme="green",
                            variant="soft",
                            title="Running or Healthy: it answered",
                            class_name="project-up",
                        ),
                        rx.cond(
                            row.failing > 0,
                            rx.badge(
                                row.failing.to_string() + " failing", color_scheme="red", title="Error or Retrying"
                            ),
                        ),
                        spacing="1",
                    ),
                ),
                rx.spacer(),
                rx.cond(p.my_role, role_badge(p.my_role.to(str))),
                width="100%",
                align="center",
            ),
            spacing="3",
            height="100%",
        ),
        class_name="project-card",
    )


def _create_dialog() -> rx.Component:
    return form_dialog(
        "New project",
        "A project groups MCP servers, members and API keys.",
        rx.vstack(
            labelled(
                "Name",
                rx.input(name="name", required=True, max_length=120, auto_focus=True, width="100%", id="project-name"),
            ),
            field_error(ProjectsState.create_errors, "name", "project"),
            labelled(
                "Slug (optional, used in URLs)",
                rx.input(name="slug", placeholder="my-project", width="100%", id="project-slug"),
            ),
            field_error(ProjectsState.create_errors, "slug", "project"),
            labelled("Description", rx.text_area(name="description", max_length=2000, width="100%")),
            field_error(ProjectsState.create_errors, "description", "project"),
            width="100%",
        ),
        open_=ProjectsState.create_open,
        on_open_change=ProjectsState.set_create_open,
        on_submit=ProjectsState.create,
        submit_label="Create project",
        loading=ProjectsState.creating,
        trigger=rx.button(rx.icon("plus", size=16), "New project", id="new-project"),
    )


@page("/projects", "Projects", on_load=[ProjectsState.load, NoticesState.load])
def projects() -> rx.Component:
    """Search, grid of cards, create dialog."""
    return rx.vstack(
        rx.hstack(
            rx.heading("Projects", size="7"),
            rx.spacer(),
            rx.input(
                rx.input.slot(rx.icon("search", size=14)),
                placeholder="Search projects",
                value=ProjectsState.search,
                on_change=ProjectsState.set_search,
                # On a phone the search takes a line of its own below the title and the button.
                width=["100%", "240px"],
                order=["1", "0"],
            ),
            _create_dialog(),
            width="100%",
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        notices(),
        loading_or(
            ProjectsState.loading,
            rx.cond(
                ProjectsState.rows.length() > 0,  # type: ignore[attr-defined]
                rx.cond(
                    ProjectsState.visible_rows.length() > 0,  # type: ignore[attr-defined]
                    rx.grid(
                        rx.foreach(ProjectsState.visible_rows, _card),
                        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                        spacing="4",
                        width="100%",
                    ),
                    rx.text("No project matches the search.", color_scheme="gray"),
                ),
                empty_state(
                    "folder-plus",
                    "No projects yet",
                    "Create a project, register MCP servers in it and connect your MCP clients to one endpoint.",
                    rx.button(
                        rx.icon("plus", size=16),
                        "Create your first project",
                        on_click=ProjectsState.set_create_open(True),
                    ),
                ),
            ),
        ),
        spacing="5",
        width="100%",
    )
