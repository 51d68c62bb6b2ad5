"""``per_user`` upstreams of ended credentials stop at once (the change handler calls this).

A ``per_user`` upstream runs for one credential: an API key, or a user however signed in (member
token, OAuth token, the UI). When the key is revoked, expires or is suspended, or the user loses
developer access to the project (removed, deactivated), its upstreams — and the state they hold —
go now, on every replica, rather than at their idle stop. One sign-in of a user ending does not end
the user's upstreams: the user's other sign-ins still stand.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from backend.domain.endpoints.standing import ended_credentials
from backend.mcp.proxy.ports import parse_credential
from backend.mcp.transport.ports import Access

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from backend.mcp.gateway import Gateway

logger = logging.getLogger("mcp_orch.changes")


async def stop_ended_per_user_upstreams(session: AsyncSession, gateway: Gateway) -> int:
    """Stop the ``per_user`` upstreams whose credential ended; returns how many credentials ended."""
    owners = gateway.per_user_credentials()
    if not owners:
        return 0
    accesses: dict[Access, str] = {}
    for project_id, credential in owners:
        api_key_id, user_id = parse_credential(credential)
        # Only what the standing check reads; a user's own upstream outlives any one of their sign-ins.
        access = Access(
            project_id=project_id, project_slug="", unified_enabled=False, api_key_id=api_key_id, user_id=user_id
        )
        accesses[access] = credential
    ended = await ended_credentials(session, accesses)
    gone = [(access, credential) for access, credential in accesses.items() if ended(access)]
    for access, credential in gone:
        await gateway.release_credential(access.project_id, credential)
    if gone:
        logger.info("per_user upstreams of ended credentials stopped", extra={"credentials": len(gone)})
    return len(gone)
