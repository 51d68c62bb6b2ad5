"""CORS for the OAuth routes a client may call from a web page: the metadata documents, token, registration and
revocation endpoints (not ``/oauth/authorize``, which is a page the browser navigates to).

Any origin is allowed and no credentials are: these routes read no cookies and take no bearer token,
so a cross-origin page gains nothing it could not get by calling them itself. A pure ASGI wrapper
around the app (Litestar's CORS configuration is app-wide; the REST API stays same-origin).
"""

from __future__ import annotations

import re
from typing import cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

_PATHS = re.compile(
    r"^/(\.well-known/oauth-authorization-server|\.well-known/oauth-protected-resource/.+|oauth/(token|register|revoke))$"
)
_ALLOWED_HEADERS = b"authorization, content-type, mcp-protocol-version"


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope.get("headers") or [] if key.lower() == name), None)


class OAuthCors:
    """Answers preflights and adds ``Access-Control-Allow-Origin: *`` on the OAuth routes, passes the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Decorate OAuth responses to cross-origin requests; answer their preflights."""
        if scope["type"] != ScopeType.HTTP or not _PATHS.match(scope["path"]) or _header(scope, b"origin") is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method") is not None:
            headers = [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                (b"access-control-allow-headers", _ALLOWED_HEADERS),
                (b"access-control-max-age", b"600"),
                (b"content-length", b"0"),
            ]
            await send(cast("Message", {"type": "http.response.start", "status": 204, "headers": headers}))
            await send(cast("Message", {"type": "http.response.body", "body": b""}))
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*(message.get("headers") or []), (b"access-control-allow-origin", b"*")]
            await send(message)

        await self.app(scope, receive, with_cors)
