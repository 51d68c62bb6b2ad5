"""How the owner task runs one upstream: start with a bounded handshake, serve, ping, idle, crash, backoff.

One long-lived owner task per running upstream enters and exits the connection (transport +
``ClientSession``) — the SDK's context managers are entered and exited in that same task. Callers
only borrow the live :class:`Upstream`; :class:`backend.mcp.supervisor.Supervisor` is their API.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any, Literal

import anyio

from backend.mcp.hooks import SupervisorContext, UpstreamLog, describe_exception
from backend.mcp.netpolicy import NetworkPolicy
from backend.mcp.policy import CrashHistory
from backend.mcp.sandbox import is_sandbox_error
from backend.mcp.types import UPSTREAM_RESTARTED, Catalogue, UpstreamSpec, UpstreamState
from backend.mcp.upstream import Upstream, UpstreamHooks, connect

Outcome = Literal["stop", "idle", "restart", "crash"]
Control = Literal["stop", "restart"]
LIST_CHANGED = frozenset(f"notifications/{kind}/list_changed" for kind in ("tools", "prompts", "resources"))


class UpstreamLifecycle:
    """State of one upstream and the owner task that drives it (the supervisor adds the public API)."""

    def __init__(self, spec: UpstreamSpec, session_key: str | None, ctx: SupervisorContext) -> None:
        self.spec = spec
        self.session_key = session_key
        self.ctx = ctx
        self.state: UpstreamState = "stopped"
        self.restarts = 0
        self.last_error: str | None = None
        self.started_at: datetime | None = None
        self.catalogue: Catalogue | None = None
        whose = "user" if spec.isolation == "per_user" else "session"
        prefix = f"[{whose} {ctx.session_label(session_key)}] " if session_key else ""
        self.journal = UpstreamLog(
            lambda *event: ctx.log(self, *event), prefix, ctx.settings.stderr_tail_lines, scrub=self._scrub
        )
        self._upstream: Upstream | None = None
        self._owner_done: anyio.Event | None = None
        self._control: Control | None = None
        self._interrupt: anyio.CancelScope | None = None
        self._wake = anyio.Event()
        self._changed = anyio.Event()
        self._crashes = CrashHistory(ctx.settings)
        self._crash_reason = ""
        self._failed_starts = 0
        self._fatal = False
        # Stop requests so far: a call waiting for the upstream fails when one arrives after it began.
        self._stop_requests = 0
        self._generation = 0
        self._closed = False
        self._refresh_lock = anyio.Lock()

    async def refresh(self) -> Catalogue:
        """Re-list the catalogue (implemented by the supervisor)."""
        raise NotImplementedError

    def _launch(self) -> None:
        self.ctx.admit(self)  # CapacityError
        self.ctx.spawn(self._owner)  # runs later; raises when the gateway is not running
        self._owner_done = anyio.Event()
        self._control = None
        self._set_state("starting")

    async def _owner(self) -> None:
        done = self._owner_done
        assert done is not None
        try:
            while True:
                outcome = await self._run_once()
                if outcome == "crash" and self._fatal:
                    # The sandbox cannot start: retrying cannot help; the reason is in last_error.
                    self._set_state("error")
                    break
                if outcome == "crash" and self._crashes.record():
                    self._give_up()
                    break
                if outcome == "crash":
                    delay = self._crashes.delay()
                    self._set_state("backoff")
                    self.journal.event("warning", f"restarting in {delay:.2g}s (failure {len(self._crashes)})")
                    await self._sleep_unless_commanded(delay)
                    outcome = "stop" if self._control == "stop" else outcome
                if outcome in ("stop", "idle"):
                    self.journal.event("info", "stopped (idle)" if outcome == "idle" else "stopped")
                    break
                self.restarts += 1
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
        self.journal.tail.clear()
        self._fatal = False
        # The command's name only: arguments may carry secrets.
        what = PurePath(spec.command).name if spec.transport == "stdio" and spec.command else spec.transport
        self.journal.event("info", f"starting {what} ({spec.transport})")
        began = anyio.current_time()
        started: Upstream | None = None
        outcome: Outcome = "crash"
        error = ""
        with anyio.CancelScope(deadline=began + settings.start_timeout_seconds) as scope:
            self._interrupt = scope
            try:
                async with connect(spec, self._hooks()) as upstream:
                    catalogue = await upstream.catalogue(settings.start_timeout_seconds, self.journal.problem)
                    scope.deadline = math.inf
                    self._interrupt = None
                    started = upstream
                    self._ready(upstream, catalogue, began)
                    outcome = await self._serve(upstream)
                    # Going away (idle, stop, restart): no new call may borrow it while it is torn down.
                    self._upstream = None
            except Exception as exc:
                error = describe_exception(exc)
                self._fatal = is_sandbox_error(exc)
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
            if self._control == "restart":
                await self._drain(upstream)
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
                alive = True  # unless the ping completes and says otherwise (a stop/restart interrupts it)
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

    async def _drain(self, upstream: Upstream) -> None:
        """Before a restart, let calls in flight finish (bounded; new calls already wait for the new process)."""
        with anyio.move_on_after(self.ctx.settings.stop_grace_seconds):
            while upstream.inflight and self._control == "restart" and not upstream.closed.is_set():  # noqa: ASYNC110
                await anyio.sleep(0.02)

    async def _sleep_unless_commanded(self, delay: float) -> None:
        with anyio.move_on_after(delay):
            while self._control is None:
                self._wake = anyio.Event()
                await self._wake.wait()

    def _hooks(self) -> UpstreamHooks:
        settings = self.ctx.settings
        return UpstreamHooks(
            on_stderr=self.journal.stderr,
            on_noise=self.journal.noise,
            on_notification=self._notification,
            on_log_now=self._log_now,
            on_closed=self._poke,
            # Only a session's (per_session) or a credential's (per_user) own upstream can ask its client
            # (a per_user one asks the credential's session whose call waits: backend/mcp/proxy/bridge.py);
            # a shared one serves everyone. Only a per_session one speaks for its client: a per_user one
            # serves several clients of the credential and is told the gateway's name and no capabilities.
            # A server-wide upstream's requests are refused (and a shared server's remembered for the UI).
            route_request=self.ctx.router(self.session_key)
            if self.session_key is not None
            else self.ctx.refusal(self.spec),
            client=self.ctx.client(self.session_key) if self.spec.isolation == "per_session" else None,
            offer_routes=self.spec.isolation == "per_session" and self.session_key is not None,
            stop_grace=settings.stop_grace_seconds,
            http_timeout=settings.start_timeout_seconds,
            sandbox=settings.sandbox,
            network=NetworkPolicy.from_settings(settings),
        )

    def _ready(self, upstream: Upstream, catalogue: Catalogue, began: float) -> None:
        self._upstream = upstream
        self.started_at = datetime.now(UTC)
        self._generation += 1
        self._set_state("running")
        took = (anyio.current_time() - began) * 1000
        pid = f", pid {upstream.pid}" if upstream.pid else ""
        self.journal.event("info", f"ready in {took:.0f} ms{pid}: {len(catalogue.tools)} tools")
        self._adopt_catalogue(catalogue)
        if self._generation > 1:
            params = {"serverId": self.spec.server_id}
            self.ctx.spawn(lambda: self.ctx.on_notification(self, UPSTREAM_RESTARTED, params))

    def _adopt_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.ctx.on_catalogue(self, catalogue)

    def _scrub(self, text: str) -> str:
        # The current spec's scrubber: an edited env takes effect at once.
        return self.ctx.scrubber(self.spec).text(text)

    def _log_now(self, params: dict[str, Any]) -> None:
        self.ctx.on_log_now(self, self.ctx.scrubber(self.spec).value(params))

    async def _notification(self, method: str, params: dict[str, Any]) -> None:
        if method == "notifications/message":
            params = self.ctx.scrubber(self.spec).value(params)  # subscribers get it scrubbed too
            self.journal.mcp_log(params)
        if method in LIST_CHANGED:
            try:
                await self.refresh()
            except Exception as exc:
                self.journal.problem(f"catalogue refresh after {method} failed: {describe_exception(exc)}")
        await self.ctx.on_notification(self, method, params)

    def _fail(self, reason: str) -> None:
        self.last_error = self.journal.with_tail(reason)
        self.journal.event("error", reason)

    def _give_up(self) -> None:
        self.last_error = f"crash loop: {self._crashes.describe()}; last {self.last_error}"
        self._set_state("error")
        self.journal.event("error", f"crash loop: {self._crashes.describe()}; giving up until restarted or edited")

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
