"""The command palette, opened by Ctrl/⌘+K: projects, servers, tools, pages and actions.

Type to filter, Up/Down to move the highlight, Enter to run it, Esc to close. Ctrl/⌘+1…9 jump
to the favorites: a small script (``SHORTCUTS_JS``, in the page head) clicks the palette's
trigger or hidden links rendered here, so navigation stays client-side and the
browser's own shortcuts are suppressed only when a target exists.
"""

from __future__ import annotations

import reflex as rx

from ui.api.types import Project
from ui.state.palette import PaletteState
from ui.state.palette_items import PaletteItem
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


KIND_ICONS = (
    ("project", "folder"),
    ("server", "server"),
    ("tool", "wrench"),
    ("page", "file-text"),
    ("action", "zap"),
)


def _palette_item(item: rx.Var[PaletteItem], index: rx.Var[int]) -> rx.Component:
    active = index == PaletteState.palette_index
    return rx.hstack(
        rx.match(item.kind, *[(kind, rx.icon(icon, size=14)) for kind, icon in KIND_ICONS], rx.icon("dot", size=14)),
        rx.text(item.label, weight="medium", size="2"),
        rx.spacer(),
        rx.text(item.hint, size="1", color_scheme="gray"),
        align="center",
        spacing="2",
        padding="8px 10px",
        border_radius="6px",
        background_color=rx.cond(active, rx.color("accent", 4), "transparent"),
        _hover={"background_color": rx.color("accent", 3)},
        cursor="pointer",
        width="100%",
        on_click=PaletteState.run_target(item.target),
        id="palette-item-" + index.to_string(),
        class_name="palette-item",
        role="option",
        custom_attrs={"aria-selected": rx.cond(active, "true", "false"), "data-kind": item.kind},
    )


def _shortcut_link(project: rx.Var[Project], index: rx.Var[int]) -> rx.Component:
    return rx.link(
        project.name,
        id="favorite-shortcut-" + (index + 1).to_string(),
        href="/projects/" + project.slug + "/overview",
        display="none",
    )


def project_switcher() -> rx.Component:
    """The palette's trigger button in the top bar and its dialog."""
    return rx.fragment(
        rx.foreach(ShellState.favorite_projects, _shortcut_link),
        rx.dialog.root(
            rx.dialog.trigger(
                rx.button(
                    rx.icon("search", size=16),
                    rx.text("Go to…", display=["none", "none", "inline"]),
                    rx.code("Ctrl K", size="1", variant="outline", display=["none", "none", "inline"]),
                    variant="soft",
                    color_scheme="gray",
                    id="project-switcher-trigger",
                    title="Command palette (Ctrl/⌘+K)",
                ),
            ),
            rx.dialog.content(
                rx.dialog.title("Go to…", size="3"),
                rx.dialog.description(
                    "Projects, servers, tools, pages and actions. ↑↓ to move, Enter to open, Esc to close.",
                    size="1",
                    color_scheme="gray",
                ),
                # Uncontrolled (no ``value``): no debounce, so typing and the arrow keys arrive in order.
                rx.input(
                    placeholder="Search…",
                    on_change=PaletteState.set_palette_query,
                    on_key_down=PaletteState.palette_key,
                    auto_focus=True,
                    id="palette-search",
                    width="100%",
                    margin_top="12px",
                    auto_complete="off",
                    role="combobox",
                    custom_attrs={
                        "aria-controls": "palette-items",
                        "aria-expanded": "true",
                        "aria-activedescendant": "palette-item-" + PaletteState.palette_index.to_string(),
                    },
                ),
                rx.scroll_area(
                    rx.cond(
                        PaletteState.palette_items.length() > 0,  # type: ignore[attr-defined]
                        rx.vstack(
                            rx.foreach(PaletteState.palette_items, _palette_item),
                            spacing="1",
                            width="100%",
                            role="listbox",
                            id="palette-items",
                        ),
                        rx.text("Nothing matches.", color_scheme="gray", size="2", padding="12px", id="palette-empty"),
                    ),
                    max_height="360px",
                    margin_top="12px",
                ),
                rx.text("Ctrl/⌘+1…9 opens your starred projects.", size="1", color_scheme="gray", margin_top="12px"),
                max_width="560px",
                id="command-palette",
            ),
            open=PaletteState.palette_open,
            on_open_change=PaletteState.set_palette_open,
        ),
    )
