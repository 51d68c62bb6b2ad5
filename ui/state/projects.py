"""The projects list: favorites, counts, server status summary, search and the create dialog."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from ui.api import ApiError
from ui.api.types import Project
from ui.api.types_servers import ProjectServerSummary
from ui.state.form_errors import field_errors
from ui.state.shell import ShellState

UP = {"running", "healthy"}  # the legend's Running and Healthy: it answers
FAILING = {"error", "backoff"}  # the legend's Error and Retrying: it does not answer


@dataclass
class ProjectRow:
    """A project with the numbers the list shows."""

    project: Project
    tools: int = 0
    up: int = 0
    failing: int = 0
    servers_known: bool = False


def _rows(projects: list[Project], summaries: list[ProjectServerSummary]) -> list[ProjectRow]:
    """Projects with their server numbers (a project without servers has no summary: zeros)."""
    by_id = {summary.project_id: summary for summary in summaries}
    rows = []
    for project in projects:
        summary = by_id.get(project.id, ProjectServerSummary())
        rows.append(
            ProjectRow(
                project=project,
                tools=summary.tools,
                up=sum(n for state, n in summary.states.items() if state in UP),
                failing=sum(n for state, n in summary.states.items() if state in FAILING),
                servers_known=True,
            )
        )
    return rows


class ProjectsState(ShellState):
    """State of ``/projects``."""

    rows: list[ProjectRow] = []
    loading: bool = True
    search: str = ""
    create_open: bool = False
    creating: bool = False
    create_errors: dict[str, str] = {}  # beside the create dialog's fields (name or slug taken)

    @rx.var
    def visible_rows(self) -> list[ProjectRow]:
        """Rows matching the search box."""
        q = self.search.strip().lower()
        if not q:
            return self.rows
        return [
            r
            for r in self.rows
            if q in r.project.name.lower() or q in r.project.slug or q in r.project.description.lower()
        ]

    @rx.event
    def set_search(self, value: str):
        """Filter the list."""
        self.search = value

    @rx.event
    def set_create_open(self, value: bool):
        """Open or close the create dialog."""
        self.create_open, self.create_errors = value, {}

    @rx.event(background=True)
    async def load(self):
        """Load the projects, then the server summary of every project in one call."""
        async with self:
            self.loading = not self.rows
            api = self._api()
        try:
            page = await api.list_projects(page_size=100)
        except ApiError as exc:
            async with self:
                self.loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.rows = [ProjectRow(project=p) for p in page.items]
            self.switcher_projects = page.items
            self.loading = False
        try:
            summaries = await api.server_summaries()
        except ApiError:
            return  # best effort: the list renders without server numbers
        async with self:
            self.rows = _rows(page.items, summaries)

    @rx.event(background=True)
    async def toggle_favorite(self, slug: str, favorite: bool):
        """Star or unstar a project."""
        async with self:
            api = self._api()
        try:
            await api.set_favorite(slug, favorite)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield ProjectsState.load

    @rx.event(background=True)
    async def create(self, form: dict[str, str]):
        """Create a project and open it."""
        async with self:
            self.creating = True
            api = self._api()
        try:
            project = await api.create_project(
                form.get("name", "").strip(), form.get("description", "").strip(), form.get("slug", "").strip()
            )
        except ApiError as exc:
            errors = field_errors(exc, ("name", "slug", "description"))
            async with self:
                self.creating, self.create_errors = False, errors
            if not errors:
                yield await self._on_error(exc)
            return
        async with self:
            self.creating = False
            self.create_open = False
            self.switcher_loaded = False
        yield rx.toast.success(f"Project {project.name} created")
        yield rx.redirect(f"/projects/{project.slug}/overview")
