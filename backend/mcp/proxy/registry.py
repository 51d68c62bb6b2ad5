"""Every live view of the process, with the background task that keeps them current."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import anyio
from anyio.abc import TaskGroup

from backend.mcp.proxy.bridge import InputBridge
from backend.mcp.proxy.ports import Directory, Upstreams
from backend.mcp.proxy.server import build_server
from backend.mcp.proxy.view import ProxySettings, ProxyView, ViewKey
from backend.mcp.types import CallRecorder

logger = logging.getLogger("mcp_orch.proxy")

IDLE_VIEW_SECONDS = 600.0


class ViewRegistry:
    """Views by key; created on first use, dropped when idle, rechecked while in use."""

    def __init__(
        self,
        upstreams: Upstreams,
        directory: Directory,
        *,
        recorder: CallRecorder | None = None,
        settings: ProxySettings | None = None,
        origin: str = "",
    ) -> None:
        """``origin``: this replica's id on the relay (empty: a lone process), see :class:`InputBridge`."""
        self.upstreams = upstreams
        self.directory = directory
        self.recorder = recorder
        self.settings = settings or ProxySettings()
        self._views: dict[ViewKey, ProxyView] = {}
        self._tg: TaskGroup | None = None
        self.bridge = InputBridge(upstreams, self.spawn, origin=origin)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[ViewRegistry]:
        """Own the background tasks for as long as the application runs."""
        async with anyio.create_task_group() as tg:
            self._tg = tg
            tg.start_soon(self._maintain)
            try:
                yield self
            finally:
                self._tg = None
                self.bridge.cancel_all()
                tg.cancel_scope.cancel()
                for view in self._views.values():
                    view.close()
                self._views.clear()

    def spawn(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Run ``fn`` in the background (errors are logged, never raised into the caller)."""
        if self._tg is None:
            return

        async def guarded() -> None:
            try:
                await fn(*args)
            except Exception:
                logger.exception("background view task failed")

        self._tg.start_soon(guarded)

    def view(self, key: ViewKey) -> ProxyView:
        """The view for ``key`` (created on first use)."""
        view = self._views.get(key)
        if view is None:
            view = ProxyView(
                key,
                self.upstreams,
                self.directory,
                recorder=self.recorder,
                settings=self.settings,
                spawn=self.spawn,
                server_factory=build_server,
                bridge=self.bridge,
            )
            self._views[key] = view
        view.last_used = time.monotonic()
        return view

    def views(self) -> list[ProxyView]:
        """Every live view."""
        return list(self._views.values())

    def invalidate(self, project_id: UUID) -> None:
        """Servers or tools of a project changed: every view of it recomputes and announces changes."""
        for view in self.views():
            if view.key.project_id == project_id:
                view.invalidate()

    async def _maintain(self) -> None:
        while True:
            await anyio.sleep(self.settings.recheck_seconds)
            now = time.monotonic()
            for key, view in list(self._views.items()):
                if not view.sessions and now - view.last_used > IDLE_VIEW_SECONDS:
                    view.close()
                    self._views.pop(key, None)
                    continue
                try:
                    await view.recheck()
                except Exception:
                    logger.exception("view recheck failed", extra={"view": view.key.label})
