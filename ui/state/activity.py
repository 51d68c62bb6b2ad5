"""The Activity tab's audit feed, with type/actor/time filters and paging."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.components.activity_facts import ActivityRow, activity_rows
from ui.state.project import ProjectState
from ui.state.timerange import since
from ui.state.url_query import FEED_FIELDS, url_event

PAGE_SIZE = 25


class ActivityState(ProjectState):
    """State of the audit feed."""

    items: list[ActivityRow] = []
    total: int = 0
    page: int = 1
    activity_loading: bool = True
    type_filter: str = ""
    actor_filter: str = ""
    range_filter: str = "all"
    activity_view: str = "feed"

    @rx.var
    def page_count(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.event
    def set_type_filter(self, value: str):
        """Filter by type or type prefix (``member``, ``server.created``)."""
        self.type_filter, self.page = value, 1

    @rx.event
    def set_actor_filter(self, value: str):
        """Filter by part of the actor's email."""
        self.actor_filter, self.page = value, 1

    @rx.event
    def set_range_filter(self, value: str):
        """Filter by time range."""
        self.range_filter, self.page = value, 1
        return ActivityState.load

    @rx.event
    def go_page(self, page: int):
        """Another page."""
        self.page = max(1, min(page, self.page_count))
        return ActivityState.load

    @rx.event
    def show_view(self, view: str | list[str]):
        """Switch between the feed and the tool-call explorer (kept in the URL)."""
        chosen = view if isinstance(view, str) else view[0]
        return rx.redirect(f"/projects/{self._slug()}/activity" + ("?view=calls" if chosen == "calls" else ""))

    @rx.event(background=True)
    async def load(self):
        """Load one page of the feed."""
        async with self:
            self.activity_loading = not self.items
            api, slug = self._api(), self._slug()
            filters = {
                "type_": self.type_filter.strip(),
                "actor": self.actor_filter.strip(),
                "since": since(self.range_filter),
                "page": self.page,
                "page_size": PAGE_SIZE,
            }
            in_url = url_event(self, FEED_FIELDS, when={"view": ""})
        yield in_url
        try:
            page = await api.activity(slug, **filters)  # type: ignore[arg-type]
        except ApiError as exc:
            async with self:
                self.activity_loading = False
            yield await self._on_error(exc)
            return
        servers: dict[str, str] = {}
        if any("serverIds" in item.details for item in page.items):  # a key's servers, by name
            try:
                servers = {s.id: s.name for s in await api.list_servers(slug)}
            except ApiError:
                servers = {}  # their ids then
        async with self:
            self.items, self.total = activity_rows(page.items, servers), page.total
            self.activity_loading = False
