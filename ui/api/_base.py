"""The transport under the typed client: one ``httpx`` request per call, errors as :class:`ApiError`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

import httpx
import msgspec

from backend.domain.accounts.addresses import UI_CLIENT_HEADER, UI_TOKEN_HEADER
from backend.lib import secrets
from backend.lib.settings import get_settings
from ui.api._errors import detail_of
from ui.api.convert import decode

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0
# Tool calls wait for the upstream (the server's own timeout applies on the API side).
LONG_TIMEOUT = 330.0


class ApiError(Exception):
    """The API answered with an error status (or could not be reached: ``status_code`` 0)."""

    def __init__(self, status_code: int, detail: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(f"{status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail
        # The fields at fault (name -> message in words), when the API named them.
        self.fields = fields or {}


def _detail(response: httpx.Response) -> str:
    """The API's ``detail`` in words (see ``_errors.py``)."""
    return detail_of(response)[0]


@lru_cache(maxsize=1)
def _ui_token() -> str:
    settings = get_settings()
    return secrets.ui_token(settings.auth.ui_token, settings.app.data_dir)


def ui_forwarding_headers(browser_address: str) -> dict[str, str]:
    """Headers that make the API count ``browser_address`` as the client (only the UI holds the token)."""
    return {UI_TOKEN_HEADER: _ui_token(), UI_CLIENT_HEADER: browser_address}


def browser_headers(address: str, user_agent: str = "") -> dict[str, str]:
    """What the API should record of the browser behind a sign-in: its address (when known) and User-Agent."""
    headers = ui_forwarding_headers(address) if address else {}
    return headers | ({"User-Agent": user_agent} if user_agent else {})


def clean(params: dict[str, Any]) -> dict[str, Any]:
    """Query parameters without the empty ones."""
    return {k: v for k, v in params.items() if v not in (None, "")}


class BaseClient:
    """Holds the API address and the user's bearer token; sends requests."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    async def _send(self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any) -> httpx.Response:  # noqa: ASYNC109 - passed to httpx
        """Send a request; the response (``ApiError`` for an error status or an unreachable API)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers |= kwargs.pop("headers", None) or {}
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=timeout or self.timeout) as http:
                response = await http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(0, f"API unreachable ({type(exc).__name__})") from exc
        if response.status_code >= 400:
            raise ApiError(response.status_code, *detail_of(response))
        return response

    async def raw(self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any) -> Any:  # noqa: ASYNC109 - passed to httpx
        """Send a request; the decoded JSON body (``None`` for 204)."""
        response = await self._send(method, path, timeout=timeout, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return msgspec.json.decode(response.content)

    async def text(self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any) -> str:  # noqa: ASYNC109 - passed to httpx
        """Send a request; the body as text (downloads such as CSV exports)."""
        return (await self._send(method, path, timeout=timeout, **kwargs)).text

    async def call(self, result_type: type[T], method: str, path: str, **kwargs: Any) -> T:
        """Send a request and decode its body as ``result_type``."""
        return decode(result_type, await self.raw(method, path, **kwargs))

    async def call_list(self, item_type: type[T], method: str, path: str, **kwargs: Any) -> list[T]:
        """Send a request answered by a JSON array of ``item_type``."""
        body = await self.raw(method, path, **kwargs)
        return [decode(item_type, item) for item in body or []]
