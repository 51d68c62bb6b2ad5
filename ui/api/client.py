"""A minimal typed client for the REST API.

The Reflex backend calls the API server-side, so the browser only ever talks to the UI port.
Where the API is comes from ``MCP_ORCH_API_URL`` (``mcp-orch serve`` sets it for the UI process);
without it, the API's own bind address from the settings.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
import msgspec

from backend.lib.settings import Settings, get_settings, internal_api_url

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0


class Health(msgspec.Struct, rename="camel"):
    """Answer of ``GET /health`` and ``GET /ready``."""

    status: str
    version: str
    checks: dict[str, str] = msgspec.field(default_factory=dict)


class ApiError(Exception):
    """The API answered with an error status (or could not be reached: ``status_code`` 0)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(f"{status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


class ApiClient:
    """Typed calls to the REST API, optionally with a user's access token."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    async def _request(self, method: str, path: str, result_type: type[T], **kwargs: Any) -> T:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout) as http:
                response = await http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(0, f"API unreachable ({type(exc).__name__})") from exc
        if response.status_code >= 400:
            raise ApiError(response.status_code, _detail(response))
        return msgspec.json.decode(response.content, type=result_type)

    async def health(self) -> Health:
        """Liveness of the API process."""
        return await self._request("GET", "/health", Health)

    async def ready(self) -> Health:
        """Readiness: the API and its database are reachable (``ApiError`` 503 otherwise)."""
        return await self._request("GET", "/ready", Health)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "error"
    return str(body.get("detail", body)) if isinstance(body, dict) else str(body)


def api_client(token: str | None = None, settings: Settings | None = None) -> ApiClient:
    """A client for the configured API (``MCP_ORCH_API_URL`` or the API's bind address)."""
    return ApiClient(internal_api_url(settings or get_settings()), token=token)


def public_api_url(settings: Settings | None = None) -> str:
    """The API's address as the browser should see it (for links such as the API docs)."""
    settings = settings or get_settings()
    return settings.app.public_url.rstrip("/") or internal_api_url(settings)
