"""The project page header: name, badges, and the tab bar (the tab is part of the URL)."""

from __future__ import annotations

import reflex as rx

from ui.components.common import role_badge
from ui.state.project import ProjectState

TAB_LABELS = [
    ("overview", "Overview", "layout-dashboard"),
    ("members", "Members", "users"),
    ("servers", "Servers", "server"),
    ("tools", "Tools", "wrench"),
    ("activity", "Activity", "activity"),
    ("settings", "Settings", "settings"),
]


def project_header() -> rx.Component:
    """Name, description, role and archive badges."""
    p = ProjectState.project
    return rx.vstack(
        rx.hstack(
            rx.link("Projects", href="/projects", size="2", color_scheme="gray"),
            rx.icon("chevron-right", size=14, color=rx.color("gray", 8)),
            rx.text(p.slug, size="2", color_scheme="gray"),
            align="center",
            spacing="1",
        ),
        rx.hstack(
            rx.heading(p.name, size="7", id="project-title"),
            role_badge(ProjectState.role),
            rx.cond(ProjectState.archived, rx.badge("archived · read-only", color_scheme="orange")),
            align="center",
            spacing="3",
        ),
        spacing="1",
        width="100%",
    )


def tab_bar() -> rx.Component:
    """Tabs that change the URL."""
    return rx.tabs.root(
        rx.tabs.list(
            *[
                rx.tabs.trigger(
                    rx.hstack(rx.icon(icon, size=14), label, align="center", spacing="1"), value=key, id=f"tab-{key}"
                )
                for key, label, icon in TAB_LABELS
            ],
        ),
        value=rx.State.tab,  # type: ignore[attr-defined]
        on_change=ProjectState.go_tab,
        # On click only: automatic activation also fires on focus, so one click pushed the page twice.
        activation_mode="manual",
        width="100%",
    )


def project_missing() -> rx.Component:
    """The project does not exist or the user is not a member (the API does not say which)."""
    return rx.center(
        rx.vstack(
            rx.icon("folder-x", size=40, color=rx.color("gray", 9)),
            rx.heading("Project not found", size="5"),
            rx.text("It does not exist, or you are not a member of it.", color_scheme="gray"),
            rx.link(rx.button("Back to projects"), href="/projects"),
            align="center",
            spacing="3",
        ),
        padding="64px",
    )
