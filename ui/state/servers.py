"""The Servers tab: the list with live status, per-server actions, and refresh-all with progress."""

from __future__ import annotations

import asyncio
import json
import time

import reflex as rx

from ui.api import ApiError
from ui.api.types_servers import Server
from ui.components.server_states import check_summary
from ui.components.words import job_status_word
from ui.plural import counted
from ui.state.project import ProjectState

JOB_POLL_SECONDS = 0.5
JOB_TIMEOUT_SECONDS = 300.0
DONE = {"complete", "failed"}


class ServersState(ProjectState):
    """State of the Servers tab."""

    servers: list[Server] = []
    servers_loading: bool = True
    busy: str = ""
    refresh_running: bool = False
    refresh_progress: float = 0.0
    refresh_label: str = ""

    @rx.event(background=True)
    async def load(self):
        """Load the servers with their live status."""
        async with self:
            self.servers_loading = not self.servers or self.servers[0].project_id != self.project.id
            api, slug = self._api(), self._slug()
        try:
            servers = await api.list_servers(slug)
        except ApiError as exc:
            async with self:
                self.servers_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.servers = servers
            self.servers_loading = False

    async def _act(self, name: str, verb: str):
        """Run one server action with a busy marker; a toast with the outcome."""
        async with self:
            self.busy = name
            api, slug = self._api(), self._slug()
        try:
            if verb == "toggle":
                server = await api.toggle_server(slug, name)
                message = f"{name} {'enabled' if server.enabled else 'disabled'}"
            elif verb == "restart":
                server = await api.restart_server(slug, name)
                message = f"{name} restarted ({server.status})"
            else:
                catalogue = await api.refresh_server(slug, name)
                message = f"{name} refreshed: {counted(len(catalogue.tools), 'tool')}"
        except ApiError as exc:
            async with self:
                self.busy = ""
            return await self._on_error(exc)
        async with self:
            self.busy = ""
        return rx.toast.success(message)

    @rx.event(background=True)
    async def toggle(self, name: str):
        """Enable or disable a server."""
        yield await self._act(name, "toggle")
        yield ServersState.load

    @rx.event(background=True)
    async def restart(self, name: str):
        """Restart a server."""
        yield await self._act(name, "restart")
        yield ServersState.load

    @rx.event(background=True)
    async def refresh(self, name: str):
        """Reconnect a server and re-read its tools."""
        yield await self._act(name, "refresh")
        yield ServersState.load

    @rx.event(background=True)
    async def delete(self, name: str):
        """Delete a server."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            await api.delete_server(slug, name)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"Server {name} deleted")
        yield ServersState.load

    @rx.event(background=True)
    async def refresh_all(self):
        """Health-check every server in the background and follow the job's progress."""
        async with self:
            if self.refresh_running:
                return
            self.refresh_running, self.refresh_progress, self.refresh_label = True, 0.0, "Waiting…"
            api, slug = self._api(), self._slug()
        try:
            job = await api.refresh_all(slug)
            deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
            run = await api.job(job.id)
            while run.status not in DONE and time.monotonic() < deadline:
                async with self:
                    self.refresh_progress = run.progress
                    self.refresh_label = f"{job_status_word(run.status)}… {round(run.progress * 100)}%"
                await asyncio.sleep(JOB_POLL_SECONDS)
                run = await api.job(job.id)
        except ApiError as exc:
            async with self:
                self.refresh_running = False
            yield await self._on_error(exc)
            return
        async with self:
            self.refresh_running, self.refresh_progress = False, 1.0
        summary = run.summary or {}
        if run.status == "complete":
            yield rx.toast.success(check_summary(summary))
        else:
            yield rx.toast.error(run.error or f"Refresh did not finish ({job_status_word(run.status).lower()})")
        yield ServersState.load

    @rx.event(background=True)
    async def export(self):
        """Download the servers as an ``mcpServers`` file."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            body = await api.export_servers(slug)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.download(data=json.dumps(body, indent=2), filename=f"{slug}-mcp-servers.json")
