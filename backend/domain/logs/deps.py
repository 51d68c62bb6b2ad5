"""Dependency providers for the logs domain."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.providers import create_service_provider

from backend.domain.logs.services import ServerLogService, ToolCallService

provide_tool_calls_service = create_service_provider(ToolCallService)
provide_server_logs_service = create_service_provider(ServerLogService)
