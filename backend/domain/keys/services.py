"""Key rules: developers manage their own keys, owners every key of the project."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import func, select

from backend.db import models as m
from backend.db.models import Role
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import KeyChanged, KeyRevoked
from backend.domain.changes.outbox import publish
from backend.domain.keys import schemas as s
from backend.domain.keys.standing import creator_standing, may_use_keys, suspension_reason
from backend.domain.keys.throttle import key_creation_retry_after
from backend.domain.projects.access import ProjectContext, parse_ref
from backend.lib.crypto import hash_api_key, new_api_key
from backend.lib.exceptions import ForbiddenError, NotFoundError, UnprocessableError

logger = logging.getLogger("mcp_orch.keys")

PREFIX_LENGTH = 12  # "mcpo_" + 7 random characters: enough to tell keys apart, useless to an attacker


def key_status(row: m.ApiKey, suspended: str | None = None, now: datetime | None = None) -> s.KeyStatus:
    """``revoked`` beats ``expired`` beats ``suspended`` beats ``active``."""
    now = now or datetime.now(tz=UTC)
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "suspended" if suspended is not None else "active"


def to_schema(row: m.ApiKey, creator: m.User | None, *, standing: bool = True) -> s.ApiKey:
    """A key row (and its creator, and whether they may still use it) as the API shows it."""
    suspended = suspension_reason(creator, standing, row.suspended_at)
    return s.ApiKey(
        id=row.id,
        name=row.name,
        description=row.description,
        prefix=row.prefix,
        server_ids=[UUID(v) for v in row.server_ids],
        created_by=None if creator is None else s.KeyCreator(id=creator.id, name=creator.name, email=creator.email),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
        last_used_ip=row.last_used_ip,
        rate_limit_per_minute=row.rate_limit_per_minute,
        status=key_status(row, suspended),
        suspended_reason=suspended if row.revoked_at is None else None,
    )


class ApiKeyService(SQLAlchemyAsyncRepositoryService[m.ApiKey]):
    """Project API keys."""

    class Repo(SQLAlchemyAsyncRepository[m.ApiKey]):
        """API-key repository."""

        model_type = m.ApiKey

    repository_type = Repo

    async def list_for(self, project: ProjectContext) -> list[s.ApiKey]:
        """Every key of the project for owners; a developer's own keys otherwise. Newest first."""
        stmt = (
            select(m.ApiKey, m.User, creator_standing())
            .outerjoin(m.User, m.User.id == m.ApiKey.created_by_id)
            .where(m.ApiKey.project_id == project.project_id)
            .order_by(m.ApiKey.created_at.desc(), m.ApiKey.id.desc())
        )
        if not project.can(Role.OWNER):
            stmt = stmt.where(m.ApiKey.created_by_id == project.user_id)
        rows = await self.repository.session.execute(stmt)
        return [to_schema(key, creator, standing=bool(ok)) for key, creator, ok in rows.tuples()]

    async def create_key(self, project: ProjectContext, actor: Any, data: s.ApiKeyCreate) -> s.ApiKeyCreated:
        """Mint a key; the plain key is in the answer only."""
        now = datetime.now(tz=UTC)
        expires_at = (
            data.expires_at.replace(tzinfo=UTC) if data.expires_at and not data.expires_at.tzinfo else data.expires_at
        )
        if expires_at is not None and expires_at <= now:
            raise UnprocessableError("expiresAt must be in the future", extra=[{"key": "expiresAt"}])
        server_ids = await self._check_servers(project.project_id, data.server_ids or [])
        plain = new_api_key()
        row = m.ApiKey(
            project_id=project.project_id,
            name=data.name.strip(),
            description=data.description,
            prefix=plain[:PREFIX_LENGTH],
            key_hash=hash_api_key(plain),
            server_ids=[str(v) for v in server_ids],
            created_by_id=project.user_id,
            expires_at=expires_at,
            rate_limit_per_minute=data.rate_limit_per_minute,
        )
        row = await self.create(row, auto_commit=False)
        await ActivityService(session=self.repository.session).record(
            "key.created",
            actor=actor,
            project_id=project.project_id,
            target_type="api_key",
            target_id=row.id,
            target_name=row.name,
            details={"prefix": row.prefix, "serverIds": row.server_ids, "expiresAt": _iso(expires_at)},
        )
        logger.info("api key created", extra={"project_id": str(project.project_id), "key_id": str(row.id)})
        creator = await self.repository.session.get(m.User, project.user_id) if project.user_id else None
        listed = to_schema(row, creator)
        return s.ApiKeyCreated(**{f: getattr(listed, f) for f in listed.__struct_fields__}, key=plain)

    async def creation_retry_after(self, user_id: UUID, max_per_hour: int) -> int:
        """Seconds until the user may mint another key (0 = now); holds the user's lock until commit."""
        return await key_creation_retry_after(self.repository.session, user_id, max_per_hour)

    async def revoke(self, project: ProjectContext, actor: Any, key_id: UUID) -> None:
        """Revoke a key (idempotent). Developers may revoke only keys they created."""
        row = await self.get_one_or_none(m.ApiKey.id == key_id, m.ApiKey.project_id == project.project_id)
        if row is None:
            raise NotFoundError("API key not found")
        if not project.can(Role.OWNER) and row.created_by_id != project.user_id:
            raise ForbiddenError("Developers can revoke only their own keys")
        await self._revoke(row, actor)

    async def revoke_any(self, actor: Any, key_id: UUID) -> None:
        """An administrator revokes a key of any project (idempotent); recorded as done by an administrator."""
        row = await self.get_one_or_none(m.ApiKey.id == key_id)
        if row is None:
            raise NotFoundError("API key not found")
        project = await self.repository.session.get(m.Project, row.project_id)
        await self._revoke(row, actor, by_admin=True, project_name=project.name if project else "")

    async def _revoke(self, row: m.ApiKey, actor: Any, *, by_admin: bool = False, project_name: str = "") -> None:
        """Revoke, record and publish :class:`KeyRevoked` (open sessions of the key end in every process)."""
        if row.revoked_at is not None:
            return
        row.revoked_at = datetime.now(tz=UTC)
        details: dict[str, Any] = {"prefix": row.prefix}
        if by_admin:  # the administrators' audit lists it, naming the project
            details |= {"byAdmin": True, "projectName": project_name}
        await ActivityService(session=self.repository.session).record(
            "key.revoked",
            actor=actor,
            project_id=row.project_id,
            target_type="api_key",
            target_id=row.id,
            target_name=row.name,
            details=details,
        )
        publish(self.repository.session, KeyRevoked(row.project_id, row.id))
        logger.info(
            "api key revoked",
            extra={"project_id": str(row.project_id), "key_id": str(row.id), "by_admin": by_admin},
        )

    async def list_all(
        self, *, project: str | None, page: int, page_size: int
    ) -> tuple[list[tuple[s.ApiKey, m.Project]], int]:
        """Keys of every project (or of one, by slug or id), newest first, with their project."""
        where = []
        if project:
            ref = parse_ref(project)
            where.append(m.Project.slug == project.lower() if ref is None else m.Project.id == ref)
        session = self.repository.session
        counted = select(func.count()).select_from(m.ApiKey).join(m.Project, m.Project.id == m.ApiKey.project_id)
        total = (await session.execute(counted.where(*where))).scalar_one()
        stmt = (
            select(m.ApiKey, m.User, creator_standing(), m.Project)
            .join(m.Project, m.Project.id == m.ApiKey.project_id)
            .outerjoin(m.User, m.User.id == m.ApiKey.created_by_id)
            .where(*where)
            .order_by(m.ApiKey.created_at.desc(), m.ApiKey.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        rows = await session.execute(stmt)
        keys = [(to_schema(key, creator, standing=bool(ok)), proj) for key, creator, ok, proj in rows.tuples()]
        return keys, int(total)

    async def reassign(self, project: ProjectContext, actor: Any, key_id: UUID, user_id: UUID) -> s.ApiKey:
        """Make ``user_id`` the key's creator (owners), e.g. to revive a suspended key.

        The new creator needs developer access to the project (or to be an administrator): 422 otherwise.
        """
        session = self.repository.session
        row = await self.get_one_or_none(m.ApiKey.id == key_id, m.ApiKey.project_id == project.project_id)
        if row is None:
            raise NotFoundError("API key not found")
        if row.revoked_at is not None:
            raise UnprocessableError("A revoked key cannot be reassigned")
        creator = await session.get(m.User, user_id)
        if creator is None or not await may_use_keys(session, user_id, row.project_id):
            raise UnprocessableError(
                "userId must be an active developer or owner of the project", extra=[{"key": "userId"}]
            )
        previous, row.created_by_id, row.suspended_at = row.created_by_id, user_id, None
        await ActivityService(session=session).record(
            "key.reassigned",
            actor=actor,
            project_id=project.project_id,
            target_type="api_key",
            target_id=row.id,
            target_name=row.name,
            details={"prefix": row.prefix, "from": None if previous is None else str(previous), "to": str(user_id)},
        )
        publish(session, KeyChanged(project.project_id, row.id))
        logger.info("api key reassigned", extra={"project_id": str(project.project_id), "key_id": str(row.id)})
        return to_schema(row, creator)

    async def _check_servers(self, project_id: UUID, server_ids: list[UUID]) -> list[UUID]:
        """The scope must name servers of this project (422 naming the unknown ones)."""
        wanted = list(dict.fromkeys(server_ids))
        if not wanted:
            return []
        found = set(
            (
                await self.repository.session.execute(
                    select(m.Server.id).where(m.Server.project_id == project_id, m.Server.id.in_(wanted))
                )
            ).scalars()
        )
        missing = [str(v) for v in wanted if v not in found]
        if missing:
            raise UnprocessableError(
                "serverIds names servers that are not in this project", extra=[{"key": "serverIds", "ids": missing}]
            )
        return wanted


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
