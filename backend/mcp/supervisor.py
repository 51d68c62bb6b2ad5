"""The lifecycle of one upstream (a server, or a server for one downstream session), as callers see it.

Lazy start on first use, restart and stop on request, status snapshots. The owner task behind it
(start, ping, idle stop, crash → backoff → restart, crash-loop cut-off) is in ``lifecycle.py``.
"""

from __future__ import annotations

from backend.mcp.lifecycle import UpstreamLifecycle
from backend.mcp.types import Catalogue, UpstreamSpec, UpstreamStatus, UpstreamUnavailableError
from backend.mcp.upstream import Upstream


class Supervisor(UpstreamLifecycle):
    """Owns one upstream's lifecycle; the gateway's handle on it."""

    @property
    def active(self) -> bool:
        """True while an owner task exists (starting, running or in backoff)."""
        return self._owner_done is not None

    @property
    def running(self) -> Upstream | None:
        """The live upstream when it runs now (never starts one)."""
        upstream = self._upstream
        if self.state == "running" and upstream is not None and not upstream.closed.is_set():
            return upstream
        return None

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
            stderr_tail=tuple(self.journal.tail),
        )

    async def acquire(self) -> Upstream:
        """The live upstream, starting it lazily; raises ``UpstreamUnavailableError`` if it cannot start."""
        # A stop requested before this call began (still finishing) does not fail it: the call starts anew.
        failed, stops = self._failed_starts, self._stop_requests
        while True:
            if self._closed:
                raise UpstreamUnavailableError(f"server {self.spec.name} was removed")
            if self._stop_requests > stops:
                raise UpstreamUnavailableError(f"server {self.spec.name} was stopped")
            upstream = self._upstream
            # A pending restart (new configuration) means: wait for the new process, not the old one.
            if self.state == "running" and upstream and not upstream.closed.is_set() and self._control is None:
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
                self.journal.event("info", "configuration changed; restarting")
                self._command("restart")
            elif self.state == "error":
                self._set_state("stopped")

    def request_stop(self) -> None:
        """Ask the owner to stop (returns at once); calls waiting for this upstream then fail."""
        if self._owner_done is not None:
            self._stop_requests += 1
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
            self.journal.event("info", "restart requested")
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
            catalogue = await upstream.catalogue(self.ctx.settings.start_timeout_seconds, self.journal.problem)
            self._adopt_catalogue(catalogue)
            return catalogue
