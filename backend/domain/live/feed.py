"""The process's live feed: change events (from this replica's commits and every other's, through the
change handler) turned into :class:`LiveMessage` and fanned out to the open streams of each project.

Streams of a project subscribe here; each has a small bounded queue. A stream that falls behind loses
its queued messages and gets one ``resync`` instead. Events about access (members, sign-ins, projects)
wake the streams concerned so that they re-check their caller's access at once.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from uuid import UUID

from backend.domain.changes import events as e
from backend.domain.live.messages import LiveKind, LiveMessage

QUEUE_SIZE = 256
_ANY = None  # an event for every project (a job over all projects)
ADMIN_FEED = UUID(int=0)  # the "project" of administrators' streams


class Subscription:
    """One open stream: its project, its caller, its messages (``None`` in the queue: re-check access)."""

    def __init__(self, project_id: UUID, user_id: UUID) -> None:
        self.project_id = project_id
        self.user_id = user_id
        self.queue: asyncio.Queue[LiveMessage | None] = asyncio.Queue(QUEUE_SIZE)

    def put(self, message: LiveMessage | None) -> None:
        """Queue a message; when full, drop what is queued and ask for a resync (and a re-check)."""
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)
            self.queue.put_nowait(LiveMessage(kind="resync"))

    async def next(self, timeout: float) -> LiveMessage | bool | None:  # noqa: ASYNC109 - the keep-alive period
        """The next message, ``None`` to re-check access, or ``False`` when ``timeout`` passed quietly."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return False


_SERVER_KINDS: dict[type, LiveKind] = {
    e.ServerChanged: "server.changed",
    e.ServerDeleted: "server.deleted",
    e.ServerStateChanged: "server.state",
    e.ServerRestarted: "server.state",
    e.ToolToggled: "tools.changed",
    e.ToolAliased: "tools.changed",
}


def _message(event: e.ChangeEvent) -> tuple[UUID | None, LiveMessage] | None:
    """The message an event means for its project's streams (``None``: nothing to show)."""
    kind = _SERVER_KINDS.get(type(event))
    if kind is not None:
        server_id: UUID = getattr(event, "server_id")  # noqa: B009 - every server event has one
        return getattr(event, "project_id"), LiveMessage(kind=kind, server_id=server_id)  # noqa: B009
    if isinstance(event, e.ProjectChanged):
        return event.project_id, LiveMessage(kind="project.changed")
    if isinstance(event, e.JobFinished):
        return event.project_id, LiveMessage(kind="job.finished", job=event.job, status=event.status)
    return None


class LiveFeed:
    """Subscriptions per project; :meth:`publish` is called by the change handler for every commit."""

    def __init__(self) -> None:
        self._subs: defaultdict[UUID, set[Subscription]] = defaultdict(set)
        self._admin: set[Subscription] = set()  # administrators' streams: every project's job ends

    @contextmanager
    def subscribe(self, project_id: UUID, user_id: UUID) -> Iterator[Subscription]:
        """A subscription for the life of the ``with`` block."""
        sub = Subscription(project_id, user_id)
        self._subs[project_id].add(sub)
        try:
            yield sub
        finally:
            subs = self._subs.get(project_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[project_id]

    @contextmanager
    def subscribe_admin(self, user_id: UUID) -> Iterator[Subscription]:
        """An administrator's subscription to the instance's job ends, for the life of the ``with`` block."""
        sub = Subscription(ADMIN_FEED, user_id)
        self._admin.add(sub)
        try:
            yield sub
        finally:
            self._admin.discard(sub)

    @property
    def streams(self) -> int:
        """Open streams in this process."""
        return sum(len(subs) for subs in self._subs.values()) + len(self._admin)

    def publish(self, events: Sequence[e.ChangeEvent]) -> None:
        """Fan the events of one commit out to the streams they concern (never blocks)."""
        for event in events:
            if isinstance(event, e.ActivityRecorded):
                kind: LiveKind = "calls.changed" if event.what == "calls" else "sessions.changed"
                for project_id in event.project_ids:
                    self._send(project_id, LiveMessage(kind=kind))
                continue
            self._recheck(event)
            found = _message(event)
            if found is not None:
                self._send(*found)
                if isinstance(event, e.JobFinished):
                    for sub in list(self._admin):
                        sub.put(found[1])

    def _send(self, project_id: UUID | None, message: LiveMessage) -> None:
        targets = self._subs.values() if project_id is _ANY else [self._subs.get(project_id, set())]
        for subs in list(targets):
            for sub in list(subs):
                sub.put(message)

    def _recheck(self, event: e.ChangeEvent) -> None:
        """Wake the streams whose caller may have lost access."""
        if isinstance(event, e.ProjectChanged | e.ProjectDeleted):
            subs = list(self._subs.get(event.project_id, ()))
        elif isinstance(event, e.MemberAccessChanged):
            subs = [
                sub
                for project, group in self._subs.items()
                if event.project_id is None or event.project_id == project
                for sub in group
                if event.user_id is None or event.user_id == sub.user_id
            ]
            if event.project_id is None:  # an account (de)activated or its administration changed
                subs += [sub for sub in self._admin if event.user_id is None or event.user_id == sub.user_id]
        elif isinstance(event, e.CredentialsRevoked):
            subs = [sub for group in self._subs.values() for sub in group if sub.user_id == event.user_id]
            subs += [sub for sub in self._admin if sub.user_id == event.user_id]
        else:
            return
        for sub in subs:
            sub.put(None)
