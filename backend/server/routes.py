"""Every route handler of the REST API, in one list (kept in one place so nothing is orphaned)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from backend.domain.accounts.controllers import AuthController
from backend.domain.system.controllers import SystemController

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    SystemController,
    AuthController,
]
