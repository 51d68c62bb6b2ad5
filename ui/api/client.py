"""The one typed client the UI uses for the REST API.

The Reflex backend calls the API server-side, so the browser only ever talks to the UI port.
Where the API is comes from ``MCP_ORCH_API_URL`` (``mcp-orch serve`` sets it for the UI process);
without it, the API's own bind address from the settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.lib.settings import Settings, get_settings, internal_api_url
from ui.api._accounts import AccountsApi
from ui.api._admin import AdminApi
from ui.api._base import ApiError
from ui.api._credentials import CredentialsApi
from ui.api._invitations import InvitationsApi
from ui.api._live import LiveApi
from ui.api._oauth import OAuthApi
from ui.api._projects import ProjectsApi
from ui.api._servers import ServersApi

__all__ = ["ApiClient", "ApiError", "Health", "api_client", "public_api_url"]


@dataclass
class Health:
    """Answer of ``GET /health`` and ``GET /ready``."""

    status: str = ""
    version: str = ""
    checks: dict[str, str] = field(default_factory=dict)


class ApiClient(AccountsApi, AdminApi, CredentialsApi, InvitationsApi, ProjectsApi, ServersApi, OAuthApi, LiveApi):
    """Typed calls to the REST API, optionally with a user's access token."""

    async def health(self) -> Health:
        """Liveness of the API process."""
        return await self.call(Health, "GET", "/health")

    async def ready(self) -> Health:
        """Readiness: the API and its database are reachable (``ApiError`` 503 otherwise)."""
        return await self.call(Health, "GET", "/ready")


def api_client(token: str | None = None, settings: Settings | None = None) -> ApiClient:
    """A client for the configured API (``MCP_ORCH_API_URL`` or the API's bind address)."""
    return ApiClient(internal_api_url(settings or get_settings()), token=token)


def public_api_url(settings: Settings | None = None) -> str:
    """The API's address as the browser should see it (for links such as the API docs)."""
    settings = settings or get_settings()
    return settings.app.public_url.rstrip("/") or internal_api_url(settings)
