"""What a change means for this process: the gateway's specs, the MCP views, cached credentials (MCP and
REST), projects and roles, REST call targets, sessions.

The only place that applies change events (from this process's commits and from other replicas)
and resynchronises from the database. It reads the database for the current state, so the order
and repetition of events do not matter.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

import anyio

from backend.domain.changes import events as e
from backend.domain.endpoints.per_user import stop_ended_per_user_upstreams
from backend.domain.endpoints.standing import ended_credentials
from backend.domain.servers.specs import load_all_specs, load_spec_by_id
from backend.mcp.sandbox import remove_server_home

if TYPE_CHECKING:
    from backend.lib.context import AppContext
    from backend.lib.runtime import Runtime

logger = logging.getLogger("mcp_orch.changes")


class ChangeHandler:
    """Applies change events to the running parts on a :class:`~backend.lib.runtime.Runtime`."""

    def __init__(self, ctx: AppContext, runtime: Runtime) -> None:
        self.ctx = ctx
        self.runtime = runtime

    async def apply(self, events: Sequence[e.ChangeEvent]) -> None:
        """Apply the events of one commit."""
        self._forget_rest_answers(events)
        projects: set[UUID] = set()
        access = False
        for event in events:
            project_id, credentials = await self._one(event)
            if project_id is not None:
                projects.add(project_id)
            access = access or credentials
        for project_id in projects:
            self.runtime.call_targets.forget(project_id)
        if self.runtime.live is not None:
            self.runtime.live.publish(events)
        endpoints = self.runtime.mcp_endpoints
        if endpoints is not None:
            if access:
                endpoints.authenticator.forget()
            for project_id in projects:
                endpoints.registry.invalidate(project_id)
            if access:
                await self._close_ended_sessions()

    def _forget_rest_answers(self, events: Sequence[e.ChangeEvent]) -> None:
        """Resolved REST credentials go when credentials or accounts change; projects and roles when
        members, teams or projects do (loads in flight are not kept either)."""
        if any(isinstance(event, e.CredentialsRevoked | e.MemberAccessChanged) for event in events):
            self.runtime.bearers.forget()
        if any(isinstance(event, e.MemberAccessChanged | e.ProjectChanged | e.ProjectDeleted) for event in events):
            self.runtime.project_roles.forget()

    async def _one(self, event: e.ChangeEvent) -> tuple[UUID | None, bool]:
        """Apply one event; returns the project whose views to recompute and whether credentials changed."""
        if isinstance(event, e.ServerChanged | e.ToolToggled | e.ToolAliased):
            await self._reload_server(event.server_id)
            return event.project_id, False
        if isinstance(event, e.ServerDeleted):
            await self._forget_server(event.server_id)
            return event.project_id, False
        if isinstance(event, e.ServerRestarted):
            await self._restart_elsewhere(event)
            return None, False
        if isinstance(event, e.ProjectDeleted):
            for server_id in event.server_ids:
                await self._forget_server(server_id)
            return event.project_id, True
        if isinstance(event, e.ProjectChanged):
            return event.project_id, True
        # Keys, members, sign-ins, settings: cached credentials go, ended ones close. Live-only events: nothing.
        return None, not isinstance(event, e.LIVE_ONLY)

    async def resync(self) -> None:
        """Everything from the database: every server's spec, every view, cached credentials, sessions of dead keys."""
        gateway = self.runtime.gateway
        if gateway is not None:
            async with self.ctx.alchemy.get_session() as session:
                specs = await load_all_specs(session)
            await gateway.reconcile(specs)
        self.runtime.call_targets.forget()
        self.runtime.bearers.forget()
        self.runtime.project_roles.forget()
        endpoints = self.runtime.mcp_endpoints
        if endpoints is None:
            return
        endpoints.authenticator.forget()
        for project_id in {view.key.project_id for view in endpoints.registry.views()}:
            endpoints.registry.invalidate(project_id)
        await self._close_ended_sessions()

    async def _reload_server(self, server_id: UUID) -> None:
        gateway = self.runtime.gateway
        if gateway is None:
            return
        async with self.ctx.alchemy.get_session() as session:
            spec = await load_spec_by_id(session, server_id)
        if spec is None:
            await gateway.remove(server_id)
        else:
            gateway.configure(spec)

    async def _restart_elsewhere(self, event: e.ServerRestarted) -> None:
        gateway = self.runtime.gateway
        if gateway is None or event.replica == self.runtime.changes.replica_id:
            return  # the replica that took the request restarted (and reported) its own copy
        await gateway.restart_running(event.server_id)

    async def _forget_server(self, server_id: UUID) -> None:
        gateway = self.runtime.gateway
        if gateway is not None:
            await gateway.remove(server_id)
        await anyio.to_thread.run_sync(remove_server_home, self.ctx.settings.gateway.sandbox, server_id)
        logger.info("server forgotten", extra={"server_id": str(server_id)})

    async def _close_ended_sessions(self) -> None:
        """Close the open MCP sessions whose key or sign-in ended, or whose member lost access (and stop
        the ``per_user`` upstreams of ended credentials)."""
        if self.runtime.gateway is not None:
            async with self.ctx.alchemy.get_session() as session:
                await stop_ended_per_user_upstreams(session, self.runtime.gateway)
        endpoints = self.runtime.mcp_endpoints
        if endpoints is None:
            return
        accesses = endpoints.credentials()
        if not accesses:
            return
        async with self.ctx.alchemy.get_session() as session:
            ended = await ended_credentials(session, accesses)
        closed = await endpoints.close_where(ended)
        if closed:
            logger.info("sessions of ended credentials closed", extra={"sessions": closed})
