"""Live pages: a background event per open page follows the project's live feed and re-reads what changed.

A page (the servers list, the server page, the overview) has a state mixing in :class:`LiveMixin` that
says which loaders a change calls for (``_live_reloads``), and mounts ``follow_live`` with the part of the
page that shows the data, ``stop_live`` on unmount (``live_pages.py``). The UI's server side holds the
stream (``ui/api/_live.py``); when it
fails the page is re-read every :data:`POLL_SECONDS` while the stream is retried with backoff. The loop
ends when the page is left (its part unmounted, or another route; mounting again starts a new loop and
ends the old one), the user signs out, or the browser tab closes; another project on the same route
reconnects it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, cast

import reflex as rx

from ui.api import ApiError
from ui.api._live import LiveEvent

POLL_SECONDS = 20.0
CHECK_SECONDS = 2.0
BACKOFF_MAX = 60.0
HYDRATE_SECONDS = 10.0

_END = object()  # the stream ended or failed


def _tab_connected(client_token: str) -> bool:
    """The browser tab behind this state still has its websocket (background events outlive closed tabs)."""
    try:
        from ui import ui as ui_module  # noqa: PLC0415 - the app module imports every state

        namespace = ui_module.app.event_namespace
    except Exception:  # no app here (a unit test): the page's own exits still apply
        return True
    return namespace is None or client_token in namespace.token_to_sid


class LiveMixin(rx.State, mixin=True):
    """Follows the project's feed while the page that mounted ``follow_live`` is open."""

    live_connected: bool = False
    # When the page's data was last read (ISO, UTC); the indicator shows it relative, in the browser.
    live_read_at: str = ""
    _live_id: int = 0

    def _live_reloads(self, event: LiveEvent | None) -> list[Any]:
        """The loaders to run for ``event`` (``None``: re-read everything this page shows)."""
        raise NotImplementedError

    def _live_key(self) -> str:
        """What the page follows (the project's slug); a change of it reconnects, empty ends the loop."""
        return str(self._slug())  # type: ignore[attr-defined]

    def _live_feed(self, api: Any, key: str) -> AsyncIterator[LiveEvent]:
        """The stream to follow for ``key`` (the project's feed)."""
        return cast("AsyncIterator[LiveEvent]", api.follow_project(key))

    @rx.event
    def stop_live(self):
        """The page's part was unmounted: its loop ends at its next check (within a couple of seconds)."""
        self._live_id += 1
        self.live_connected = False

    async def _live_alive(self, live_id: int, route: str) -> str | None:
        """The followed key (the slug) while the page is still open (same route, not unmounted), else ``None``."""
        async with self:
            open_ = (
                self._live_id == live_id
                and self.router.route_id == route
                and bool(self.token)  # type: ignore[attr-defined]
                and _tab_connected(self.router.session.client_token)
            )
            return self._live_key() if open_ else None

    async def _live_mark(self, connected: bool | None = None, *, read: bool = False) -> None:
        """Record a (dis)connection or a read; nothing is sent while neither changes (no periodic updates)."""
        async with self:
            if connected is not None and connected != self.live_connected:
                self.live_connected = connected
            if read:
                self.live_read_at = datetime.now(tz=UTC).isoformat()

    @rx.event(background=True)
    async def follow_live(self):
        """Follow the feed until the page is left; fall back to polling while the stream is down."""
        async with self:
            self._live_id += 1
            # The route, not the path: a redirect within the route (a renamed server) keeps the page mounted.
            live_id, path = self._live_id, self.router.route_id
            self.live_read_at = datetime.now(tz=UTC).isoformat()
        deadline = time.monotonic() + HYDRATE_SECONDS
        while not await self._live_ready():  # the token reaches the server with the first events
            if time.monotonic() > deadline or not await self._live_alive_or_hydrating(live_id, path):
                return
            await asyncio.sleep(0.5)
        backoff, polled = 1.0, time.monotonic()
        while await self._live_alive(live_id, path):
            async for reloads in self._live_stream(live_id, path):
                backoff = 1.0
                for reload in reloads:
                    yield reload
            if not await self._live_alive(live_id, path):
                return
            retry_at = time.monotonic() + backoff
            backoff = min(backoff * 2, BACKOFF_MAX)
            await self._live_mark(False)
            while time.monotonic() < retry_at:
                await asyncio.sleep(CHECK_SECONDS)
                if not await self._live_alive(live_id, path):
                    return
                if time.monotonic() - polled >= POLL_SECONDS:  # the stream is down: poll meanwhile
                    polled = time.monotonic()
                    await self._live_mark(read=True)
                    for reload in await self._live_reloads_for(None):
                        yield reload

    async def _live_reloads_for(self, event: LiveEvent | None) -> list[Any]:
        async with self:
            return self._live_reloads(event)

    async def _live_ready(self) -> bool:
        async with self:
            return bool(self.token) and bool(self.project.id)  # type: ignore[attr-defined]

    async def _live_alive_or_hydrating(self, live_id: int, route: str) -> bool:
        async with self:
            return self._live_id == live_id and self.router.route_id == route

    async def _live_stream(self, live_id: int, path: str):
        """Read the stream; yields the loaders to run per message, returns when it ends or fails."""
        async with self:
            api, slug = self._api(), self._live_key()  # type: ignore[attr-defined]
        queue: asyncio.Queue[Any] = asyncio.Queue()

        async def read() -> None:
            try:
                async for event in self._live_feed(api, slug):
                    queue.put_nowait(event)
            except ApiError:
                pass
            finally:
                queue.put_nowait(_END)

        reader = asyncio.create_task(read())
        try:
            while True:
                try:
                    item = await asyncio.wait_for(queue.get(), CHECK_SECONDS)
                except TimeoutError:
                    item = None
                if item is _END or await self._live_alive(live_id, path) != slug:
                    return  # ended, left, or another project on the same route: reconnect or stop
                if item is None:
                    continue
                if item.kind == "hello":
                    # Re-read once subscribed: a change between the page's first read and this hello (or
                    # while the stream was down) sent a message nobody heard.
                    await self._live_mark(True, read=True)
                    yield await self._live_reloads_for(None)
                    continue
                reloads = await self._live_reloads_for(None if item.kind == "resync" else item)
                if reloads:
                    await self._live_mark(True, read=True)
                    yield reloads
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
