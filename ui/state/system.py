"""State of the placeholder home page: is the API reachable, and where are its docs."""

from __future__ import annotations

import reflex as rx

from ui.api.client import ApiError, api_client, public_api_url
from ui.state.auth import AuthState


class SystemState(rx.State):
    """API status as seen from the UI's server side."""

    api_status: str = "checking"
    api_version: str = ""
    docs_url: str = ""

    @rx.var
    def api_ok(self) -> bool:
        """Whether the API answered ``/ready`` with everything reachable."""
        return self.api_status == "ok"

    @rx.event(background=True)
    async def check_api(self) -> None:
        """Ask the API whether it is ready; show the result on the page."""
        try:
            health = await api_client().ready()
            status, version = health.status, health.version
        except ApiError as exc:
            status, version = ("unreachable" if exc.status_code == 0 else "unavailable"), ""
        async with self:
            self.api_status = status
            self.api_version = version
            self.docs_url = public_api_url() + "/api/docs"

    @rx.event
    async def go_home(self):
        """Signed-in users land on their projects."""
        auth = await self.get_state(AuthState)
        if auth.token:
            return rx.redirect("/projects")
        return None
