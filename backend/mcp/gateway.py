"""The gateway: every registered server's upstream, started on use and supervised.

Domains hand in :class:`UpstreamSpec` objects (``configure``) and send raw MCP requests
(``request``/``call_tool``). The gateway starts upstreams lazily — one :class:`Supervisor` per
server, per server and downstream session with ``per_session`` isolation, or per server and
credential with ``per_user`` isolation — and reports through
:class:`GatewayEvents`. No SQL and no web framework here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Any
from uuid import UUID

import anyio

from backend.lib.settings import GatewaySettings
from backend.mcp.hooks import describe_exception
from backend.mcp.netpolicy import NetworkPolicy
from backend.mcp.registry import LogTap, NotificationCallback, SessionHandler, UpstreamRegistry
from backend.mcp.scrub import InstanceSecrets, Scrubber
from backend.mcp.types import (
    PER_USER_PREFIX,
    Catalogue,
    ClientProfile,
    GatewayError,
    GatewayEvents,
    ProbeResult,
    SpecSource,
    ToolDisabledError,
    UpstreamSpec,
    UpstreamStatus,
    per_user_key,
)
from backend.mcp.upstream import ProgressCallback, UpstreamHooks, clean_params, connect


class Gateway:
    """Supervises upstream MCP servers; the only way the rest of the product talks to them."""

    def __init__(
        self,
        settings: GatewaySettings,
        events: GatewayEvents,
        *,
        instance_secrets: InstanceSecrets | None = None,
        spec_source: SpecSource | None = None,
    ) -> None:
        """``instance_secrets``: the instance's keys, scrubbed (like each server's own secrets) from all output.

        ``spec_source``: where to look up a server this gateway does not know yet (the registry): a
        server created through another replica is served even before its change event arrives.
        """
        self.settings = settings
        self.events = events
        self._reg = UpstreamRegistry(settings, events, instance_secrets)
        self._spec_source = spec_source

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Open the task group owning every upstream (in the app lifespan; ``close`` in the same task)."""
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._reg.tg = tg

    async def close(self) -> None:
        """Stop every upstream and reap its process group."""
        sups = list(self._reg.sups.values())
        self._reg.forget(sups)
        await self._reg.close_all(sups)
        for spec in self._reg.specs.values():
            self._reg.report_dropped(spec)
        tg, self._reg.tg = self._reg.tg, None
        if tg is not None:
            tg.cancel_scope.cancel()
            await tg.__aexit__(None, None, None)

    async def __aenter__(self) -> Gateway:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # ------------------------------------------------------------------ registry
    def configure(self, spec: UpstreamSpec) -> None:
        """Register or update a server: a changed fingerprint restarts it now, ``enabled=False`` stops it."""
        reg = self._reg
        old = reg.specs.get(spec.server_id)
        reg.specs[spec.server_id] = spec
        if old is None:
            return
        sups = reg.supervisors_of(spec.server_id)
        if old.isolation != spec.isolation:
            # Upstreams keyed by session mean something else now: start over.
            reg.forget(sups)
            reg.close_in_background(sups)
            return
        restart = old.fingerprint != spec.fingerprint and spec.enabled
        for sup in sups:
            sup.update_spec(spec, restart=restart)
            if not spec.enabled and sup.active:
                reg.log_spec(spec, "info", "server disabled; stopping")
                sup.request_stop()

    async def remove(self, server_id: UUID) -> None:
        """Stop and forget a server (it was deleted)."""
        reg = self._reg
        reg.specs.pop(server_id, None)
        reg.catalogues.pop(server_id, None)
        reg.log_limit.forget(server_id)
        for key in [k for k in reg.subscribers if k[0] == server_id]:
            del reg.subscribers[key]
        sups = reg.supervisors_of(server_id)
        reg.forget(sups)
        await reg.close_all(sups)

    async def reconcile(self, specs: list[UpstreamSpec]) -> None:
        """Make the registered servers exactly ``specs`` (a resync from the registry)."""
        wanted = {spec.server_id for spec in specs}
        for server_id in [known for known in self._reg.specs if known not in wanted]:
            await self.remove(server_id)
        for spec in specs:
            if self._reg.specs.get(spec.server_id) != spec:
                self.configure(spec)

    # ------------------------------------------------------------------ requests
    async def request(
        self,
        server_id: UUID,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - contract name; a per-request limit
        session_key: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> dict[str, Any]:
        """Forward one raw MCP request and return the raw result (starting the upstream if needed).

        Raises:
            UpstreamUnavailableError: unknown/disabled server, failed start, lost connection.
            CapacityError: starting it would exceed a cap.
            UpstreamTimeoutError: no answer within ``timeout`` (default: the server's); the upstream
                request is cancelled.
            UpstreamRPCError: the upstream answered with a JSON-RPC error.
        """
        spec = await self._enabled_spec(server_id)
        scrubber = self._reg.scrubber(spec)
        try:
            upstream = await self._reg.supervisor(spec, session_key).acquire()
            result = await upstream.request(
                method,
                clean_params(params),
                timeout=spec.timeout_seconds if timeout is None else timeout,
                on_progress=on_progress,
            )
        except GatewayError as exc:
            _scrub_error(exc, scrubber)
            raise
        # What the upstream answers never carries its own secrets to a caller (or the call log).
        return scrubber.value(result)  # type: ignore[no-any-return]

    async def call_tool(
        self,
        server_id: UUID,
        name: str,
        arguments: dict[str, Any] | None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - contract name; a per-request limit
        session_key: str | None = None,
        on_progress: ProgressCallback | None = None,
        meta: dict[str, Any] | None = None,
        task: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``tools/call``; a disabled tool is refused (``ToolDisabledError``) without reaching the upstream.

        ``meta``: the client's ``_meta`` (trace ids, a client's tool-use id), passed on without the
        protocol's reserved keys and the client's progress token (see :func:`clean_params`).
        """
        spec = await self._enabled_spec(server_id)
        if name in spec.disabled_tools:
            raise ToolDisabledError(f"tool {name!r} is disabled on server {spec.name!r}")
        params: dict[str, Any] = {"name": name} if arguments is None else {"name": name, "arguments": arguments}
        if meta:
            params["_meta"] = meta
        if task is not None:  # task-augmented (2025-11-25): the upstream answers a CreateTaskResult
            params["task"] = task
        return await self.request(
            server_id, "tools/call", params, timeout=timeout, session_key=session_key, on_progress=on_progress
        )

    async def catalogue(self, server_id: UUID) -> Catalogue:
        """The cached catalogue; starts the upstream to list it when nothing is cached yet."""
        cached = self._reg.catalogues.get(server_id)
        if cached is not None:
            return cached
        sup = self._reg.supervisor(await self._enabled_spec(server_id), None)
        await sup.acquire()
        return self._reg.catalogues.get(server_id) or sup.catalogue or Catalogue()

    async def session_catalogue(self, server_id: UUID, session_key: str) -> Catalogue:
        """What a session's own upstream of a ``per_session`` server offers it (its client's capabilities
        may unlock more, or fewer, tools than the server-wide catalogue lists), or a credential's own
        upstream of a ``per_user`` server (its resources may be its user's); starts it if needed."""
        sup = self._reg.supervisor(await self._enabled_spec(server_id), session_key)
        await sup.acquire()
        return sup.catalogue or Catalogue()

    async def refresh(self, server_id: UUID) -> Catalogue:
        """List the catalogue again now (starting the upstream if needed)."""
        return await self._reg.supervisor(await self._enabled_spec(server_id), None).refresh()

    async def restart(self, server_id: UUID) -> None:
        """Restart the server's upstreams (start it if stopped); ``UpstreamUnavailableError`` if it fails."""
        spec = await self._enabled_spec(server_id)
        default = self._reg.supervisor(spec, None)
        for sup in self._reg.supervisors_of(server_id):
            if sup is not default and sup.active:
                sup.update_spec(spec, restart=True)
        await default.restart()

    async def _enabled_spec(self, server_id: UUID) -> UpstreamSpec:
        """The server's spec; one not known here is looked up once in the registry (``spec_source``)."""
        if server_id not in self._reg.specs and self._spec_source is not None:
            spec = await self._spec_source(server_id)
            if spec is not None and server_id not in self._reg.specs:
                self.configure(spec)
        return self._reg.enabled_spec(server_id)

    async def restart_running(self, server_id: UUID) -> None:
        """Restart the server's upstreams that run (a restart requested through another replica)."""
        spec = self._reg.specs.get(server_id)
        if spec is None or not spec.enabled:
            return
        for sup in self._reg.supervisors_of(server_id):
            if sup.active:
                sup.update_spec(spec, restart=True)

    async def stop(self, server_id: UUID) -> None:
        """Stop every upstream of the server (it starts again on the next use)."""
        async with anyio.create_task_group() as tg:
            for sup in self._reg.supervisors_of(server_id):
                tg.start_soon(sup.stop)

    def status(self, server_id: UUID) -> UpstreamStatus:
        """The server's state (its most alive upstream, with ``per_session`` isolation)."""
        return self._reg.status(server_id)

    async def roots_changed(self, server_id: UUID, session_key: str | None) -> bool:
        """``notifications/roots/list_changed`` to the session's own upstream, if it runs; True when sent.

        Only ``per_session`` upstreams speak for one client (a shared one was told no roots), and
        nothing is started for a notification: an upstream that starts later asks for roots anyway.
        """
        spec = self._reg.specs.get(server_id)
        if spec is None or spec.isolation != "per_session" or session_key is None:
            return False
        sup = self._reg.sups.get((server_id, session_key))
        upstream = sup.running if sup is not None else None
        if upstream is None:
            return False
        await upstream.session.send_roots_list_changed()
        return True

    def scrubber(self, server_id: UUID) -> Scrubber:
        """The secret scrubber of a server (the instance's keys only, for an unknown server)."""
        spec = self._reg.specs.get(server_id)
        return self._reg.scrubber(spec) if spec is not None else self._reg.scrubbers.instance_only

    @property
    def log_lines_dropped(self) -> int:
        """Upstream log lines dropped by the per-server rate limit since start."""
        return self._reg.log_limit.dropped_total

    def running(self) -> list[UUID]:
        """Servers with an upstream starting, running or waiting to restart."""
        return list(dict.fromkeys(server_id for (server_id, _), sup in self._reg.sups.items() if sup.active))

    async def probe(self, spec: UpstreamSpec, timeout: float) -> ProbeResult:  # noqa: ASYNC109 - contract name
        """Start a throw-away upstream for ``spec``, list its catalogue, stop it (a test run).

        It spawns like any upstream (``connect`` → ``open_stdio``) and holds one upstream slot of its
        project while it runs: ``CapacityError`` when the global or per-project cap is reached. It
        never registers the server.
        """
        token = self._reg.admit_probe(spec)
        try:
            return await self._probe(spec, timeout)
        finally:
            self._reg.release_probe(token)

    async def _probe(self, spec: UpstreamSpec, timeout: float) -> ProbeResult:  # noqa: ASYNC109 - contract name
        tail: deque[str] = deque(maxlen=max(1, self.settings.stderr_tail_lines))
        scrub = self._reg.scrubber(spec).text

        async def ignore(method: str, params: dict[str, Any]) -> None:
            return None

        hooks = UpstreamHooks(
            on_stderr=lambda line: tail.append(scrub(line)),
            on_noise=lambda line: tail.append(f"(stdout) {scrub(line)}"),
            on_notification=ignore,
            on_closed=lambda: None,
            stop_grace=self.settings.stop_grace_seconds,
            http_timeout=timeout,
            network=NetworkPolicy.from_settings(self.settings),
            sandbox=self.settings.sandbox,
            ephemeral=True,
        )
        began = anyio.current_time()
        catalogue: Catalogue | None = None
        error: str | None = None
        with anyio.move_on_after(timeout) as scope:
            try:
                async with connect(spec, hooks) as upstream:
                    catalogue = await upstream.catalogue(timeout, lambda line: tail.append(scrub(line)))
            except Exception as exc:
                error = scrub(describe_exception(exc))
        elapsed = (anyio.current_time() - began) * 1000
        if catalogue is None and error is None and scope.cancelled_caught:
            error = f"no answer within {timeout:g}s"
        return ProbeResult(catalogue is not None and error is None, catalogue, error, tuple(tail), elapsed)

    # ------------------------------------------------------------------ sessions and notifications
    async def release_session(self, session_key: str) -> None:
        """The downstream session ended: stop every upstream opened for it."""
        reg = self._reg
        reg.session_handlers.pop(session_key, None)
        reg.session_clients.pop(session_key, None)
        for key in [k for k in reg.subscribers if k[1] == session_key]:
            del reg.subscribers[key]
        sups = [sup for (_, key), sup in reg.sups.items() if key == session_key]
        reg.forget(sups)
        await reg.close_all(sups)

    def per_user_credentials(self) -> set[tuple[UUID, str]]:
        """``(project_id, credential)`` of every ``per_user`` upstream known here, running or not."""
        return {
            (sup.spec.project_id, key.removeprefix(PER_USER_PREFIX))
            for (_, key), sup in self._reg.sups.items()
            if key is not None and key.startswith(PER_USER_PREFIX)
        }

    async def release_credential(self, project_id: UUID, credential: str) -> None:
        """The credential ended (key revoked, member removed): stop its ``per_user`` upstreams in the project."""
        reg, key = self._reg, per_user_key(credential)
        sups = [sup for (_, k), sup in reg.sups.items() if k == key and sup.spec.project_id == project_id]
        reg.forget(sups)
        await reg.close_all(sups)

    def set_session_handler(
        self, session_key: str, handler: SessionHandler | None, client: ClientProfile | None = None
    ) -> None:
        """Where server→client requests (sampling, elicitation, roots) of that session's upstreams go,
        and the client those upstreams speak for (they are initialised with its capabilities)."""
        if handler is None:
            self._reg.session_handlers.pop(session_key, None)
            self._reg.session_clients.pop(session_key, None)
            return
        self._reg.session_handlers[session_key] = handler
        if client is not None:
            self._reg.session_clients[session_key] = client

    def subscribe(
        self, server_id: UUID, callback: NotificationCallback, *, session_key: str | None = None
    ) -> Callable[[], None]:
        """Receive upstream notifications of a server; returns the unsubscribe function.

        A shared server's upstream notifies every subscriber of the server. With ``per_session``
        (``per_user``) isolation, a session's (credential's) upstream notifies the subscribers registered
        with its ``session_key`` (and, for ``list_changed``, the server-wide ones too); the default upstream
        (``session_key=None`` requests) notifies the server-wide ones. A ``list_changed`` reaches
        subscribers after the cached catalogue was refreshed.
        """
        key = (server_id, session_key)
        self._reg.subscribers.setdefault(key, []).append(callback)

        def unsubscribe() -> None:
            callbacks = self._reg.subscribers.get(key)
            if callbacks and callback in callbacks:
                callbacks.remove(callback)
            if not callbacks and key[1] is not None:
                self._reg.subscribers.pop(key, None)  # a credential's key outlives its sessions

        return unsubscribe

    def tap_logs(self, server_id: UUID, tap: LogTap, *, session_key: str | None = None) -> Callable[[], None]:
        """Hear the log messages of one upstream (the server's shared one, or the one kept under
        ``session_key``) in the order it wrote them, synchronously: a message written before an answer
        reaches ``tap`` before that answer returns. Returns the stop function."""
        key = (server_id, session_key)
        self._reg.log_taps.setdefault(key, []).append(tap)

        def stop() -> None:
            taps = self._reg.log_taps.get(key)
            if taps and tap in taps:
                taps.remove(tap)
            if not taps:
                self._reg.log_taps.pop(key, None)

        return stop


def _scrub_error(exc: GatewayError, scrubber: Scrubber) -> None:
    """Scrub ``exc``'s message and data in place (an upstream's error may quote its secrets)."""
    if scrubber.active:
        exc.message = scrubber.text(exc.message)
        exc.args = (exc.message,)
        exc.data = scrubber.value(exc.data)
