"""The teams screen: every team of the instance with its member and project counts, searched and paged."""

from __future__ import annotations

from ui.api import ApiClient
from ui.api.types import Team
from ui.state.admin import AdminState
from ui.state.paged_list import ListQuery, ListRead, PagedListMixin


class AdminTeamsState(PagedListMixin, AdminState):
    """``GET /api/teams`` (an administrator sees every team)."""

    admin_teams: list[Team] = []

    async def _read_list(self, api: ApiClient, query: ListQuery) -> ListRead:
        teams = await api.list_teams(query.search, page=query.page, page_size=query.page_size)
        return ListRead(teams.total, {"admin_teams": teams.items})
