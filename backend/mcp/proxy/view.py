"""One endpoint's live view: which servers it covers, what they offer, and where calls go.

A view is either one server of a project or the project's unified view, optionally narrowed to an
API key's server scope. It keeps a snapshot (:class:`Tables`) of the merged catalogues, recomputes
it when something changes (an upstream's ``list_changed``, a server or tool toggled, a down server
coming back) and then tells its downstream sessions what changed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

import anyio
from mcp.server.subscriptions import (
    InMemorySubscriptionBus,
    PromptsListChanged,
    ResourcesListChanged,
    ResourceUpdated,
    ServerEvent,
    ToolsListChanged,
)
from mcp.shared.exceptions import MCPError

from backend.mcp.proxy import errors
from backend.mcp.proxy.bridge import InputBridge
from backend.mcp.proxy.model import ClientInfo, Downstream, ProxySettings, ViewKey
from backend.mcp.proxy.operations import ViewOperations
from backend.mcp.proxy.ports import Caller, Directory, ServerEntry, Upstreams
from backend.mcp.proxy.session_tables import SessionTables
from backend.mcp.proxy.tables import Tables, build_tables
from backend.mcp.types import (
    UPSTREAM_RESTARTED,
    CallRecorder,
    Catalogue,
    GatewayError,
)

if TYPE_CHECKING:
    from mcp.server.lowlevel.server import Server

__all__ = ["ClientInfo", "Downstream", "ProxySettings", "ProxyView", "ViewKey", "reraise_unexpected"]

logger = logging.getLogger("mcp_orch.proxy")

LIST_CHANGED = (
    "notifications/tools/list_changed",
    "notifications/prompts/list_changed",
    "notifications/resources/list_changed",
)
_EVENTS: tuple[ServerEvent, ...] = (ToolsListChanged(), PromptsListChanged(), ResourcesListChanged())


class ProxyView(ViewOperations):
    """The live state of one endpoint view; shared by every session on it."""

    def __init__(
        self,
        key: ViewKey,
        upstreams: Upstreams,
        directory: Directory,
        *,
        recorder: CallRecorder | None = None,
        settings: ProxySettings | None = None,
        spawn: Callable[..., Any] | None = None,
        server_factory: Callable[[ProxyView, Tables], Server[Any]] | None = None,
        bridge: InputBridge | None = None,
    ) -> None:
        self.key = key
        self.upstreams = upstreams
        self.directory = directory
        self.recorder = recorder
        self.settings = settings or ProxySettings()
        self._spawn = spawn
        # Server→client requests of this view's session upstreams (one bridge per gateway: keys are global).
        self.bridge = bridge or InputBridge(upstreams, spawn)
        self._server_factory = server_factory
        self.bus = InMemorySubscriptionBus()
        self.sessions: set[Downstream] = set()
        self._members: tuple[ServerEntry, ...] | None = None
        self._tables: Tables | None = None
        self._server: Server[Any] | None = None
        self._lock = anyio.Lock()
        self._refreshing = False
        self._again = False
        self._unsubscribe: dict[UUID, Callable[[], None]] = {}
        self._starts: dict[UUID, datetime | None] = {}
        self._session_tables = SessionTables(upstreams, self.settings.catalogue_timeout, self.settings.name_budget)
        self.last_used = time.monotonic()

    # ---- snapshot -------------------------------------------------------------------------------

    async def tables(self) -> Tables:
        """The current snapshot, computed on first use."""
        tables = self._tables
        if tables is None:
            async with self._lock:
                if self._tables is None:
                    self._install(await self._compute())
                tables = self._tables
        assert tables is not None
        return tables

    async def tables_for(self, caller: Caller) -> Tables:
        """What this caller sees: the snapshot with its own ``per_session``/``per_user`` upstreams' catalogues."""
        tables = await self.tables()
        if all(member.isolation == "shared" for member, _ in tables.sources):
            return tables
        return await self._session_tables.of(partial(self.session_key, caller), tables, unified=self.key.unified)

    def tables_now(self) -> Tables:
        """The snapshot as it is (empty before the first computation)."""
        return self._tables or Tables()

    @property
    def server_id(self) -> UUID | None:
        """The server of a per-server view (None for the unified view or before the first lookup)."""
        if self.key.unified or not self._members:
            return None
        return self._members[0].server_id

    async def exists(self) -> bool:
        """A per-server view exists while its server is registered and enabled (and in scope)."""
        if self.key.unified:
            return True
        # Members are reloaded by refreshes and the periodic recheck, not on every request.
        members = self._members if self._members is not None else await self._load_members()
        return bool(members)

    async def server(self) -> Server[Any]:
        """The MCP server for new sessions (rebuilt when the advertised capabilities change)."""
        tables = await self.tables()
        if self._server is None:
            if self._server_factory is None:
                raise RuntimeError("view has no server factory")
            self._server = self._server_factory(self, tables)
        return self._server

    async def _load_members(self) -> tuple[ServerEntry, ...]:
        members = await self.directory.servers(self.key.project_id)
        if self.key.scope is not None:
            members = tuple(m for m in members if m.server_id in self.key.scope)
        if not self.key.unified:
            members = tuple(m for m in members if m.name == self.key.server)
        self._members = members
        return members

    async def _compute(self) -> Tables:
        members = await self._load_members()
        results: dict[UUID, Catalogue | None] = {}

        async def fetch(member: ServerEntry) -> None:
            results[member.server_id] = await self._catalogue(member)

        async with anyio.create_task_group() as tg:
            for member in members:
                tg.start_soon(fetch, member)
        up = [(m, c) for m in members if (c := results.get(m.server_id)) is not None]
        down = [m for m in members if results.get(m.server_id) is None]
        for member, _ in up:
            self._starts.setdefault(member.server_id, self.upstreams.status(member.server_id).started_at)
        self._follow(members)
        return build_tables(up, down, unified=self.key.unified, name_budget=self.settings.name_budget)

    async def _catalogue(self, member: ServerEntry) -> Catalogue | None:
        if self.upstreams.status(member.server_id).state == "error":
            return None
        with anyio.move_on_after(self.settings.catalogue_timeout):
            try:
                return await self.upstreams.catalogue(member.server_id)
            except GatewayError as exc:
                logger.info("server hidden from view", extra={"server": member.name, "reason": exc.message})
                return None
        return None

    def _install(self, tables: Tables) -> tuple[bool, bool, bool]:
        """Swap in a new snapshot; returns which lists changed."""
        old = self._tables
        self._tables = tables
        if old is not None and old.capabilities != tables.capabilities:
            self._server = None  # new sessions get the new capabilities; live ones keep theirs
        if old is None:
            return (False, False, False)
        before, after = old.digest, tables.digest
        return (before[0] != after[0], before[1] != after[1], before[2] != after[2])

    async def refresh(self, *, restarted: bool = False) -> None:
        """Recompute the snapshot now and announce what changed (coalesces concurrent calls).

        ``restarted``: an upstream came back; clients re-list everything it offers even if nothing
        visibly changed (a restarted server may have lost what it offered dynamically).
        """
        if self._refreshing:
            self._again = True
            return
        self._refreshing = True
        try:
            while True:
                self._again = False
                async with self._lock:
                    changed = self._install(await self._compute())
                if restarted:
                    caps = self.tables_now().capabilities
                    changed = (changed[0] or caps.tools, changed[1] or caps.prompts, changed[2] or caps.resources)
                    restarted = False
                await self._announce(changed)
                if not self._again:
                    break
        finally:
            self._refreshing = False

    async def recheck(self) -> None:
        """Cheap periodic check: servers added/removed/toggled, or a down server running again."""
        if self._tables is None:
            return
        previous = self._members
        members = await self._load_members()
        tables = self._tables
        back = any(self.upstreams.status(m.server_id).state == "running" for m in tables.down)
        starts = {m.server_id: self.upstreams.status(m.server_id).started_at for m in members}
        restarted = any(
            before is not None and starts.get(server_id) not in (None, before)
            for server_id, before in self._starts.items()
        )
        # Remember the last start seen: a stopped upstream reports none until it runs again.
        self._starts = {k: v or self._starts.get(k) for k, v in starts.items()}
        if members != previous or back or restarted:
            await self.refresh(restarted=restarted)

    def invalidate(self) -> None:
        """Schedule a refresh (used by the domain when servers or tools change)."""
        if self._tables is None:
            return
        if self._spawn is not None:
            self._spawn(self.refresh)

    async def _announce(self, changed: tuple[bool, bool, bool]) -> None:
        for flag, method, event in zip(changed, LIST_CHANGED, _EVENTS, strict=True):
            if flag:
                logger.info("view changed", extra={"view": self.key.label, "notification": method})
                await self.broadcast(method)
                await self.bus.publish(event)

    async def broadcast(self, method: str, params: dict[str, Any] | None = None) -> None:
        """Send a notification to every handshake-era session of the view."""
        for session in list(self.sessions):
            await session.notify(method, params)

    # ---- upstream notifications -----------------------------------------------------------------

    def _follow(self, members: tuple[ServerEntry, ...]) -> None:
        """Subscribe to the notifications of the view's servers (and drop removed ones)."""
        wanted = {m.server_id for m in members}
        for server_id in list(self._unsubscribe):
            if server_id not in wanted:
                self._unsubscribe.pop(server_id)()
        for member in members:
            if member.server_id not in self._unsubscribe:

                async def heard(method: str, params: dict[str, Any], member: ServerEntry = member) -> None:
                    await self._on_upstream(member, method, params)

                self._unsubscribe[member.server_id] = self.upstreams.subscribe(member.server_id, heard)

    async def _on_upstream(self, member: ServerEntry, method: str, params: dict[str, Any]) -> None:
        if method == "notifications/message":
            # A shared upstream's log is everyone's in the project; a per_session/per_user server's
            # server-wide upstream only lists the catalogue (each session hears its own, below).
            if member.isolation == "shared":
                for session in list(self.sessions):
                    if session.wants_log(params):
                        await session.notify(method, params)
        elif method in LIST_CHANGED:
            self.invalidate()
        elif method == UPSTREAM_RESTARTED:
            self._restarted(params)
        elif method == "notifications/resources/updated":
            uri = str((params or {}).get("uri", ""))
            for session in list(self.sessions):
                if uri in session.subscriptions:
                    await session.notify(method, {"uri": uri})
            await self.bus.publish(ResourceUpdated(uri=uri))

    def _restarted(self, params: dict[str, Any]) -> None:
        """A member's upstream is ready again: re-announce now (and the periodic recheck need not)."""
        server_id = params.get("serverId")
        if not isinstance(server_id, UUID):
            return
        started = self.upstreams.status(server_id).started_at
        if server_id in self._starts and started is not None:
            self._starts[server_id] = started
        if self._tables is not None and self._spawn is not None:
            self._spawn(self._refresh_restarted)

    async def _refresh_restarted(self) -> None:
        await self.refresh(restarted=True)

    def close(self) -> None:
        """Forget upstream subscriptions (the view is being dropped)."""
        for unsubscribe in self._unsubscribe.values():
            unsubscribe()
        self._unsubscribe.clear()

    # ---- sessions -------------------------------------------------------------------------------

    def attach(self, session: Downstream) -> None:
        """A handshake-era session initialised on this view (and follows its own upstreams, if any:
        its ``per_session`` ones, and its credential's ``per_user`` ones, which it shares with that
        credential's other sessions)."""
        self.sessions.add(session)
        self.last_used = time.monotonic()
        if not session.caller.session_id:
            return
        for member in self._members or ():
            key = self.session_key(session.caller, member)
            if key is not None:

                async def own(method: str, params: dict[str, Any], session: Downstream = session) -> None:
                    await self._on_session_upstream(session, method, params)

                session.followed.append(self.upstreams.subscribe(member.server_id, own, session_key=key))

    async def _on_session_upstream(self, session: Downstream, method: str, params: dict[str, Any]) -> None:
        """A notification of an upstream dedicated to one session (or credential) goes to that session
        (that credential's sessions) only."""
        if method in LIST_CHANGED:
            await session.notify(method)
        elif method == "notifications/resources/updated":
            uri = str((params or {}).get("uri", ""))
            if uri in session.subscriptions:
                await session.notify(method, {"uri": uri})
        elif method == "notifications/message" and session.wants_log(params):
            await session.notify(method, params)

    async def detach(self, session: Downstream) -> None:
        """The session ended: forget it and stop its dedicated upstreams."""
        self.sessions.discard(session)
        self.last_used = time.monotonic()
        for unsubscribe in session.followed:
            unsubscribe()
        session.followed.clear()
        key = session.caller.session_id
        if key and self.has_per_session:
            self._session_tables.forget(key)
            self.bridge.forget(key)
            await self.upstreams.release_session(key)

    def own_upstreams(self, caller: Caller) -> list[tuple[ServerEntry, str]]:
        """The caller's own upstreams on this view (of its ``per_session`` and ``per_user`` servers), by key."""
        pairs = ((member, self.session_key(caller, member)) for member in self._members or ())
        return [(member, key) for member, key in pairs if key is not None]

    def own_keys(self, caller: Caller) -> list[str]:
        """The keys of the caller's own upstreams on this view."""
        return list(dict.fromkeys(key for _, key in self.own_upstreams(caller)))

    @property
    def has_per_session(self) -> bool:
        """True when a server of the view runs one upstream per downstream session."""
        return any(m.isolation == "per_session" for m in self._members or ())

    @property
    def has_per_user(self) -> bool:
        """True when a server of the view runs one upstream per credential."""
        return any(m.isolation == "per_user" for m in self._members or ())

    def tool_input_schema(self, name: str) -> Any:
        """The input schema of an exposed tool (for ``Mcp-Param-*`` header validation)."""
        tables = self._tables
        return None if tables is None else tables.tool_schemas.get(name)


def reraise_unexpected(exc: BaseException, method: str) -> MCPError:
    """Map anything that is not already an ``MCPError``."""
    if isinstance(exc, MCPError):
        return exc
    return errors.internal_error(exc, method=method)
