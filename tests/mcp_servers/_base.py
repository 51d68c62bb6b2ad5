"""Shared runner for the test servers: stdio by default, or SSE / Streamable HTTP on a port.

``python -m tests.mcp_servers.<name> [--transport stdio|sse|streamable-http] [--port N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp.server.lowlevel.server import NotificationOptions, Server
from mcp.server.sse import SseServerTransport
from mcp.server.stdio import stdio_server
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

# What the ``pid`` tools answer: an id unique to this process. Not ``os.getpid()``: sandboxed, every
# server is the same small pid of its own PID namespace. Tests that need the host pid use the status.
PROCESS_ID = 10**7 + secrets.randbelow(9 * 10**7)

# ... and its name (``/proc/<pid>/comm``, still "python…"), so a test finds the process on the host by that id.
with contextlib.suppress(OSError):
    Path("/proc/self/comm").write_text(f"python{PROCESS_ID}")


def text(value: Any) -> types.TextContent:
    """A text content block; non-strings are JSON-encoded (sorted keys, so replies are comparable)."""
    return types.TextContent(text=value if isinstance(value, str) else json.dumps(value, sort_keys=True))


def tool(name: str, description: str = "", properties: dict[str, Any] | None = None, **extra: Any) -> types.Tool:
    """A tool declaration with an object input schema."""
    schema: dict[str, Any] = {"type": "object", "properties": properties or {}}
    return types.Tool(name=name, description=description or name, input_schema=schema, **extra)


def parse_args(argv: Sequence[str] | None = None, add: Callable[[argparse.ArgumentParser], None] | None = None) -> Any:
    """Common command line: transport and port, plus server-specific options."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--transport", choices=["stdio", "sse", "streamable-http"], default="stdio")
    parser.add_argument("--port", type=int, default=0)
    if add is not None:
        add(parser)
    return parser.parse_args(argv)


def serve(server: Server[Any], args: Any, *, notifications: NotificationOptions | None = None) -> None:
    """Serve ``server`` over the transport chosen on the command line, until stdin closes or killed."""
    options = server.create_initialization_options(notifications or NotificationOptions())
    if args.transport == "stdio":

        async def run_stdio() -> None:
            async with stdio_server() as (read_stream, write_stream):
                await server.run(read_stream, write_stream, options)

        anyio.run(run_stdio)
        return
    import uvicorn  # noqa: PLC0415 - only the HTTP transports need it; stdio servers start faster without

    app = _sse_app(server, options) if args.transport == "sse" else server.streamable_http_app()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


def _sse_app(server: Server[Any], options: Any) -> Any:
    sse = SseServerTransport("/messages/")

    async def handle_sse(request: Request) -> Response:
        async with sse.connect_sse(request.scope, request.receive, request._send) as streams:
            await server.run(streams[0], streams[1], options)
        return Response()

    return Starlette(
        routes=[Route("/sse", endpoint=handle_sse, methods=["GET"]), Mount("/messages/", app=sse.handle_post_message)]
    )


def log(message: str) -> None:
    """One line on stderr (the gateway drains it into server logs)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
