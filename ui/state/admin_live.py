"""The worker screen follows the administrators' live feed: a job that ends anywhere re-reads its history.

The loop itself is :class:`~ui.state.live.LiveMixin`'s; here the feed is ``GET /api/admin/live`` (job ends
of every project) instead of a project's, and the page is the admin worker section.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from ui.api import ApiError
from ui.api._live import LiveEvent
from ui.state.admin import AdminState
from ui.state.live import LiveMixin

HISTORY_SIZE = 20


class WorkerLiveState(LiveMixin, AdminState):
    """The worker section: its jobs, queue and history re-read when a job ends."""

    def _live_key(self) -> str:
        return "admin" if self.section == "worker" else ""

    def _live_feed(self, api: Any, key: str) -> AsyncIterator[LiveEvent]:
        feed: AsyncIterator[LiveEvent] = api.follow_admin()
        return feed

    async def _live_ready(self) -> bool:
        async with self:
            return bool(self.token) and self.user.is_admin

    def _live_reloads(self, event: LiveEvent | None) -> list[Any]:
        if event is None or event.kind == "job.finished":
            return [WorkerLiveState.reload_worker]
        return []

    @rx.event(background=True)
    async def reload_worker(self):
        """The worker overview and history, quietly (no loading placeholder)."""
        async with self:
            api = self._api()
        try:
            worker, history = await asyncio.gather(api.worker(), api.worker_history(page_size=HISTORY_SIZE))
        except ApiError:
            return
        async with self:
            self.worker, self.history = worker, history.items
