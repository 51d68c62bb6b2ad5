"""The REST API's administration payloads (allowed commands, system, every key).

Generated classes under the UI's names: see ``ui.api.types``.
"""

from __future__ import annotations

from ui.api.generated import (
    AdminApiKey,
    AdminApiKeyPage,
    AllowedCommands,
    Cap,
    DatabaseStatus,
    ProjectRef,
    QueueStatus,
    SystemStatus,
    UpstreamCounts,
)

__all__ = [
    "AdminApiKey",
    "AdminApiKeyPage",
    "AllowedCommands",
    "Cap",
    "DatabaseStatus",
    "ProjectRef",
    "QueueStatus",
    "SystemStatus",
    "UpstreamCounts",
]
