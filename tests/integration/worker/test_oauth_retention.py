"""Retention of OAuth records past use, through the real purge job and worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import select

from backend.db import models as m
from backend.domain.system.job_runs import enqueue
from backend.lib.context import AppContext
from backend.lib.worker import JOBS
from tests.factories import Api
from tests.integration.worker._support import finished
from tests.integration.worker.conftest import StartWorker

SEEDED_CLIENTS = {"used-old-dynamic", "abandoned-dynamic", "abandoned-document", "recent-dynamic"}


def _ago(**delta: float) -> datetime:
    return datetime.now(tz=UTC) - timedelta(**delta)


def _in(**delta: float) -> datetime:
    return datetime.now(tz=UTC) + timedelta(**delta)


def _client(name: str, kind: str, created_at: datetime) -> m.OAuthClient:
    return m.OAuthClient(client_id=name, kind=kind, client_metadata={}, created_at=created_at, updated_at=created_at)


def _token(
    grant_id: UUID, name: str, access_end: datetime, refresh_end: datetime | None, **extra: object
) -> m.OAuthToken:
    return m.OAuthToken(
        grant_id=grant_id,
        access_token_hash=f"a-{name}".ljust(64, "0"),
        refresh_token_hash=f"r-{name}".ljust(64, "0") if refresh_end else None,
        access_expires_at=access_end,
        refresh_expires_at=refresh_end,
        **extra,
    )


async def _seed(ctx: AppContext, user_id: UUID, project_id: UUID) -> None:
    async with ctx.alchemy.get_session() as session:
        used = _client("used-old-dynamic", "dynamic", _ago(days=30))
        session.add_all(
            [
                used,
                _client("abandoned-dynamic", "dynamic", _ago(days=8)),
                _client("abandoned-document", "metadata_document", _ago(days=8)),
                _client("recent-dynamic", "dynamic", _ago(days=1)),
            ]
        )
        await session.flush()
        consent = m.OAuthConsent(user_id=user_id, client_pk=used.id, project_id=project_id, resource="https://r")
        session.add(consent)
        await session.flush()
        grant = m.OAuthGrant(consent_id=consent.id, user_id=user_id)
        session.add(grant)
        await session.flush()
        session.add_all(
            [
                _token(grant.id, "refresh-ended", _ago(days=3), _ago(days=2)),
                _token(grant.id, "access-only-ended", _ago(days=2), None),
                _token(grant.id, "access-only-just-ended", _ago(hours=2), None),
                # Retired by a refresh but its refresh token has not ended: kept to catch its reuse.
                _token(grant.id, "revoked-live-refresh", _ago(days=2), _in(days=20), revoked_at=_ago(days=2)),
            ]
        )
        for name, expires in (("code-old", _ago(days=2)), ("code-recent", _ago(hours=1))):
            session.add(
                m.OAuthAuthorizationCode(
                    code_hash=name.ljust(64, "0"),
                    consent_id=consent.id,
                    redirect_uri="http://127.0.0.1/cb",
                    code_challenge="x" * 43,
                    code_challenge_method="S256",
                    expires_at=expires,
                )
            )
        await session.commit()


async def test_purge_removes_oauth_records_past_use_and_keeps_the_rest(
    api: Api, ctx: AppContext, start_worker: StartWorker
) -> None:
    owner = await api.user()
    project = await api.project(owner)
    async with ctx.alchemy.get_session() as session:
        user_id = (await session.execute(select(m.User.id).where(m.User.email == owner.email))).scalar_one()
    await _seed(ctx, user_id, UUID(project["id"]))
    worker = await start_worker()
    run = await enqueue(ctx, worker.queue, JOBS["purge_old_records"], kwargs={}, trigger="manual")
    done = await finished(ctx, run.key)
    assert done.status == "complete", done.error
    deleted = done.summary["deleted"]
    # Other tests' records are recent: only the seeded ones are past use.
    assert (deleted["oauthCodes"], deleted["oauthTokens"], deleted["oauthClients"]) == (1, 2, 2)
    async with ctx.alchemy.get_session() as session:
        consents = select(m.OAuthConsent.id).where(m.OAuthConsent.user_id == user_id)
        grants = select(m.OAuthGrant.id).where(m.OAuthGrant.user_id == user_id)
        clients = set((await session.execute(select(m.OAuthClient.client_id))).scalars()) & SEEDED_CLIENTS
        tokens = set(
            (
                await session.execute(select(m.OAuthToken.access_token_hash).where(m.OAuthToken.grant_id.in_(grants)))
            ).scalars()
        )
        codes = set(
            (
                await session.execute(
                    select(m.OAuthAuthorizationCode.code_hash).where(m.OAuthAuthorizationCode.consent_id.in_(consents))
                )
            ).scalars()
        )
    assert clients == {"used-old-dynamic", "recent-dynamic"}
    assert {t.rstrip("0") for t in tokens} == {"a-access-only-just-ended", "a-revoked-live-refresh"}
    assert {c.rstrip("0") for c in codes} == {"code-recent"}
