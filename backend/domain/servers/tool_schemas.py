"""Tool and catalogue API schemas: tools, prompts and resources of a server, probes, refreshes, context budget."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from backend.lib.schema import CamelizedBaseStruct, InputStruct


class Tool(CamelizedBaseStruct):
    """A tool of a server, with its enabled flag and its server's state."""

    name: str
    title: str | None
    description: str
    input_schema: dict[str, Any] | None
    output_schema: dict[str, Any] | None
    annotations: dict[str, Any] | None
    enabled: bool
    alias: Annotated[str | None, msgspec.Meta(description="The name clients see instead of name; null: none")]
    exposed_name: Annotated[str, msgspec.Meta(description="The name on the server's own endpoint: alias, else name")]
    unified_name: Annotated[
        str, msgspec.Meta(description="The name on the unified endpoint: <server>__<alias or name>, within its budget")
    ]
    server_id: UUID
    server_name: str
    server_status: str
    server_enabled: bool
    context_bytes: Annotated[
        int, msgspec.Meta(description="Size of the tool's definition in its server's tools/list (bytes)")
    ]
    context_tokens: Annotated[int, msgspec.Meta(description="Estimated tokens of that definition: ceil(bytes / 4)")]


class CatalogueEntry(CamelizedBaseStruct):
    """A prompt, resource or resource template (the raw MCP object is in ``definition``)."""

    name: str
    title: str | None
    description: str
    definition: dict[str, Any]


class Catalogue(CamelizedBaseStruct):
    """Everything a server offers, as last fetched."""

    server_id: UUID
    server_name: str
    tools: list[Tool]
    prompts: list[CatalogueEntry]
    resources: list[CatalogueEntry]
    resource_templates: list[CatalogueEntry]
    last_checked_at: datetime | None


class ToolUpdate(InputStruct):
    """Enable or disable one tool, or set its alias (``null`` or ``""`` clears it)."""

    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    alias: Annotated[str, msgspec.Meta(max_length=256)] | msgspec.UnsetType | None = msgspec.UNSET


class ProbeReport(CamelizedBaseStruct):
    """Outcome of ``servers/test``: the catalogue, or the error and the last stderr lines."""

    ok: bool
    error: str | None
    stderr_tail: list[str]
    response_ms: float
    tools: list[dict[str, Any]]
    prompts: list[dict[str, Any]]
    resources: list[dict[str, Any]]
    resource_templates: list[dict[str, Any]]
    server_info: dict[str, Any]


class RefreshOutcome(CamelizedBaseStruct):
    """One server's result in ``servers/refresh`` (all servers)."""

    server_id: UUID
    server_name: str
    ok: bool
    tools_count: int
    error: str | None


class BudgetEntry(CamelizedBaseStruct):
    """The size of one endpoint's ``tools/list`` answer: bytes, estimated tokens, tool count."""

    bytes: int
    tokens: int
    tools: int


class ContextBudget(CamelizedBaseStruct):
    """What each endpoint's tool list costs a client's context window (from the cached catalogue)."""

    unified: Annotated[BudgetEntry, msgspec.Meta(description="Enabled tools of enabled servers, under unified names")]
    servers: Annotated[
        dict[str, BudgetEntry], msgspec.Meta(description="Per server endpoint (by name): its enabled tools")
    ]


class ToolList(CamelizedBaseStruct):
    """The project's tools (filtered as asked) and the context budget of every endpoint (never filtered)."""

    items: list[Tool]
    context_budget: ContextBudget
