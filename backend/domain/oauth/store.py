"""What the authorization server keeps: clients, consents, codes, grants and tokens (hashed), read and written
on the request's session; Authlib reaches it through :class:`backend.domain.oauth.server.OAuthServer`.

Two writes cannot wait for the request's commit, because the request then fails: reusing a spent
code or a rotated refresh token ends the grant they belong to (RFC 6749 §4.1.2, OAuth 2.1 §4.3.1),
committed at once on a session of its own and announced to every API process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.changes.events import ChangeEvent, CredentialsRevoked
from backend.domain.changes.outbox import publish
from backend.domain.oauth.clients import DYNAMIC, METADATA_DOCUMENT, Client
from backend.domain.oauth.documents import fetch_metadata_document, is_metadata_url
from backend.domain.oauth.records import AuthorizationCode, IssuedToken, OAuthUser
from backend.lib.context import AppContext
from backend.lib.crypto import hash_api_key

CODE_SECONDS = 300
Deliver = Callable[[Sequence[ChangeEvent]], Awaitable[None]]


def _client(row: m.OAuthClient) -> Client:
    return Client(
        pk=row.id,
        client_id=row.client_id,
        kind=row.kind,
        metadata=row.client_metadata,
        secret_hash=row.client_secret_hash,
    )


class OAuthStore:
    """The authorization server's storage for one request."""

    def __init__(self, ctx: AppContext, session: AsyncSession, deliver: Deliver) -> None:
        self.ctx = ctx
        self.session = session
        self.deliver = deliver

    # ---- clients --------------------------------------------------------------------------------

    async def client(self, client_id: str) -> Client | None:
        """A registered client, or one known by its metadata document (fetched again once stale)."""
        row = (
            await self.session.execute(select(m.OAuthClient).where(m.OAuthClient.client_id == client_id))
        ).scalar_one_or_none()
        if not is_metadata_url(client_id):
            return _client(row) if row is not None and row.kind == DYNAMIC else None
        fresh = datetime.now(tz=UTC) - timedelta(seconds=self.ctx.settings.oauth.metadata_cache_seconds)
        if row is not None and row.kind == METADATA_DOCUMENT and row.fetched_at and row.fetched_at > fresh:
            return _client(row)
        metadata = await fetch_metadata_document(self.ctx.settings, client_id)
        values = {"kind": METADATA_DOCUMENT, "client_metadata": metadata, "fetched_at": datetime.now(tz=UTC)}
        # Its own commit: the document is what it is, whether or not this request succeeds.
        async with self.ctx.alchemy.get_session() as own:
            statement = insert(m.OAuthClient).values(client_id=client_id, **values)
            statement = statement.on_conflict_do_update(index_elements=["client_id"], set_=values)
            await own.execute(statement)
            await own.commit()
        row = (
            await self.session.execute(
                select(m.OAuthClient)
                .where(m.OAuthClient.client_id == client_id)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return _client(row)

    async def registrations_since(self, since: datetime) -> int:
        """Dynamic registrations since ``since`` (every process's)."""
        count = select(func.count()).where(m.OAuthClient.kind == DYNAMIC, m.OAuthClient.created_at >= since)
        return int((await self.session.execute(count)).scalar_one())

    async def register_client(self, client_id: str, secret: str | None, metadata: dict[str, Any]) -> Client:
        """Store a dynamically registered client (only the secret's hash)."""
        row = m.OAuthClient(
            client_id=client_id,
            kind=DYNAMIC,
            client_secret_hash=hash_api_key(secret) if secret else None,
            client_metadata=metadata,
        )
        self.session.add(row)
        await self.session.flush()
        return _client(row)

    # ---- consents and codes ---------------------------------------------------------------------

    async def consent(self, user_id: UUID, client: Client, resource: str) -> m.OAuthConsent | None:
        """The user's live consent for ``client`` on ``resource``."""
        return (
            await self.session.execute(
                select(m.OAuthConsent)
                .where(
                    m.OAuthConsent.user_id == user_id,
                    m.OAuthConsent.client_pk == client.pk,
                    m.OAuthConsent.resource == resource,
                    m.OAuthConsent.revoked_at.is_(None),
                )
                .order_by(m.OAuthConsent.created_at.desc())
                .limit(1)
            )
        ).scalar_one_or_none()

    async def save_code(
        self, code: str, client: Client, user: OAuthUser, project_id: UUID, data: dict[str, str]
    ) -> None:
        """Remember the consent and store the code (hashed) with its redirect URI, resource and challenge."""
        resource = data["resource"]
        consent = await self.consent(user.id, client, resource)
        if consent is None:
            consent = m.OAuthConsent(
                user_id=user.id, client_pk=client.pk, project_id=project_id, resource=resource, scope=data["scope"]
            )
            self.session.add(consent)
            await self.session.flush()
        self.session.add(
            m.OAuthAuthorizationCode(
                code_hash=hash_api_key(code),
                consent_id=consent.id,
                redirect_uri=data["redirect_uri"],
                scope=data["scope"],
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                expires_at=datetime.now(tz=UTC) + timedelta(seconds=CODE_SECONDS),
            )
        )
        await self.session.flush()

    async def code(self, code: str, client: Client) -> AuthorizationCode | None:
        """A live code issued to ``client``; a second use ends the grant its first use opened."""
        row = (
            await self.session.execute(
                select(m.OAuthAuthorizationCode, m.OAuthConsent)
                .join(m.OAuthConsent, m.OAuthConsent.id == m.OAuthAuthorizationCode.consent_id)
                .where(m.OAuthAuthorizationCode.code_hash == hash_api_key(code), m.OAuthConsent.client_pk == client.pk)
            )
        ).one_or_none()
        if row is None:
            return None
        found, consent = row
        if found.used_at is not None:
            if found.grant_id is not None:
                await self.end_grant_now(found.grant_id, consent.user_id)
            return None
        if found.expires_at <= datetime.now(tz=UTC) or consent.revoked_at is not None:
            return None
        return AuthorizationCode(
            id=found.id,
            consent_id=consent.id,
            user_id=consent.user_id,
            client_id=client.client_id,
            redirect_uri=found.redirect_uri,
            scope=found.scope,
            resource=consent.resource,
            code_challenge=found.code_challenge,
            code_challenge_method=found.code_challenge_method,
        )

    async def user(self, user_id: UUID) -> OAuthUser | None:
        """An active user."""
        row = (
            await self.session.execute(
                select(m.User.id, m.User.is_admin).where(m.User.id == user_id, m.User.is_active.is_(True))
            )
        ).one_or_none()
        return None if row is None else OAuthUser(id=row.id, is_admin=row.is_admin)

    # ---- tokens ---------------------------------------------------------------------------------

    async def save_token(
        self, token: dict[str, Any], *, code: AuthorizationCode | None = None, previous: IssuedToken | None = None
    ) -> None:
        """Store a token pair (hashes only): a new grant for a code, the same grant for a refresh."""
        now = datetime.now(tz=UTC)
        if code is not None:
            grant = m.OAuthGrant(consent_id=code.consent_id, user_id=code.user_id)
            self.session.add(grant)
            await self.session.flush()
            grant_id = grant.id
            await self.session.execute(
                update(m.OAuthAuthorizationCode)
                .where(m.OAuthAuthorizationCode.id == code.id)
                .values(used_at=now, grant_id=grant_id)
            )
        elif previous is not None:
            grant_id = previous.grant_id
        else:
            raise ValueError("a token belongs to a code or to a previous token")
        consent_id = code.consent_id if code is not None else previous.consent_id  # type: ignore[union-attr]
        await self.session.execute(
            update(m.OAuthConsent).where(m.OAuthConsent.id == consent_id).values(last_used_at=now)
        )
        refresh = token.get("refresh_token")
        self.session.add(
            m.OAuthToken(
                grant_id=grant_id,
                access_token_hash=hash_api_key(token["access_token"]),
                refresh_token_hash=hash_api_key(refresh) if refresh else None,
                scope=token.get("scope") or "",
                access_expires_at=now + timedelta(seconds=int(token["expires_in"])),
                refresh_expires_at=now + timedelta(days=self.ctx.settings.oauth.refresh_token_days)
                if refresh
                else None,
            )
        )
        await self.session.flush()

    async def token(self, value: str, *, refresh: bool) -> tuple[IssuedToken | None, m.OAuthToken | None]:
        """The live token whose access (or refresh) token is ``value``, and the row found even when not live."""
        column = m.OAuthToken.refresh_token_hash if refresh else m.OAuthToken.access_token_hash
        row = (
            await self.session.execute(
                select(m.OAuthToken, m.OAuthGrant, m.OAuthConsent, m.OAuthClient.client_id)
                .join(m.OAuthGrant, m.OAuthGrant.id == m.OAuthToken.grant_id)
                .join(m.OAuthConsent, m.OAuthConsent.id == m.OAuthGrant.consent_id)
                .join(m.OAuthClient, m.OAuthClient.id == m.OAuthConsent.client_pk)
                .where(column == hash_api_key(value))
            )
        ).one_or_none()
        if row is None:
            return None, None
        found, grant, consent, client_id = row
        expires = found.refresh_expires_at if refresh else found.access_expires_at
        live = (
            found.revoked_at is None
            and grant.revoked_at is None
            and consent.revoked_at is None
            and expires is not None
            and expires > datetime.now(tz=UTC)
        )
        if not live:
            return None, found
        issued = IssuedToken(
            id=found.id,
            grant_id=grant.id,
            consent_id=consent.id,
            user_id=grant.user_id,
            client_id=client_id,
            scope=found.scope,
            resource=consent.resource,
            expires_at=expires,
        )
        return issued, found

    async def refresh_token(self, value: str) -> IssuedToken | None:
        """A live refresh token; presenting a rotated one ends its grant (someone else may hold it)."""
        issued, row = await self.token(value, refresh=True)
        if issued is None and row is not None and row.revoked_at is not None:
            grant = await self.session.get(m.OAuthGrant, row.grant_id)
            if grant is not None and grant.revoked_at is None:
                await self.end_grant_now(grant.id, grant.user_id)
        return issued

    async def retire(self, token_id: UUID) -> None:
        """A refreshed token is replaced: neither its access nor its refresh token works any more."""
        await self.session.execute(
            update(m.OAuthToken).where(m.OAuthToken.id == token_id).values(revoked_at=datetime.now(tz=UTC))
        )

    async def end_grant(self, grant_id: UUID, user_id: UUID) -> None:
        """End a grant and its tokens (RFC 7009); open MCP sessions under it close at commit."""
        now = datetime.now(tz=UTC)
        await self.session.execute(
            update(m.OAuthGrant)
            .where(m.OAuthGrant.id == grant_id, m.OAuthGrant.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        await self.session.execute(
            update(m.OAuthToken)
            .where(m.OAuthToken.grant_id == grant_id, m.OAuthToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        publish(self.session, CredentialsRevoked(user_id))

    async def end_grant_now(self, grant_id: UUID, user_id: UUID) -> None:
        """:meth:`end_grant`, committed at once on its own session (the request itself fails)."""
        async with self.ctx.alchemy.get_session() as own:
            await OAuthStore(self.ctx, own, self.deliver).end_grant(grant_id, user_id)
            await own.commit()
        await self.deliver([CredentialsRevoked(user_id)])
