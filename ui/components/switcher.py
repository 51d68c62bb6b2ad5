"""The project switcher: a searchable dialog, favorites first, opened by Ctrl/⌘+K.

Ctrl/⌘+1…9 jump to the favorites: a small script (``SHORTCUTS_JS``, loaded in the page head)
clicks hidden links rendered here, so navigation stays client-side and the browser's own
shortcuts are suppressed only when a target exists.
"""

from __future__ import annotations

import reflex as rx

from ui.api.types import Project
from ui.state.shell import ShellState

SHORTCUTS_JS = """
(function () {
  if (window.__mcpOrchShortcuts) return;
  window.__mcpOrchShortcuts = true;
  window.addEventListener('keydown', function (e) {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    var target = null;
    if (e.key === 'k' || e.key === 'K') target = document.getElementById('project-switcher-trigger');
    else if (/^[1-9]$/.test(e.key)) target = document.getElementById('favorite-shortcut-' + e.key);
    if (target) { e.preventDefault(); target.click(); }
  });
})();
"""


def _project_item(project: rx.Var[Project]) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("star", size=14, color=rx.cond(project.is_favorite, rx.color("amber", 9), rx.color("gray", 7))),
            rx.text(project.name, weight="medium", size="2"),
            rx.text(project.slug, size="1", color_scheme="gray"),
            rx.spacer(),
            rx.cond(project.archived_at, rx.badge("archived", size="1", color_scheme="gray")),
            align="center",
            spacing="2",
            padding="8px 10px",
            border_radius="6px",
            _hover={"background_color": rx.color("accent", 3)},
            width="100%",
        ),
        href="/projects/" + project.slug + "/overview",
        underline="none",
        color="inherit",
        on_click=ShellState.close_switcher,
        width="100%",
        class_name="switcher-item",
    )


def _shortcut_link(project: rx.Var[Project], index: rx.Var[int]) -> rx.Component:
    return rx.link(
        project.name,
        id="favorite-shortcut-" + (index + 1).to_string(),
        href="/projects/" + project.slug + "/overview",
        display="none",
    )


def project_switcher() -> rx.Component:
    """The trigger button in the top bar and its dialog."""
    return rx.fragment(
        rx.foreach(ShellState.favorite_projects, _shortcut_link),
        rx.dialog.root(
            rx.dialog.trigger(
                rx.button(
                    rx.icon("folder-search", size=16),
                    rx.text("Projects", display=["none", "none", "inline"]),
                    rx.code("Ctrl K", size="1", variant="outline", display=["none", "none", "inline"]),
                    variant="soft",
                    color_scheme="gray",
                    id="project-switcher-trigger",
                ),
            ),
            rx.dialog.content(
                rx.dialog.title("Switch project"),
                rx.input(
                    placeholder="Search projects…",
                    value=ShellState.switcher_query,
                    on_change=ShellState.set_switcher_query,
                    auto_focus=True,
                    id="switcher-search",
                    width="100%",
                ),
                rx.scroll_area(
                    rx.cond(
                        ShellState.switcher_matches.length() > 0,  # type: ignore[attr-defined]
                        rx.vstack(rx.foreach(ShellState.switcher_matches, _project_item), spacing="1", width="100%"),
                        rx.text("No matching project.", color_scheme="gray", size="2", padding="12px"),
                    ),
                    max_height="360px",
                    margin_top="12px",
                ),
                rx.hstack(
                    rx.text("Ctrl/⌘+1…9 opens your starred projects.", size="1", color_scheme="gray"),
                    rx.spacer(),
                    rx.link("All projects", href="/projects", size="2", on_click=ShellState.close_switcher),
                    margin_top="12px",
                    align="center",
                ),
                max_width="520px",
            ),
            open=ShellState.switcher_open,
            on_open_change=ShellState.set_switcher_open,
        ),
    )
