"""Tell the MCP endpoints about changes that concern them, in this process, after commit.

Servers and tools change through ORM objects, and so do keys, members and projects: a session
listener sees them without the other domains knowing about endpoints. Other processes catch up
through the views' periodic recheck and the short credential cache.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from backend.db import models as m

logger = logging.getLogger("mcp_orch.endpoints")

_KEY = "mcp_orch.endpoint_changes"
_ACCESS_MODELS = (m.ApiKey, m.Project, m.ProjectMember, m.ProjectTeam, m.TeamMember, m.User)


@dataclass
class Changes:
    """What one transaction changed."""

    projects: set[UUID] = field(default_factory=set)
    revoked_keys: set[UUID] = field(default_factory=set)
    access: bool = False


def _collect(changes: Changes, objects: list[object]) -> None:
    for obj in objects:
        if isinstance(obj, m.Server | m.CatalogueItem) and obj.project_id is not None:
            changes.projects.add(obj.project_id)
        elif isinstance(obj, _ACCESS_MODELS):
            changes.access = True
            if isinstance(obj, m.ApiKey) and obj.revoked_at is not None:
                changes.revoked_keys.add(obj.id)


def watch_changes(on_servers: Callable[[UUID], None], on_access: Callable[[set[UUID]], None]) -> Callable[[], None]:
    """``on_servers(project_id)`` when servers or tools changed; ``on_access(revoked_key_ids)`` when
    keys, members, projects or users changed. Returns the function that stops watching."""

    def collect(session: Session, _flush_context: object) -> None:
        _collect(session.info.setdefault(_KEY, Changes()), [*session.new, *session.dirty, *session.deleted])

    def committed(session: Session) -> None:
        if session.in_nested_transaction():
            return
        changes: Changes | None = session.info.pop(_KEY, None)
        if changes is None:
            return
        try:
            for project_id in changes.projects:
                on_servers(project_id)
            if changes.access:
                on_access(changes.revoked_keys)
        except Exception:
            logger.exception("endpoint change notification failed")

    def rolled_back(session: Session, previous: SessionTransaction) -> None:
        if previous.parent is None:
            session.info.pop(_KEY, None)

    event.listen(Session, "after_flush", collect)
    event.listen(Session, "after_commit", committed)
    event.listen(Session, "after_soft_rollback", rolled_back)

    def stop() -> None:
        event.remove(Session, "after_flush", collect)
        event.remove(Session, "after_commit", committed)
        event.remove(Session, "after_soft_rollback", rolled_back)

    return stop
