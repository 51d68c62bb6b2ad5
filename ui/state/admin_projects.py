"""The projects screen: every project of the instance, archived included, searched and paged."""

from __future__ import annotations

from typing import ClassVar

from ui.api import ApiClient
from ui.api.types import AdminProject
from ui.state.admin import AdminState
from ui.state.paged_list import ListQuery, ListRead, PagedListMixin


class AdminProjectsState(PagedListMixin, AdminState):
    """``GET /api/admin/projects``."""

    list_page_size: ClassVar[int] = 100
    admin_projects: list[AdminProject] = []

    async def _read_list(self, api: ApiClient, query: ListQuery) -> ListRead:
        projects = await api.admin_projects(query.search, page=query.page, page_size=query.page_size)
        return ListRead(projects.total, {"admin_projects": projects.items})
