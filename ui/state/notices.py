"""Notices on the projects page: someone added you to a project (until you dismiss it)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from ui.api import ApiError
from ui.api.types_invitations import Notice
from ui.state.auth import AuthState
from ui.state.invitations import who


@dataclass
class NoticeRow:
    """A notice with its sentence."""

    project_id: str = ""
    project_slug: str = ""
    text: str = ""


def notice_text(notice: Notice) -> str:
    """ "Ann added you to Billing as developer"."""
    return f"{who(notice.invited_by)} added you to {notice.project_name} as {notice.role}"


def notice_rows(notices: list[Notice]) -> list[NoticeRow]:
    """The banners of a list of notices."""
    return [NoticeRow(n.project_id, n.project_slug, notice_text(n)) for n in notices]


class NoticesState(AuthState):
    """The signed-in user's notices."""

    notices: list[NoticeRow] = []

    @rx.event(background=True)
    async def load(self):
        """The notices (best effort: the projects list works without them)."""
        async with self:
            api = self._api()
        try:
            notices = await api.notices()
        except ApiError:
            return
        async with self:
            self.notices = notice_rows(notices)

    @rx.event(background=True)
    async def dismiss(self, project_id: str = ""):
        """Dismiss one notice, or all of them (no ``project_id``)."""
        async with self:
            api = self._api()
        try:
            notices = await api.dismiss_notices(project_id or None)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.notices = notice_rows(notices)

    @rx.event(background=True)
    async def open_project(self, project_id: str, slug: str):
        """Open the project (which acknowledges the notice)."""
        async with self:
            api = self._api()
        try:
            await api.dismiss_notices(project_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.redirect(f"/projects/{slug}/overview")
