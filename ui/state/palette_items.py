"""What the command palette (Ctrl/⌘+K) offers: projects, servers, tools, pages and actions.

Pure functions, so the catalogue and the filtering are tested without a browser. An item's
``target`` is either a path to open or ``action:<name>`` for :data:`ACTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.api.types import Project
from ui.api.types_servers import Server, Tool

ACTION_PREFIX = "action:"
MAX_ITEMS = 60
WRITE_ROLES = ("developer", "owner")

# (label, tab) of the project pages; the API keys are listed on the settings tab.
PROJECT_PAGES = (
    ("Overview", "overview"),
    ("Servers", "servers"),
    ("Tools", "tools"),
    ("Activity", "activity"),
    ("API keys", "settings"),
    ("Members", "members"),
    ("Settings", "settings"),
)


@dataclass
class PaletteItem:
    """One line of the palette."""

    kind: str = ""  # project · server · tool · page · action
    label: str = ""
    hint: str = ""
    target: str = ""


def project_of_path(path: str) -> str:
    """The project slug of a ``/projects/<slug>/...`` path, else ``""``."""
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) >= 2 and parts[0] == "projects" else ""


def _project_items(projects: list[Project]) -> list[PaletteItem]:
    return [
        PaletteItem(
            "project",
            p.name,
            "starred project" if p.is_favorite else "project",
            f"/projects/{p.slug}/overview",
        )
        for p in projects
    ]


def _current_project_items(slug: str, servers: list[Server], tools: list[Tool]) -> list[PaletteItem]:
    base = f"/projects/{slug}"
    items = [PaletteItem("page", label, "page of this project", f"{base}/{tab}") for label, tab in PROJECT_PAGES]
    items += [
        PaletteItem("server", s.name, f"server · {s.status or 'not checked'}", f"{base}/servers/{s.name}")
        for s in sorted(servers, key=lambda s: s.name)
    ]
    items += [
        PaletteItem(
            "tool",
            t.exposed_name or t.name,
            f"tool of {t.server_name}",
            f"{base}/servers/{t.server_name}?tab=tools",
        )
        for t in sorted(tools, key=lambda t: (t.server_name, t.exposed_name or t.name))
    ]
    return items


def _actions(slug: str, can_write: bool) -> list[PaletteItem]:
    items = []
    if slug and can_write:
        items += [
            PaletteItem("action", "Add server", "open the add-server form", ACTION_PREFIX + "add-server"),
            PaletteItem("action", "Create API key", "open the new-key form", ACTION_PREFIX + "create-key"),
        ]
    items += [
        PaletteItem("action", "New project", "open the new-project form", ACTION_PREFIX + "new-project"),
        PaletteItem("action", "Sign out", "end this sign-in", ACTION_PREFIX + "sign-out"),
    ]
    return items


def catalogue(
    projects: list[Project],
    *,
    slug: str = "",
    servers: list[Server] | None = None,
    tools: list[Tool] | None = None,
    is_admin: bool = False,
) -> list[PaletteItem]:
    """Everything the palette offers on a page of project ``slug`` (``""`` outside a project).

    Servers and tools are those of the current project; the write actions need the developer or
    owner role there (administrators act as owners).
    """
    role = next((p.my_role for p in projects if p.slug == slug), None)
    can_write = bool(slug) and (is_admin or role in WRITE_ROLES)
    items = _current_project_items(slug, servers or [], tools or []) if slug else []
    items += _project_items(projects)
    items += [
        PaletteItem("page", "All projects", "page", "/projects"),
        PaletteItem("page", "Teams", "page", "/teams"),
        PaletteItem("page", "Profile", "page", "/profile"),
    ]
    if is_admin:
        items.append(PaletteItem("page", "Admin", "page", "/admin/users"))
    return items + _actions(slug, can_write)


def _rank(item: PaletteItem, words: list[str]) -> int | None:
    label, hint = item.label.lower(), item.hint.lower()
    text = f"{label} {item.kind} {hint}"
    if not all(w in text for w in words):
        return None
    if label.startswith(words[0]):
        return 0
    return 1 if all(w in label for w in words) else 2


def matches(items: list[PaletteItem], query: str, limit: int = MAX_ITEMS) -> list[PaletteItem]:
    """Items matching every word of ``query``: label prefix first, then label, then kind or hint matches."""
    words = query.lower().split()
    if not words:
        return items[:limit]
    ranked = [(rank, i, item) for i, item in enumerate(items) if (rank := _rank(item, words)) is not None]
    return [item for _, _, item in sorted(ranked, key=lambda r: (r[0], r[1]))][:limit]
