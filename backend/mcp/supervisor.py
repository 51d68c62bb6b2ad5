"""The lifecycle of one upstream (a server, or a server for one downstream session).

One long-lived owner task per running upstream enters and exits the connection (transport +
``ClientSession``); callers only borrow the live :class:`Upstream`. The owner starts it with a
bounded handshake, pings it, stops it when idle, restarts it after a crash with exponential
backoff, and gives up (state ``error``) after too many crashes in a window.
"""

from __future__ import annotations

import math
from collections import deque
from datetime import UTC, datetime
from typing import Any, Literal

import anyio

from backend.mcp.hooks import SupervisorContext, describe_exception, stderr_level
from backend.mcp.types import Catalogue, LogLevel, UpstreamSpec, UpstreamState, UpstreamStatus, UpstreamUnavailableError
from backend.mcp.upstream import Upstream, UpstreamHooks, connect

Outcome = Literal["stop", "idle", "restart", "crash"]
Control = Literal["stop", "restart"]
LIST_CHANGED = frozenset(
    {
        "notifications/tools/list_changed",
        "notifications/prompts/list_changed",
        "notifications/resources/list_changed",
    }
)
_TAIL_IN_ERROR = 20


class Supervisor:
    """Owns one upstream's lifecycle; see the module docstring."""

    def __init__(self, spec: UpstreamSpec, session_key: str | None, ctx: SupervisorContext) -> None:
        self.spec = spec
        self.session_key = session_key
        self.ctx = ctx
        self.state: UpstreamState = "stopped"
        self.restarts = 0
        self.last_error: str | None = None
        self.started_at: datetime | None = None
        self.catalogue: Catalogue | None = None
        self.stderr_tail: deque[str] = deque(maxlen=max(1, ctx.settings.stderr_tail_lines))
        self._upstream: Upstream | None = None
        self._owner_done: anyio.Event | None = None
        self._control: Control | None = None
        self._interrupt: anyio.CancelScope | None = None
        self._wake = anyio.Event()
        self._changed = anyio.Event()
        self._crashes: deque[float] = deque()
        self._crash_reason = ""
        self._failed_starts = 0
        self._generation = 0
        self._closed = False
        self._refresh_lock = anyio.Lock()
        self._prefix = f"[session {ctx.session_label(session_key)}] " if session_key else ""

    # ----------------------------------------------------------------- queries
    @property
    def active(self) -> bool:
        """True while an owner task exists (starting, running or in backoff)."""
        return self._owner_done is not None

    @property
    def pid(self) -> int | None:
        """Process id of the running stdio upstream."""
        return self._upstream.pid if self._upstream is not None else None

    def status(self) -> UpstreamStatus:
        """A snapshot for the registry and the UI."""
        return UpstreamStatus(
            state=self.state,
            pid=self.pid,
            started_at=self.started_at if self.state == "running" else None,
            restarts=self.restarts,
            last_error=self.last_error,
            stderr_tail=tuple(self.stderr_tail),
        )

    # ----------------------------------------------------------------- control
    async def acquire(self) -> Upstream:
        """The live upstream, starting it lazily; raises ``UpstreamUnavailableError`` if it cannot start."""
        failed = self._failed_starts
        while True:
            if self._closed:
                raise UpstreamUnavailableError(f"server {self.spec.name} was removed")
            upstream = self._upstream
            if self.state == "running" and upstream is not None and not upstream.closed.is_set():
                return upstream
            if self.state == "error":
                raise UpstreamUnavailableError(self.last_error or "upstream failed")
            if self._owner_done is None:
                self._launch()
            elif self._failed_starts > failed:
                raise UpstreamUnavailableError(self.last_error or "upstream failed to start")
            await self._changed.wait()

    def update_spec(self, spec: UpstreamSpec, *, restart: bool) -> None:
        """Adopt a new spec; with ``restart`` the running upstream is replaced now, an errored one re-armed."""
        self.spec = spec
        if restart:
            self._crashes.clear()
            if self._owner_done is not None:
                self._log("info", "configuration changed; restarting")
                self._command("restart")
            elif self.state == "error":
                self._set_state("stopped")

    def request_stop(self) -> None:
        """Ask the owner to stop (returns at once)."""
        if self._owner_done is not None:
            self._command("stop")
        elif self.state == "error":
            self._set_state("stopped")

    async def stop(self) -> None:
        """Stop and wait until the process group is reaped."""
        self.request_stop()
        done = self._owner_done
        if done is not None:
            await done.wait()

    async def close(self) -> None:
        """Stop for good (server removed or session released)."""
        self._closed = True
        await self.stop()
        self._notify_changed()

    async def restart(self) -> None:
        """Restart now (or start if stopped) and wait for the outcome."""
        generation, failed = self._generation, self._failed_starts
        self._crashes.clear()
        if self._owner_done is not None:
            self._log("info", "restart requested")
            self._command("restart")
        else:
            self.state = "stopped"
            self._launch()
        while not (self._generation > generation and self.state == "running"):
            if self._failed_starts > failed or self.state == "error":
                raise UpstreamUnavailableError(self.last_error or "upstream failed to start")
            if self._owner_done is None:
                raise UpstreamUnavailableError("upstream was stopped")
            await self._changed.wait()

    async def refresh(self) -> Catalogue:
        """Re-list the catalogue now (starting the upstream if needed)."""
        async with self._refresh_lock:
            upstream = await self.acquire()
            catalogue = await upstream.catalogue(self.ctx.settings.start_timeout_seconds, self._warn)
            self._adopt_catalogue(catalogue)
            return catalogue

    # ----------------------------------------------------------------- owner task
    def _launch(self) -> None:
        self.ctx.admit(self)
        self._owner_done = anyio.Event()
        self._control = None
        self._set_state("starting")
        self.ctx.spawn(self._owner)

    async def _owner(self) -> None:
        done = self._owner_done
        assert done is not None
        try:
            while True:
                outcome = await self._run_once()
                if outcome in ("stop", "idle"):
                    self._log("info", "stopped (idle)" if outcome == "idle" else "stopped")
                    break
                self.restarts += 1
                if outcome == "restart":
                    continue
                if self._record_crash():
                    self._give_up()
                    break
                delay = min(
                    self.ctx.settings.backoff_base_seconds * 2 ** (len(self._crashes) - 1),
                    self.ctx.settings.backoff_max_seconds,
                )
                self._set_state("backoff")
                self._log("warning", f"restarting in {delay:.2g}s (failure {len(self._crashes)})")
                if await self._sleep_unless_commanded(delay) and self._control == "stop":
                    self._log("info", "stopped")
                    break
        finally:
            self._upstream = None
            self._owner_done = None
            if self.state != "error":
                self._set_state("stopped")
            done.set()
            self._notify_changed()

    async def _run_once(self) -> Outcome:
        if self._control == "restart":
            self._control = None
        if self._control == "stop":
            return "stop"
        spec, settings = self.spec, self.ctx.settings
        self._set_state("starting")
        self.stderr_tail.clear()
        self._log("info", f"starting ({spec.transport})")
        began = anyio.current_time()
        started: Upstream | None = None
        outcome: Outcome = "crash"
        error = ""
        with anyio.CancelScope(deadline=began + settings.start_timeout_seconds) as scope:
            self._interrupt = scope
            try:
                async with connect(spec, self._hooks()) as upstream:
                    catalogue = await upstream.catalogue(settings.start_timeout_seconds, self._warn)
                    scope.deadline = math.inf
                    self._interrupt = None
                    started = upstream
                    self._ready(upstream, catalogue, began)
                    outcome = await self._serve(upstream)
            except Exception as exc:
                error = describe_exception(exc)
            finally:
                self._interrupt = None
                self._upstream = None
        if self._control is not None:
            return self._control
        if outcome != "crash":
            return outcome
        if started is None:
            self._failed_starts += 1
            if scope.cancelled_caught:
                error = f"no answer to the MCP handshake within {settings.start_timeout_seconds:g}s"
            self._fail(f"failed to start: {error}")
        else:
            # The exit status is known only now that the connection has been torn down.
            self._fail(f"crashed: {error or self._crash_reason or started.exit_description()}")
        return "crash"

    async def _serve(self, upstream: Upstream) -> Outcome:
        settings = self.ctx.settings
        next_ping = anyio.current_time() + settings.ping_interval_seconds
        while True:
            self._wake = anyio.Event()
            if self._control is not None:
                return self._control
            if upstream.closed.is_set():
                self._crash_reason = ""
                return "crash"
            now = anyio.current_time()
            idle_at = upstream.last_used + settings.idle_stop_seconds if upstream.inflight == 0 else math.inf
            if now >= idle_at:
                return "idle"
            if now >= next_ping:
                with anyio.CancelScope() as self._interrupt:
                    alive = await upstream.ping(settings.ping_timeout_seconds)
                self._interrupt = None
                if not alive and self._control is None and not upstream.closed.is_set():
                    self._crash_reason = f"no answer to ping within {settings.ping_timeout_seconds:g}s"
                    return "crash"
                next_ping = anyio.current_time() + settings.ping_interval_seconds
                continue
            with anyio.move_on_after(min(idle_at, next_ping) - now):
                await self._wake.wait()

    async def _sleep_unless_commanded(self, delay: float) -> bool:
        with anyio.move_on_after(delay):
            while self._control is None:
                self._wake = anyio.Event()
                await self._wake.wait()
        return self._control is not None

    # ----------------------------------------------------------------- helpers
    def _hooks(self) -> UpstreamHooks:
        settings = self.ctx.settings
        return UpstreamHooks(
            on_stderr=self._stderr,
            on_noise=self._noise,
            on_notification=self._notification,
            on_closed=self._poke,
            route_request=self.ctx.router(self.session_key) if self.spec.isolation == "per_session" else None,
            stop_grace=settings.stop_grace_seconds,
            http_timeout=settings.start_timeout_seconds,
        )

    def _ready(self, upstream: Upstream, catalogue: Catalogue, began: float) -> None:
        self._upstream = upstream
        self.started_at = datetime.now(UTC)
        self._generation += 1
        self._set_state("running")
        took = (anyio.current_time() - began) * 1000
        pid = f", pid {upstream.pid}" if upstream.pid else ""
        self._log("info", f"ready in {took:.0f} ms{pid}: {len(catalogue.tools)} tools")
        self._adopt_catalogue(catalogue)

    def _adopt_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.ctx.on_catalogue(self, catalogue)

    async def _notification(self, method: str, params: dict[str, Any]) -> None:
        if method in LIST_CHANGED:
            try:
                await self.refresh()
            except Exception as exc:
                self._warn(f"catalogue refresh after {method} failed: {describe_exception(exc)}")
        await self.ctx.on_notification(self, method, params)

    def _record_crash(self) -> bool:
        now = anyio.current_time()
        self._crashes.append(now)
        while self._crashes and self._crashes[0] < now - self.ctx.settings.crash_loop_window_seconds:
            self._crashes.popleft()
        return len(self._crashes) >= self.ctx.settings.crash_loop_limit

    def _fail(self, reason: str) -> None:
        tail = list(self.stderr_tail)[-_TAIL_IN_ERROR:]
        self.last_error = reason + ("\n" + "\n".join(tail) if tail else "")
        self._log("error", reason)

    def _give_up(self) -> None:
        window = self.ctx.settings.crash_loop_window_seconds
        self.last_error = f"crash loop: {len(self._crashes)} failures within {window:g}s; last {self.last_error}"
        self._set_state("error")
        self._log("error", f"crash loop: {len(self._crashes)} failures within {window:g}s; giving up")

    def _command(self, control: Control) -> None:
        if self._control != "stop":
            self._control = control
        if self._interrupt is not None:
            self._interrupt.cancel()
        self._poke()

    def _poke(self) -> None:
        self._wake.set()

    def _set_state(self, state: UpstreamState) -> None:
        changed = state != self.state
        self.state = state
        self._notify_changed()
        if changed:
            self.ctx.on_state(self)

    def _notify_changed(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()

    def _stderr(self, line: str) -> None:
        self.stderr_tail.append(line)
        self.ctx.log(self, stderr_level(line), "stderr", self._prefix + line)

    def _noise(self, line: str) -> None:
        self.ctx.log(self, "warning", "stdout", f"{self._prefix}non-JSON line on stdout ignored: {line[:500]}")

    def _warn(self, message: str) -> None:
        self._log("warning", message)

    def _log(self, level: LogLevel, message: str) -> None:
        self.ctx.log(self, level, "lifecycle", self._prefix + message)
