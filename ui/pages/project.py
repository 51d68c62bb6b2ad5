"""``/projects/[project_slug]/[tab]``: the project page with its six tabs."""

from __future__ import annotations

import reflex as rx

from ui.state.project import ProjectState
from ui.state.project_tabs import ProjectTabsState
from ui.templates import page
from ui.views.project.activity import activity_tab
from ui.views.project.header import project_header, project_missing, tab_bar
from ui.views.project.members import members_tab
from ui.views.project.overview import overview_tab
from ui.views.project.servers import servers_tab
from ui.views.project.settings import settings_tab
from ui.views.project.tools import tools_tab


def _tab_content() -> rx.Component:
    return rx.match(
        rx.State.tab,  # type: ignore[attr-defined]
        ("overview", overview_tab()),
        ("members", members_tab()),
        ("servers", servers_tab()),
        ("tools", tools_tab()),
        ("activity", activity_tab()),
        ("settings", settings_tab()),
        rx.fragment(),
    )


@page("/projects/[project_slug]/[tab]", "Project", on_load=[ProjectTabsState.enter_tab, ProjectState.load_project])
def project_tab() -> rx.Component:
    """Header, tabs, and the current tab."""
    return rx.cond(
        ProjectState.project_missing,
        project_missing(),
        rx.cond(
            ProjectState.project.id != "",
            rx.vstack(project_header(), tab_bar(), _tab_content(), spacing="4", width="100%"),
            rx.vstack(rx.skeleton(rx.box(height="60px", width="100%")), width="100%"),
        ),
    )


@page("/projects/[project_slug]", "Project", on_load=ProjectTabsState.open_project)
def project_root() -> rx.Component:
    """Redirects to the overview."""
    return rx.center(rx.spinner())
