"""The UI's view of the REST API's instance settings for administrators (``/api/admin/allowed-commands``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AllowedCommands:
    """The stdio command allowlist: ``built_in`` from ``MCP_ORCH_ALLOWED_COMMANDS``, ``added`` by administrators."""

    built_in: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    effective: list[str] = field(default_factory=list)
