"""Gateway failures as HTTP answers: clear status codes and messages, never a raw exception.

- upstream timeout → 504 · upstream unavailable / capacity reached → 503
- upstream JSON-RPC error → 502 (its code, message and data in ``extra``)
- disabled tool or server → 409 (a state of the registry, not a permission: enabling it fixes it)
"""

from __future__ import annotations

from typing import Any

from backend.lib.exceptions import ApplicationError, ConflictError
from backend.mcp.types import (
    CapacityError,
    GatewayError,
    ToolDisabledError,
    UpstreamRPCError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)


class BadGatewayError(ApplicationError):
    """The upstream answered with an error."""

    status_code = 502


class ServiceUnavailableError(ApplicationError):
    """The upstream (or the gateway) cannot serve now."""

    status_code = 503


class GatewayTimeoutError(ApplicationError):
    """The upstream did not answer in time."""

    status_code = 504


def http_error(exc: GatewayError, *, server: str, tool: str | None = None) -> ApplicationError:
    """The HTTP error for a gateway failure on ``server`` (and ``tool``)."""
    extra: dict[str, Any] = {"code": exc.code}
    if isinstance(exc, ToolDisabledError):
        return ConflictError(f"Tool {tool!r} is disabled on server {server!r}", extra=extra)
    if isinstance(exc, UpstreamTimeoutError):
        return GatewayTimeoutError(f"Server {server!r} did not answer in time: {exc.message}", extra=extra)
    if isinstance(exc, CapacityError):
        return ServiceUnavailableError(exc.message, extra=extra, headers={"Retry-After": "30"})
    if isinstance(exc, UpstreamUnavailableError):
        return ServiceUnavailableError(f"Server {server!r} is unavailable: {exc.message}", extra=extra)
    if isinstance(exc, UpstreamRPCError):
        extra.update({"message": exc.message, "data": exc.data})
        return BadGatewayError(f"Server {server!r} answered with error {exc.code}: {exc.message}", extra=extra)
    return BadGatewayError(f"Server {server!r} failed: {exc.message}", extra=extra)
