"""What uvicorn serves: the app, with MCP requests handed straight to its handler chain.

``Litestar.__call__`` sets ``scope["app"]`` and wraps ``send`` in the before-send hooks (the request
session's commit, two coroutine calls per message). MCP requests under ``/projects/`` have no
request session and the front door (:mod:`backend.domain.endpoints.front`) sends them to the MCP
endpoints anyway, so for them the served entry only sets ``scope["app"]`` and calls the same handler
chain Litestar would (CORS, security headers, front door): every header and metric is unchanged.
Everything else (the REST API, lifespan, websockets) goes through Litestar as before.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import Receive, Scope, Send

from backend.domain.endpoints.front import PREFIX


class ServedApp:
    """The ASGI app the HTTP server runs for ``app``."""

    def __init__(self, app: Litestar) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry."""
        if scope["type"] == ScopeType.HTTP and scope["path"].startswith(PREFIX):
            scope["app"] = self.app
            await self.app.asgi_handler(scope, receive, send)
            return
        await self.app(scope, receive, send)
