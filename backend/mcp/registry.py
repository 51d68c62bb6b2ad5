"""The gateway's state (specs, supervisors, caches, subscribers) and what supervisors may ask of it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any
from uuid import UUID

import anyio
import anyio.abc
import mcp_types as types
from mcp.shared.exceptions import MCPError

from backend.lib.settings import GatewaySettings
from backend.mcp.dispatch import ServerRequestRouter
from backend.mcp.lifecycle import LIST_CHANGED, UpstreamLifecycle
from backend.mcp.lograte import MARKER_INTERVAL_SECONDS, LogRateLimiter
from backend.mcp.scrub import InstanceSecrets, Scrubber, ScrubberCache
from backend.mcp.supervisor import Supervisor
from backend.mcp.types import (
    UPSTREAM_RESTARTED,
    CapacityError,
    Catalogue,
    ClientProfile,
    GatewayEvents,
    LogLevel,
    UpstreamSpec,
    UpstreamStatus,
    UpstreamUnavailableError,
)

logger = logging.getLogger("mcp_orch.gateway")

NotificationCallback = Callable[[str, dict[str, Any]], Awaitable[None]]
SessionHandler = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
LogTap = Callable[[dict[str, Any]], None]
Key = tuple[UUID, str | None]
_RANK = {"running": 4, "starting": 3, "backoff": 2, "error": 1, "stopped": 0}


class UpstreamRegistry:
    """Everything the gateway knows; implements ``SupervisorContext`` for its supervisors."""

    def __init__(
        self, settings: GatewaySettings, events: GatewayEvents, instance_secrets: InstanceSecrets | None = None
    ) -> None:
        self.settings = settings
        self.events = events
        self.scrubbers = ScrubberCache(instance_secrets)
        self.log_limit = LogRateLimiter(settings.server_log_rate, settings.server_log_burst)
        self.specs: dict[UUID, UpstreamSpec] = {}
        self.sups: dict[Key, Supervisor] = {}
        self.catalogues: dict[UUID, Catalogue] = {}
        self.subscribers: dict[Key, list[NotificationCallback]] = {}
        # Listeners of one upstream's log messages while a call runs (``Gateway.tap_logs``).
        self.log_taps: dict[Key, list[LogTap]] = {}
        self.session_handlers: dict[str, SessionHandler] = {}
        self.session_clients: dict[str, ClientProfile] = {}
        # What shared upstreams asked their (absent) client for since start, by server: sampling, ...
        self.asked_client: dict[UUID, set[str]] = {}
        # Running test runs (``Gateway.probe``): each holds an upstream slot of its project.
        self.probes: dict[object, UUID] = {}
        self.tg: anyio.abc.TaskGroup | None = None

    # ------------------------------------------------------------------ lookups
    def enabled_spec(self, server_id: UUID) -> UpstreamSpec:
        """The server's spec, or ``UpstreamUnavailableError`` if unknown or disabled."""
        spec = self.specs.get(server_id)
        if spec is None:
            raise UpstreamUnavailableError(f"unknown server {server_id}")
        if not spec.enabled:
            raise UpstreamUnavailableError(f"server {spec.name!r} is disabled")
        return spec

    def supervisor(self, spec: UpstreamSpec, session_key: str | None) -> Supervisor:
        """The supervisor for this server, created on demand.

        ``session_key`` names the upstream a caller gets unless the server is ``shared``: a session's
        (``per_session``) or a credential's (``per_user``, see :func:`~backend.mcp.types.per_user_key`);
        None is the server-wide upstream, which lists the catalogue.
        """
        key = (spec.server_id, session_key if spec.isolation != "shared" else None)
        sup = self.sups.get(key)
        if sup is None:
            sup = self.sups[key] = Supervisor(spec, key[1], self)
        return sup

    def supervisors_of(self, server_id: UUID) -> list[Supervisor]:
        """Every supervisor of one server."""
        return [sup for (sid, _), sup in self.sups.items() if sid == server_id]

    def forget(self, sups: list[Supervisor]) -> None:
        """Drop supervisors from the registry (the caller closes them)."""
        for sup in sups:
            self.sups.pop((sup.spec.server_id, sup.session_key), None)

    def status(self, server_id: UUID) -> UpstreamStatus:
        """The server's state: its most alive upstream (the shared one wins ties)."""
        sups = self.supervisors_of(server_id)
        spec = self.specs.get(server_id)
        asked = self.asked_client.get(server_id) if spec is not None and spec.isolation == "shared" else None
        status = (
            max(sups, key=lambda s: (_RANK[s.state], s.session_key is None)).status()
            if sups
            else UpstreamStatus(state="stopped")
        )
        return replace(status, asked_client=tuple(sorted(asked))) if asked else status

    async def close_all(self, sups: list[Supervisor]) -> None:
        """Stop supervisors for good, concurrently, and wait for their processes to be reaped."""
        async with anyio.create_task_group() as tg:
            for sup in sups:
                tg.start_soon(sup.close)

    def close_in_background(self, sups: list[Supervisor]) -> None:
        """Close supervisors from sync code."""
        if self.tg is not None and sups:
            self.tg.start_soon(self.close_all, sups)

    def log_spec(self, spec: UpstreamSpec, level: LogLevel, message: str) -> None:
        """A lifecycle event about a server without a particular upstream."""
        _safely(self.events.on_log, spec.server_id, spec.project_id, level, "lifecycle", message)

    # ------------------------------------------------------------------ SupervisorContext
    def spawn(self, fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Start a supervisor's owner task in the gateway's task group."""
        if self.tg is None:
            raise UpstreamUnavailableError("the gateway is not running")
        self.tg.start_soon(fn)

    def admit(self, supervisor: UpstreamLifecycle) -> None:
        """Enforce the global and per-project caps on running upstreams (test runs included)."""
        self._check_caps(supervisor.spec.project_id, exclude=supervisor)

    def admit_probe(self, spec: UpstreamSpec) -> object:
        """Take an upstream slot for a test run (``CapacityError`` when full); hand the token to ``release_probe``."""
        self._check_caps(spec.project_id, exclude=None)
        token = object()
        self.probes[token] = spec.project_id
        return token

    def release_probe(self, token: object) -> None:
        """The test run ended: its slot is free."""
        self.probes.pop(token, None)

    def _check_caps(self, project: UUID, *, exclude: object) -> None:
        active = [s.spec.project_id for s in self.sups.values() if s.active and s is not exclude]
        active += self.probes.values()
        limit = self.settings.max_upstreams_per_project
        if sum(1 for p in active if p == project) >= limit:
            raise CapacityError(f"this project already runs its maximum of {limit} upstreams")
        if len(active) >= self.settings.max_upstreams:
            raise CapacityError(f"the gateway already runs its maximum of {self.settings.max_upstreams} upstreams")

    def on_state(self, supervisor: UpstreamLifecycle) -> None:
        """Report the server's (aggregated) status."""
        spec = supervisor.spec
        _safely(self.events.on_status, spec.server_id, spec.project_id, self.status(spec.server_id))

    def on_catalogue(self, supervisor: UpstreamLifecycle, catalogue: Catalogue) -> None:
        """Cache and report a fresh catalogue of a server-wide upstream.

        A session's own upstream keeps its catalogue to itself (``supervisor.catalogue``): what it
        lists may depend on its client, so it must neither replace the server's nor be shown to others.
        """
        if supervisor.session_key is not None:
            return
        spec = supervisor.spec
        self.catalogues[spec.server_id] = catalogue
        _safely(self.events.on_catalogue, spec.server_id, spec.project_id, catalogue)

    async def on_notification(self, supervisor: UpstreamLifecycle, method: str, params: dict[str, Any]) -> None:
        """Fan an upstream notification out to its subscribers."""
        for callback in self._audience(supervisor, method):
            try:
                await callback(method, params)
            except Exception:
                logger.exception("notification subscriber failed", extra={"method": method})

    def on_log_now(self, supervisor: UpstreamLifecycle, params: dict[str, Any]) -> None:
        """Hand a log message to the taps on this very upstream (a sync call: it must not block)."""
        for tap in list(self.log_taps.get((supervisor.spec.server_id, supervisor.session_key), ())):
            try:
                tap(params)
            except Exception:
                logger.exception("log tap failed")

    def _audience(self, supervisor: UpstreamLifecycle, method: str) -> list[NotificationCallback]:
        """Who hears a notification of this upstream.

        A shared upstream: every subscriber of the server. A session's or a credential's upstream:
        the subscribers registered with its key (that session, or that credential's sessions), plus
        the server-wide ones for ``list_changed`` and restarts (so views recompute their lists).
        """
        server_id, session_key = supervisor.spec.server_id, supervisor.session_key
        if session_key is None and supervisor.spec.isolation == "shared":
            return [cb for (sid, _), cbs in self.subscribers.items() if sid == server_id for cb in cbs]
        audience = list(self.subscribers.get((server_id, session_key), ()))
        if session_key is not None and (method in LIST_CHANGED or method == UPSTREAM_RESTARTED):
            audience += self.subscribers.get((server_id, None), ())
        return audience

    def router(self, session_key: str | None) -> ServerRequestRouter | None:
        """Route server→client requests of a session upstream to that session's handler."""
        if session_key is None:
            return None

        async def route(method: str, params: dict[str, Any]) -> dict[str, Any]:
            handler = self.session_handlers.get(session_key)
            if handler is None:
                raise MCPError(types.INVALID_REQUEST, f"no downstream client can answer {method} for this session")
            return await handler(method, params)

        return route

    def refusal(self, spec: UpstreamSpec) -> ServerRequestRouter:
        """Refuse a server-wide upstream's server→client requests; a shared server's are remembered (the
        UI suggests an isolation mode whose upstreams can ask their client)."""
        server_id = spec.server_id

        async def refuse(method: str, params: dict[str, Any]) -> dict[str, Any]:
            current = self.specs.get(server_id)
            asked = self.asked_client.setdefault(server_id, set())
            if current is not None and current.isolation == "shared" and method not in asked:
                asked.add(method)
                _safely(self.events.on_status, server_id, current.project_id, self.status(server_id))
            raise MCPError(types.INVALID_REQUEST, "server-to-client requests need per_session or per_user isolation")

        return refuse

    def scrubber(self, spec: UpstreamSpec) -> Scrubber:
        """The secret scrubber for a server's spec (its env and header values, the instance's keys)."""
        return self.scrubbers.for_spec(spec)

    def log(self, supervisor: UpstreamLifecycle, level: LogLevel, category: str, message: str) -> None:
        """Hand a lifecycle event or an upstream's line to the events sink (upstream lines are rate-limited)."""
        spec = supervisor.spec
        if category != "lifecycle":
            server_id = spec.server_id
            if not self.log_limit.admit(server_id):
                if self.log_limit.pending(server_id) == 1 and self.tg is not None:
                    self.tg.start_soon(self._report_dropped_later, spec)
                return
        _safely(self.events.on_log, spec.server_id, spec.project_id, level, category, message)

    def report_dropped(self, spec: UpstreamSpec) -> None:
        """One server-log line telling how many lines the rate limit dropped (if any)."""
        dropped = self.log_limit.take_dropped(spec.server_id)
        if dropped:
            marker = self.log_limit.marker(dropped)
            _safely(self.events.on_log, spec.server_id, spec.project_id, "warning", "lifecycle", marker)

    async def _report_dropped_later(self, spec: UpstreamSpec) -> None:
        # A flood that stops is still reported; while it goes on, once per interval.
        await anyio.sleep(MARKER_INTERVAL_SECONDS)
        self.report_dropped(spec)

    def client(self, session_key: str | None) -> ClientProfile | None:
        """The downstream client a session's upstreams speak for (None: unknown, or no session)."""
        return None if session_key is None else self.session_clients.get(session_key)

    def session_label(self, session_key: str) -> str:
        """Session keys may be bearer-like: logs carry a short hash only."""
        return hashlib.sha256(session_key.encode()).hexdigest()[:8]


def _safely(fn: Callable[..., None], *args: Any) -> None:
    """Events belong to another layer: a failing sink must not take an upstream down."""
    try:
        fn(*args)
    except Exception:
        logger.exception("gateway event handler failed")
