"""Personal access tokens: created by a signed-in user for themselves, shown once, revocable."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import select

from backend.db import models as m
from backend.domain.accounts.auth import CurrentUser
from backend.domain.changes.events import CredentialsRevoked
from backend.domain.changes.outbox import publish
from backend.domain.projects.access import find_project_and_role
from backend.domain.tokens import schemas as s
from backend.domain.tokens.grants import PAT_PREFIX
from backend.lib.crypto import hash_api_key
from backend.lib.exceptions import ForbiddenError, NotFoundError, UnprocessableError

logger = logging.getLogger("mcp_orch.tokens")
PREFIX_LENGTH = len(PAT_PREFIX) + 6
MAX_ACTIVE = 50


def token_status(row: m.PersonalAccessToken, now: datetime | None = None) -> s.TokenStatus:
    """``revoked`` beats ``expired`` beats ``active``."""
    now = now or datetime.now(tz=UTC)
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "active"


def to_schema(row: m.PersonalAccessToken, project: m.Project | None) -> s.PersonalAccessToken:
    """A token row (and its project) as the API shows it."""
    return s.PersonalAccessToken(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=[scope for scope in ("read", "write", "admin") if scope in row.scopes],
        project=None if project is None else s.TokenProject(id=project.id, slug=project.slug, name=project.name),
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        last_used_ip=row.last_used_ip,
        revoked_at=row.revoked_at,
        status=token_status(row),
    )


class PersonalAccessTokenService(SQLAlchemyAsyncRepositoryService[m.PersonalAccessToken]):
    """A user's personal access tokens."""

    class Repo(SQLAlchemyAsyncRepository[m.PersonalAccessToken]):
        """Token repository."""

        model_type = m.PersonalAccessToken

    repository_type = Repo

    async def list_for(self, user_id: UUID) -> list[s.PersonalAccessToken]:
        """The user's tokens, newest first (revoked and expired ones included, marked)."""
        rows = await self.repository.session.execute(
            select(m.PersonalAccessToken, m.Project)
            .outerjoin(m.Project, m.Project.id == m.PersonalAccessToken.project_id)
            .where(m.PersonalAccessToken.user_id == user_id)
            .order_by(m.PersonalAccessToken.created_at.desc(), m.PersonalAccessToken.id.desc())
        )
        return [to_schema(token, project) for token, project in rows.tuples()]

    async def create_token(self, user: CurrentUser, data: s.PersonalAccessTokenCreate) -> s.PersonalAccessTokenCreated:
        """Mint a token for ``user``; the plain token is in the answer only."""
        scopes = sorted(set(data.scopes))
        if "admin" in scopes and not user.is_admin:
            raise ForbiddenError("Only administrators can create tokens with the admin scope")
        session = self.repository.session
        active = await self.count(m.PersonalAccessToken.user_id == user.id, m.PersonalAccessToken.revoked_at.is_(None))
        if active >= MAX_ACTIVE:
            raise UnprocessableError(f"At most {MAX_ACTIVE} tokens may be active; revoke some first")
        project: m.Project | None = None
        if data.project is not None:
            found = await find_project_and_role(session, data.project, user.id)
            if found is None or (found[1] is None and not user.is_admin):
                raise UnprocessableError("project: no such project of yours", extra=[{"key": "project"}])
            project = found[0]
        plain = PAT_PREFIX + secrets.token_urlsafe(32)
        expires = None if data.expires_in_days is None else datetime.now(tz=UTC) + timedelta(days=data.expires_in_days)
        row = m.PersonalAccessToken(
            user_id=user.id,
            name=data.name.strip() or "token",
            prefix=plain[:PREFIX_LENGTH],
            token_hash=hash_api_key(plain),
            scopes=scopes,
            project_id=None if project is None else project.id,
            expires_at=expires,
        )
        row = await self.create(row, auto_commit=False)
        logger.info("personal access token created", extra={"user_id": str(user.id), "token_id": str(row.id)})
        listed = to_schema(row, project)
        return s.PersonalAccessTokenCreated(**{f: getattr(listed, f) for f in listed.__struct_fields__}, token=plain)

    async def revoke(self, user_id: UUID, token_id: UUID) -> None:
        """Revoke one of the user's tokens (idempotent; 404 when it is not theirs)."""
        row = await self.get_one_or_none(m.PersonalAccessToken.id == token_id, m.PersonalAccessToken.user_id == user_id)
        if row is None:
            raise NotFoundError("Token not found")
        if row.revoked_at is None:
            row.revoked_at = datetime.now(tz=UTC)
            publish(self.repository.session, CredentialsRevoked(user_id))
            logger.info("personal access token revoked", extra={"user_id": str(user_id), "token_id": str(token_id)})
