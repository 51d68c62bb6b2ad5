"""One paged list read from the API: page, search text, one filter, and the load; the admin screens mix it in.

A screen's state mixes in :class:`PagedListMixin` before its parent state, names its page size, and says how
to read one page (:meth:`PagedListMixin._read_list`); the view shows it with ``ui/components/paged_table.py``.
Each state mixing it in gets its own copy of these vars and events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import reflex as rx

from ui.api import ApiClient, ApiError
from ui.state.url_query import QueryField, read_query, url_event

if TYPE_CHECKING:
    from reflex.event import EventSpec

EVERYTHING = "all"  # the filter value that filters nothing (a select cannot hold an empty value)

# The search, filter and page in the URL (``/admin/users?q=ann&page=2``): a link shows the same page.
LIST_FIELDS = (
    QueryField("q", "list_search"),
    QueryField("filter", "list_filter", EVERYTHING),
    QueryField("page", "list_page", 1),
)


@dataclass(frozen=True)
class ListQuery:
    """What one read asks for."""

    page: int
    page_size: int
    search: str  # trimmed; "" searches nothing
    filter: str  # "" when the filter is :data:`EVERYTHING`
    opening: bool  # the screen has just opened: also read what the filter offers


@dataclass
class ListRead:
    """What one read found: the total across pages and the state vars to set (the rows among them)."""

    total: int
    fields: dict[str, Any] = field(default_factory=dict)


class PagedListMixin(rx.State, mixin=True):
    """A page of rows, its position, the search text and the filter."""

    list_page: int = 1
    list_total: int = 0
    list_search: str = ""
    list_filter: str = EVERYTHING
    list_loading: bool = False
    _list_read: int = 0  # numbers the reads: only the newest one shows (a search can overtake the opening read)

    # How many rows a page holds; a screen sets its own.
    list_page_size: ClassVar[int] = 25

    if TYPE_CHECKING:  # given by the auth state every screen state derives from

        def _api(self) -> ApiClient: ...

        async def _on_error(self, exc: ApiError) -> EventSpec: ...

    async def _read_list(self, api: ApiClient, query: ListQuery) -> ListRead:
        """Read one page (the screen's own call)."""
        raise NotImplementedError

    @rx.var
    def list_pages(self) -> int:
        """How many pages the search and filter find (at least one)."""
        return max(1, -(-self.list_total // self.list_page_size))

    def _reload(self, *, opening: bool = False) -> Any:
        """Read the page, and (after a change) show the search, filter and page in the URL."""
        read = type(self).load_list(opening)  # type: ignore[operator]
        return read if opening else [read, url_event(self, LIST_FIELDS)]

    @rx.event
    def open_list(self):
        """The screen opens on the search, filter and page its URL names (none, everything, the first)."""
        read_query(self, self.router.url.query_parameters, LIST_FIELDS)
        return self._reload(opening=True)

    @rx.event
    def set_list_search(self, value: str):
        """Edit the search text (applied on Enter or Search)."""
        self.list_search = value

    @rx.event
    def submit_list_search(self, form: dict[str, Any]):
        """Search for the text the box held when Enter or Search was pressed, from the first page."""
        self.list_search = str(form.get("search", self.list_search))
        self.list_page = 1
        return self._reload()

    @rx.event
    def set_list_filter(self, value: str):
        """Filter (or stop filtering), from the first page."""
        self.list_filter, self.list_page = value, 1
        return self._reload()

    @rx.event
    def go_list_page(self, page: int):
        """Another page (kept within the pages there are)."""
        self.list_page = max(1, min(page, self.list_pages))
        return self._reload()

    @rx.event(background=True)
    async def load_list(self, opening: bool):
        """Read the current page."""
        async with self:
            self._list_read += 1
            self.list_loading, number = True, self._list_read
            api = self._api()
            query = ListQuery(
                page=self.list_page,
                page_size=self.list_page_size,
                search=self.list_search.strip(),
                filter="" if self.list_filter == EVERYTHING else self.list_filter,
                opening=opening,
            )
        try:
            read = await self._read_list(api, query)
        except ApiError as exc:
            async with self:
                self.list_loading = self.list_loading and number != self._list_read
            yield await self._on_error(exc)
            return
        async with self:
            if number != self._list_read:
                return
            for name, value in read.fields.items():
                setattr(self, name, value)
            self.list_total, self.list_loading = read.total, False
