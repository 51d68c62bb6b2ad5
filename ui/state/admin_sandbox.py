"""The sandbox screen: whether stdio servers run sandboxed here, and the limits in force (env-only, read-only)."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.generated import SandboxStatus
from ui.state.admin import AdminState


class AdminSandboxState(AdminState):
    """``GET /api/admin/sandbox``, read when the screen opens and on Refresh."""

    sandbox: SandboxStatus = SandboxStatus()
    sandbox_loading: bool = False
    sandbox_loaded: bool = False

    @rx.event(background=True)
    async def load_sandbox(self):
        """Read the sandbox status (the API probes whether the sandbox can start on this host)."""
        async with self:
            self.sandbox_loading = True
            api = self._api()
        try:
            sandbox = await api.admin_sandbox()
        except ApiError as exc:
            async with self:
                self.sandbox_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.sandbox, self.sandbox_loading, self.sandbox_loaded = sandbox, False, True
