"""Server registry rules: create, update (secrets merged per key), delete, toggle — each audited.

Each change publishes a typed event (``backend/domain/changes/events.py``) that every replica applies
once the transaction has committed: an upstream is never restarted for an edit that was rolled back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import (
    ServerChanged,
    ServerDeleted,
    ServerRestarted,
    SettingChanged,
    ToolToggled,
)
from backend.domain.changes.outbox import publish
from backend.domain.servers import schemas as s
from backend.domain.servers import tool_schemas as ts
from backend.domain.servers.catalogue import CatalogueService
from backend.domain.servers.control import refresh_all, refresh_server, require_gateway
from backend.domain.servers.policy import CommandPolicy, load_policy, save_added_commands
from backend.domain.servers.sandboxing import check_limits_allowed, stored_limits
from backend.domain.servers.specs import encode_secrets
from backend.domain.servers.tools import set_tool_alias
from backend.domain.servers.updates import apply_update, merged_config
from backend.domain.servers.validation import ServerConfig, check_destination, validate_config
from backend.lib.exceptions import ConflictError, NotFoundError
from backend.lib.settings import GatewaySettings
from backend.mcp.netpolicy import NetworkPolicy
from backend.mcp.types import Catalogue

if TYPE_CHECKING:
    from backend.mcp.gateway import Gateway

# Fields copied as-is from a create/update body onto the row (command and cwd come resolved from the config).
_PLAIN_FIELDS = ("name", "description", "transport", "url", "timeout_seconds", "enabled", "isolation", "network")


def _as_uuid(ref: str) -> UUID | None:
    try:
        return UUID(ref)
    except ValueError:
        return None


class ServerService(SQLAlchemyAsyncRepositoryService[m.Server]):
    """Registered servers of a project."""

    class Repo(SQLAlchemyAsyncRepository[m.Server]):
        """Server repository."""

        model_type = m.Server

    repository_type = Repo

    def __init__(self, session: AsyncSession, *, gateway: Gateway | None = None, **kwargs: Any) -> None:
        """``gateway``: this process's running gateway (refresh needs it), given by the provider."""
        super().__init__(session, **kwargs)
        self.gateway = gateway

    @property
    def _activity(self) -> ActivityService:
        return ActivityService(session=self.repository.session)

    async def command_policy(self, settings: GatewaySettings) -> CommandPolicy:
        """The command allowlist in force (settings + administrators' additions)."""
        return await load_policy(self.repository.session, settings)

    async def set_added_commands(self, commands: list[str], *, actor: Any) -> None:
        """Replace the administrators' additions to the command allowlist (audited)."""
        await save_added_commands(self.repository.session, commands)
        publish(self.repository.session, SettingChanged("allowed_commands"))
        await self._activity.record(
            "settings.allowed_commands_updated", actor=actor, target_type="setting", details={"added": commands}
        )

    async def refresh(self, server: m.Server) -> Catalogue:
        """Re-list and store a server's catalogue now (503 when this process runs no gateway)."""
        return await refresh_server(self.repository.session, require_gateway(self.gateway), server)

    async def refresh_all(self, project_id: UUID) -> list[ts.RefreshOutcome]:
        """Refresh every enabled server of a project (bounded concurrency; 503 without a gateway)."""
        servers = await self.list_servers(project_id)
        return await refresh_all(self.repository.session, require_gateway(self.gateway), servers)

    async def release_connection(self) -> None:
        """End the request's read-only transaction before a long upstream call.

        A tool call can take minutes; holding a pooled connection idle in a transaction that long
        would exhaust the pool under concurrent calls. The session reopens one if used again.
        """
        session = self.repository.session
        if not (session.new or session.dirty or session.deleted):
            await session.commit()

    async def resolve(self, project_id: UUID, ref: str) -> m.Server:
        """A project's server by id or name, or 404."""
        as_id = _as_uuid(ref)
        clause = m.Server.name == ref if as_id is None else or_(m.Server.id == as_id, m.Server.name == ref)
        server = await self.get_one_or_none(m.Server.project_id == project_id, clause)
        if server is None:
            raise NotFoundError("Server not found")
        return server

    async def list_servers(self, project_id: UUID) -> list[m.Server]:
        """A project's servers by name."""
        rows = await self.repository.session.execute(
            select(m.Server).where(m.Server.project_id == project_id).order_by(m.Server.name)
        )
        return list(rows.scalars())

    async def name_taken(self, project_id: UUID, name: str, *, exclude: UUID | None = None) -> bool:
        """True when another server of the project already has ``name``."""
        stmt = select(m.Server.id).where(m.Server.project_id == project_id, m.Server.name == name)
        if exclude is not None:
            stmt = stmt.where(m.Server.id != exclude)
        return (await self.repository.session.execute(stmt.limit(1))).first() is not None

    async def create_server(
        self,
        project_id: UUID,
        data: s.ServerCreate,
        *,
        actor: Any,
        policy: CommandPolicy,
        network: NetworkPolicy | None = None,
    ) -> m.Server:
        """Validate and register a server; every replica's gateway learns about it after commit."""
        config = ServerConfig(
            name=data.name,
            transport=data.transport,
            command=data.command,
            args=list(data.args),
            cwd=data.cwd,
            url=data.url,
            env=dict(data.env),
            headers=dict(data.headers),
        )
        validate_config(config, policy)
        await check_destination(config, network or NetworkPolicy())
        limits = {name: getattr(data, name) for name in s.LIMIT_FIELDS}
        check_limits_allowed(actor, limits, dict.fromkeys(limits))
        if await self.name_taken(project_id, data.name):
            raise ConflictError(f"A server named {data.name!r} already exists in this project")
        server = m.Server(
            project_id=project_id,
            command=config.command,
            cwd=config.cwd,
            args=config.args,
            **limits,
            env=encode_secrets(config.env),
            headers=encode_secrets(config.headers),
            created_by_id=getattr(actor, "id", None),
            **{name: getattr(data, name) for name in _PLAIN_FIELDS},
        )
        server = await self.create(server, auto_commit=False)
        await self._activity.record(
            "server.created",
            actor=actor,
            project_id=project_id,
            target_type="server",
            target_id=server.id,
            target_name=server.name,
            details={"transport": server.transport, "envKeys": sorted(config.env)},
        )
        publish(self.repository.session, ServerChanged(server.project_id, server.id))
        return server

    async def update_server(
        self,
        server: m.Server,
        data: s.ServerUpdate,
        *,
        actor: Any,
        policy: CommandPolicy,
        network: NetworkPolicy | None = None,
    ) -> m.Server:
        """Apply a partial update; changed launch settings restart the upstream after commit."""
        config = merged_config(server, data)
        launch_changed = (config.command, config.transport) != (server.command, server.transport)
        # An unchanged command stays accepted even if the allowlist shrank since it was saved, and
        # an unchanged cwd stays as stored (servers saved before the sandbox keep working).
        validate_config(
            config,
            policy if launch_changed else None,
            check_cwd=launch_changed or config.cwd != server.cwd,
        )
        if (config.url, config.transport) != (server.url, server.transport):
            await check_destination(config, network or NetworkPolicy())
        requested = {name: getattr(data, name) for name in s.LIMIT_FIELDS if getattr(data, name) is not msgspec.UNSET}
        check_limits_allowed(actor, requested, stored_limits(server))
        if config.name != server.name and await self.name_taken(server.project_id, config.name, exclude=server.id):
            raise ConflictError(f"A server named {config.name!r} already exists in this project")
        changed = apply_update(server, data, config)
        if not changed:
            return server
        if "isolation" in changed:
            server.asked_client = []  # a new mode: its upstreams' requests are judged afresh
        await self.repository.session.flush()
        await self._activity.record(
            "server.updated",
            actor=actor,
            project_id=server.project_id,
            target_type="server",
            target_id=server.id,
            target_name=server.name,
            details={"fields": changed},
        )
        self._config_log(server, f"Configuration changed: {', '.join(changed)}")
        publish(self.repository.session, ServerChanged(server.project_id, server.id))
        return server

    async def delete_server(self, server: m.Server, *, actor: Any) -> None:
        """Delete a server (its catalogue and logs go with it; tool calls stay).

        After commit its upstreams stop on every replica and its sandbox home (files, caches, ``/tmp``) is removed.
        """
        await self._activity.record(
            "server.deleted",
            actor=actor,
            project_id=server.project_id,
            target_type="server",
            target_id=server.id,
            target_name=server.name,
        )
        server_id = server.id
        # server_log has no foreign key (its writer must not lock server rows): delete it here.
        await self.repository.session.execute(delete(m.ServerLog).where(m.ServerLog.server_id == server_id))
        await self.repository.session.delete(server)
        await self.repository.session.flush()
        publish(self.repository.session, ServerDeleted(server.project_id, server_id))

    async def toggle(self, server: m.Server, *, actor: Any) -> m.Server:
        """Flip ``enabled``; disabling stops the upstream, enabling makes it startable again."""
        server.enabled = not server.enabled
        await self.repository.session.flush()
        await self._activity.record(
            "server.toggled",
            actor=actor,
            project_id=server.project_id,
            target_type="server",
            target_id=server.id,
            target_name=server.name,
            details={"enabled": server.enabled},
        )
        self._config_log(server, "Server enabled" if server.enabled else "Server disabled")
        publish(self.repository.session, ServerChanged(server.project_id, server.id))
        return server

    async def set_tool_enabled(self, server: m.Server, tool: str, enabled: bool, *, actor: Any) -> m.CatalogueItem:
        """Enable or disable one tool; every replica refuses a disabled tool from the commit on."""
        item = await CatalogueService(session=self.repository.session).tool(server.id, tool)
        if item.enabled == enabled:
            return item
        item.enabled = enabled
        await self.repository.session.flush()
        await self._activity.record(
            "tool.enabled" if enabled else "tool.disabled",
            actor=actor,
            project_id=server.project_id,
            target_type="tool",
            target_id=server.id,
            target_name=f"{server.name}/{tool}",
            details={"server": server.name, "tool": tool},
        )
        publish(self.repository.session, ToolToggled(server.project_id, server.id, tool))
        return item

    async def update_tool(self, server: m.Server, tool: str, data: ts.ToolUpdate, *, actor: Any) -> m.CatalogueItem:
        """Set a tool's alias and/or enabled flag (``tool``: its name or alias); each change is audited."""
        item = await CatalogueService(session=self.repository.session).tool(server.id, tool)
        if data.alias is not msgspec.UNSET:
            await set_tool_alias(self.repository.session, server, item, data.alias, actor=actor)
        if data.enabled is not msgspec.UNSET:
            item = await self.set_tool_enabled(server, item.name, data.enabled, actor=actor)
        return item

    async def record_restart(self, server: m.Server, *, actor: Any, replica: str) -> None:
        """Audit a restart through ``replica`` (which restarts its own copy); the others restart theirs."""
        publish(self.repository.session, ServerRestarted(server.project_id, server.id, replica))
        await self._activity.record(
            "server.restarted",
            actor=actor,
            project_id=server.project_id,
            target_type="server",
            target_id=server.id,
            target_name=server.name,
        )

    def _config_log(self, server: m.Server, message: str) -> None:
        """A lifecycle line in the server log, in the same transaction as the change."""
        self.repository.session.add(
            m.ServerLog(
                project_id=server.project_id, server_id=server.id, level="info", category="config", message=message
            )
        )
