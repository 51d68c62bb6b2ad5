"""Reading client sessions (written by the session journal)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import and_, func, or_, select

from backend.db import models as m
from backend.domain.endpoints import schemas as s
from backend.domain.endpoints.client_config import Request, build_client_config, endpoint_entries
from backend.lib.exceptions import ConflictError, NotFoundError

# A session with no activity for this long is no longer live, even if its end was never recorded
# (the process serving it stopped). Matches the transports' idle timeout.
LIVE_WINDOW = timedelta(minutes=30)


def _item(row: m.ClientSession, key: m.ApiKey | None, user: m.User | None, now: datetime) -> s.ClientSessionItem:
    return s.ClientSessionItem(
        id=row.id,
        session_id=row.session_id,
        live=row.ended_at is None and row.last_activity_at >= now - LIVE_WINDOW,
        transport=row.transport,
        endpoint=row.endpoint,
        server_id=row.server_id,
        client_name=row.client_name,
        client_version=row.client_version,
        protocol_version=row.protocol_version,
        user_agent=row.user_agent,
        remote_addr=row.remote_addr,
        api_key=None if key is None else s.SessionKey(id=key.id, name=key.name, prefix=key.prefix),
        user=None if user is None else s.SessionUser(id=user.id, email=user.email),
        started_at=row.started_at,
        last_activity_at=row.last_activity_at,
        ended_at=row.ended_at,
        calls=row.calls,
        errors=row.errors,
    )


class ClientSessionService(SQLAlchemyAsyncRepositoryService[m.ClientSession]):
    """Client sessions of a project."""

    class Repo(SQLAlchemyAsyncRepository[m.ClientSession]):
        """Client-session repository."""

        model_type = m.ClientSession

    repository_type = Repo

    async def search(
        self, project_id: UUID, *, state: s.SessionState, page: int, page_size: int
    ) -> tuple[list[s.ClientSessionItem], int]:
        """Sessions of the project, most recently active first."""
        now = datetime.now(tz=UTC)
        live = and_(m.ClientSession.ended_at.is_(None), m.ClientSession.last_activity_at >= now - LIVE_WINDOW)
        stmt = (
            select(m.ClientSession, m.ApiKey, m.User)
            .outerjoin(m.ApiKey, m.ApiKey.id == m.ClientSession.api_key_id)
            .outerjoin(m.User, m.User.id == m.ClientSession.user_id)
            .where(m.ClientSession.project_id == project_id)
        )
        if state == "live":
            stmt = stmt.where(live)
        elif state == "ended":
            stmt = stmt.where(
                or_(m.ClientSession.ended_at.is_not(None), m.ClientSession.last_activity_at < now - LIVE_WINDOW)
            )
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
        rows = await session.execute(
            stmt.order_by(m.ClientSession.last_activity_at.desc(), m.ClientSession.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        return [_item(row, key, user, now) for row, key, user in rows.tuples()], int(total)


class ClientConfigService(SQLAlchemyAsyncRepositoryService[m.Server]):
    """Client configurations for a project's endpoints."""

    class Repo(SQLAlchemyAsyncRepository[m.Server]):
        """Server repository (read-only here)."""

        model_type = m.Server

    repository_type = Repo

    async def build(
        self,
        project_id: UUID,
        *,
        client: s.ClientKind,
        transport: s.TransportKind,
        scope: s.ScopeKind,
        base_url: str,
        key_only: bool = False,
    ) -> s.ClientConfig:
        """The configuration for every enabled server, or for the unified endpoint (``key_only``: key-only URLs)."""
        session = self.repository.session
        project = await session.get(m.Project, project_id)
        if project is None:
            raise NotFoundError("Project not found")
        if scope == "unified" and not project.unified_enabled:
            raise ConflictError("The unified endpoint is switched off for this project (setting unifiedEnabled)")
        names = list(
            (
                await session.execute(
                    select(m.Server.name)
                    .where(m.Server.project_id == project_id, m.Server.enabled.is_(True))
                    .order_by(m.Server.name)
                )
            ).scalars()
        )
        if scope == "servers" and not names:
            raise ConflictError("The project has no enabled servers yet")
        entries = endpoint_entries(base_url, project.slug, scope, transport, names, key_only=key_only)
        signed = endpoint_entries(base_url, project.slug, scope, transport, names)
        request = Request(transport=transport, scope=scope, entries=entries, sign_in_entries=signed, key_only=key_only)
        return build_client_config(client, request)
