"""Gateway failures as JSON-RPC errors: upstream code and message kept, never raw exception text."""

from __future__ import annotations

import logging

from mcp.shared.exceptions import MCPError
from mcp_types import INTERNAL_ERROR, INVALID_PARAMS

from backend.mcp.types import (
    ERROR_TOOL_DISABLED,
    ERROR_UPSTREAM_UNAVAILABLE,
    GatewayError,
    UpstreamRPCError,
)

logger = logging.getLogger("mcp_orch.proxy")

RESOURCE_NOT_FOUND = -32002  # the MCP spec's code for an unknown resource URI


def gateway_error(exc: GatewayError, server: str) -> MCPError:
    """An upstream JSON-RPC error passes through unchanged; the gateway's own errors name the server."""
    if isinstance(exc, UpstreamRPCError):
        return MCPError(exc.code, exc.message, exc.data)
    return MCPError(exc.code, f"Server '{server}': {exc.message}", exc.data)


def internal_error(exc: BaseException, *, method: str) -> MCPError:
    """Anything unexpected: logged here, a generic message on the wire."""
    logger.error("proxy request failed", exc_info=exc, extra={"method": method})
    return MCPError(INTERNAL_ERROR, "Internal error in the gateway")


def unknown_tool(name: str) -> MCPError:
    """A tool name the view does not offer."""
    return MCPError(INVALID_PARAMS, f"Unknown tool: {name}")


def tool_disabled(name: str) -> MCPError:
    """A tool switched off in the project."""
    return MCPError(ERROR_TOOL_DISABLED, f"Tool '{name}' is disabled")


def unknown_prompt(name: str) -> MCPError:
    """A prompt name the view does not offer."""
    return MCPError(INVALID_PARAMS, f"Unknown prompt: {name}")


def unknown_task(task_id: object) -> MCPError:
    """A unified task id that names no server of the view (or no task id at all)."""
    return MCPError(INVALID_PARAMS, f"Unknown task: {task_id}")


def unknown_resource(uri: str) -> MCPError:
    """A resource URI no server of the view offers."""
    return MCPError(RESOURCE_NOT_FOUND, "Resource not found", {"uri": uri})


def invalid_cursor() -> MCPError:
    """A list cursor the gateway did not issue, or one cut from a list that has changed since."""
    return MCPError(INVALID_PARAMS, "Invalid params", {"reason": "unknown or stale cursor: list again without one"})


def unavailable(server: str) -> MCPError:
    """A server of the view is down."""
    return MCPError(ERROR_UPSTREAM_UNAVAILABLE, f"Server '{server}' is unavailable")
