"""Security headers on every HTTP response of the API process.

A pure ASGI wrapper: it only extends the header list of ``http.response.start`` and passes every
body chunk through untouched, so streaming MCP responses (SSE, streamable HTTP) are never
buffered. It wraps the whole ASGI handler, so 404s from the router and the ``/projects`` mount
get the headers too.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.lib.settings import get_settings

API_CSP = b"default-src 'none'; frame-ancestors 'none'"
DOCS_PREFIX = "/api/docs"
# The OpenAPI viewers load scripts, styles and fonts from CDNs and run inline code; a CSP strict
# enough to matter would break them, so their HTML pages get only the other headers.
DOCS_DOCUMENTS = (".json", ".yaml", ".yml")
HSTS = b"max-age=31536000; includeSubDomains"

BASE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def _wants_csp(path: str) -> bool:
    if path == DOCS_PREFIX or path.startswith(DOCS_PREFIX + "/"):
        return path.endswith(DOCS_DOCUMENTS)
    return True


class SecurityHeaders:
    """Adds ``nosniff``, ``DENY`` framing, ``no-referrer``, a CSP and (behind HTTPS) HSTS."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False, csp: bool = True) -> None:
        self.app = app
        self.hsts = hsts
        self.csp = csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request through; decorate the response start."""
        if scope["type"] != ScopeType.HTTP:  # websockets and lifespan pass through untouched
            await self.app(scope, receive, send)
            return
        extra = list(BASE_HEADERS)
        if self.csp and _wants_csp(scope["path"]):
            extra.append((b"content-security-policy", API_CSP))
        if self.hsts:
            extra.append((b"strict-transport-security", HSTS))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def ui_security_headers(app: Any) -> Any:
    """Reflex ``api_transformer``: the same headers on the UI (pages, assets, event API).

    In prod (single-port) mode the Reflex backend also serves the compiled frontend, so this
    covers the pages. No CSP there: the compiled React Router app runs inline scripts and opens a
    websocket to a configurable backend URL, which a fixed policy would break.
    """
    public_url = get_settings().app.public_url
    return SecurityHeaders(app, hsts=public_url.lower().startswith("https://"), csp=False)
