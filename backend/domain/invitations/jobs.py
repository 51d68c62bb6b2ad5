"""The invitation email (a background job: SMTP is slow and may fail; SAQ retries it)."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from backend.db import models as m
from backend.lib.context import AppContext
from backend.lib.mail import send_mail

logger = logging.getLogger("mcp_orch.invitations")


def invitation_text(project: str, role: str, inviter: str | None, link: str, expires: str) -> str:
    """The body of the invitation email."""
    who = inviter or "Someone"
    return (
        f'{who} invited you to the project "{project}" on MCP Orchestrator, as {role}.\n\n'
        f"Create your account and join it here (the link works once, until {expires}):\n\n{link}\n\n"
        "If you did not expect this, ignore this email.\n"
    )


async def send_invitation_email(ctx: dict[str, Any], *, invitation_id: str) -> dict[str, Any]:
    """Email a pending invitation's link to its address (skipped when it was accepted or revoked since)."""
    app: AppContext = ctx["app"]
    async with app.alchemy.get_session() as session:
        row = await session.get(m.ProjectInvitation, UUID(invitation_id))
        if row is None or row.accepted_at is not None or row.revoked_at is not None:
            return {"sent": False, "reason": "no longer pending"}
        project = await session.get(m.Project, row.project_id)
        inviter = await session.get(m.User, row.invited_by_id) if row.invited_by_id else None
        email, token, role, expires = row.email, row.token, row.role, row.expires_at
    link = f"{app.settings.ui.base_url}/signup?invitation={token}"
    name = project.name if project else "a project"
    who = (inviter.name or inviter.email) if inviter else None
    text = invitation_text(name, role, who, link, f"{expires:%Y-%m-%d}")
    await send_mail(app.settings.mail, to=email, subject=f"You are invited to {name} on MCP Orchestrator", text=text)
    logger.info("invitation emailed", extra={"invitation_id": invitation_id})
    return {"sent": True}
