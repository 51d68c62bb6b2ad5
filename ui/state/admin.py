"""Administration: the section in the URL, every server, and the worker (the lists have their own states)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import reflex as rx

from ui.api import ApiClient, ApiError
from ui.api.types import AdminProject
from ui.api.types_jobs import JobRun, WorkerOverview
from ui.api.types_servers import Server
from ui.state.shell import ShellState

SECTIONS = ("users", "projects", "teams", "servers", "keys", "commands", "system", "sandbox", "worker", "audit")
WORKER_FIELDS = {
    "health_check_interval_seconds": "healthCheckIntervalSeconds",
    "probe_concurrency": "probeConcurrency",
    "retention_tool_calls_days": "retentionToolCallsDays",
    "retention_server_logs_days": "retentionServerLogsDays",
    "retention_client_sessions_days": "retentionClientSessionsDays",
    "retention_activity_days": "retentionActivityDays",
}


@dataclass
class GlobalServer:
    """A server with the project it belongs to."""

    project_slug: str = ""
    project_name: str = ""
    server: Server = field(default_factory=Server)


async def _servers_of(api: ApiClient, project: AdminProject) -> list[GlobalServer]:
    try:
        servers = await api.list_servers(project.slug)
    except ApiError:
        return []
    return [GlobalServer(project.slug, project.name, s) for s in servers]


class AdminState(ShellState):
    """State of ``/admin/[admin_section]``."""

    global_servers: list[GlobalServer] = []
    worker: WorkerOverview = WorkerOverview()
    history: list[JobRun] = []
    admin_loading: bool = True
    admin_loaded: bool = False  # the first load is done: later ones keep the section on screen

    @rx.var
    def section(self) -> str:
        """The admin section in the URL."""
        return str(self.admin_section) if self.admin_section in SECTIONS else "users"  # type: ignore[attr-defined]

    @rx.event
    def go_section(self, value: str):
        """Switch sections by URL."""
        return rx.redirect(f"/admin/{value}")

    @rx.event
    def open(self):
        """Entering the page: load the section (administrators only)."""
        if not self.user.is_admin and self.auth_checked:
            return [rx.toast.error("Administrators only"), rx.redirect("/projects")]
        return AdminState.load

    @rx.event(background=True)
    async def load(self):
        """Load the current section."""
        async with self:
            self.admin_loading = True
            api, section = self._api(), self.section
        try:
            if section == "servers":
                projects = (await api.admin_projects(page_size=100)).items
                groups = await asyncio.gather(*[_servers_of(api, p) for p in projects if not p.archived_at])
                result: dict = {"global_servers": [s for group in groups for s in group]}
            elif section != "worker":
                result = {}  # the other screens load their own state when they mount
            else:
                worker, history = await asyncio.gather(api.worker(), api.worker_history(page_size=20))
                result = {"worker": worker, "history": history.items}
        except ApiError as exc:
            async with self:
                self.admin_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            for key, value in result.items():
                setattr(self, key, value)
            self.admin_loading, self.admin_loaded = False, True

    @rx.event(background=True)
    async def save_worker(self, form: dict[str, str]):
        """Save worker intervals and retention."""
        try:
            body: dict[str, object] = {
                api_name: int(form[name]) for name, api_name in WORKER_FIELDS.items() if form.get(name)
            }
        except ValueError:
            yield rx.toast.error("Worker settings are whole numbers")
            return
        if form.get("retention_time"):
            body["retentionTime"] = form["retention_time"]
        async with self:
            api = self._api()
        try:
            await api.update_worker(**body)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success("Worker settings saved")
        yield AdminState.load

    @rx.event(background=True)
    async def set_paused(self, paused: bool):
        """Pause or resume the periodic jobs."""
        async with self:
            api = self._api()
        try:
            await api.update_worker(paused=paused)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success("Worker paused" if paused else "Worker resumed")
        yield AdminState.load

    @rx.event(background=True)
    async def run_now(self, job: str):
        """Run a periodic job now."""
        async with self:
            api = self._api()
        try:
            await api.run_job(job)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"{job} queued")
        await asyncio.sleep(1.5)
        yield AdminState.load
