"""The system screen: version, database and queue status, servers by state, the caps in force."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.types_admin import SystemStatus
from ui.state.admin import AdminState


class AdminSystemState(AdminState):
    """``GET /api/admin/system``, read when the screen opens and on Refresh."""

    system: SystemStatus = SystemStatus()
    system_loading: bool = False

    @rx.var
    def server_states(self) -> list[list[str]]:
        """Enabled servers by state, ``[state, count]`` (most first)."""
        counts = sorted(self.system.upstreams.by_state.items(), key=lambda item: (-item[1], item[0]))
        return [[state, str(count)] for state, count in counts]

    @rx.event(background=True)
    async def load_system(self):
        """Read the system status."""
        async with self:
            self.system_loading = True
            api = self._api()
        try:
            system = await api.admin_system()
        except ApiError as exc:
            async with self:
                self.system_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.system, self.system_loading = system, False
