"""Context budget: how big each endpoint's ``tools/list`` answer is, from the cached catalogue.

``bytes`` is the UTF-8 length of the ``tools/list`` result (``{"tools": [...]}``) as compact JSON,
with the tool objects as the servers sent them; the JSON-RPC envelope adds a few dozen bytes more.
``tokens`` is an estimate: ``ceil(bytes / 4)``, the usual rule of thumb for English text and JSON
(real tokenizers differ by model, typically within ±25 %).

A server's endpoint lists its enabled tools. The unified endpoint lists the enabled tools of the
enabled servers under their unified names (:func:`backend.mcp.proxy.naming.unified_name`), servers
in name order, the first server winning a name clash, as the gateway does. A tool with an alias is
listed under it on both (:func:`backend.mcp.proxy.naming.exposed_tool_name`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from backend.db import models as m
from backend.domain.servers import tool_schemas as ts
from backend.mcp.proxy.naming import MAX_LENGTH, exposed_tool_name, unified_name

BYTES_PER_TOKEN = 4


def estimate_tokens(size: int) -> int:
    """Estimated tokens for ``size`` bytes of JSON: ``ceil(size / 4)``."""
    return -(-size // BYTES_PER_TOKEN)


def json_size(value: Any) -> int:
    """UTF-8 length of ``value`` as compact JSON (what the endpoints send)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def budget_of(tools: list[dict[str, Any]]) -> ts.BudgetEntry:
    """The budget of a ``tools/list`` result holding ``tools``."""
    size = json_size({"tools": tools})
    return ts.BudgetEntry(bytes=size, tokens=estimate_tokens(size), tools=len(tools))


def definition_of(item: m.CatalogueItem) -> dict[str, Any]:
    """A cached tool as its server's endpoint lists it (under its alias when it has one)."""
    definition = dict(item.definition) if item.definition else {"name": item.name, "inputSchema": item.input_schema}
    return {**definition, "name": item.alias} if item.alias else definition


def context_budget(
    servers: Iterable[m.Server], tools: Iterable[tuple[m.CatalogueItem, m.Server]], name_budget: int = MAX_LENGTH
) -> ts.ContextBudget:
    """The budget of every server endpoint and of the unified endpoint.

    Args:
        servers: The project's servers (every one gets an entry, an empty list when it has no tools).
        tools: The project's cached tools with their server, as :meth:`CatalogueService.tools` returns.
    """
    per_server: dict[str, list[dict[str, Any]]] = {row.name: [] for row in sorted(servers, key=lambda r: r.name)}
    unified: dict[str, dict[str, Any]] = {}
    ordered = sorted(tools, key=lambda pair: (pair[1].name, pair[0].name))
    aliases: dict[UUID, dict[str, str]] = defaultdict(dict)
    for item, row in ordered:
        if item.alias:
            aliases[row.id][item.name] = item.alias
    for item, row in ordered:
        offered = exposed_tool_name(item.name, aliases[row.id])
        if not item.enabled or offered is None:
            continue
        definition = definition_of(item)
        per_server.setdefault(row.name, []).append(definition)
        if row.enabled:
            exposed = unified_name(row.name, offered, name_budget)
            unified.setdefault(exposed, {**definition, "name": exposed})
    return ts.ContextBudget(
        unified=budget_of(list(unified.values())),
        servers={name: budget_of(items) for name, items in per_server.items()},
    )
