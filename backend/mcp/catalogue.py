"""Listing what an upstream offers: tools, prompts, resources, resource templates (only what it advertises)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import mcp_types as types

from backend.mcp.types import Catalogue, UpstreamRPCError

# A broken upstream could hand out cursors forever.
MAX_PAGES = 100


class RawRequest(Protocol):
    """``Upstream.request`` as far as listing needs it."""

    def __call__(
        self,
        method: str,
        params: dict[str, Any] | None,
        *,
        timeout: float,
    ) -> Awaitable[dict[str, Any]]:
        """Send one request, return its raw result."""


async def list_catalogue(
    request: RawRequest,
    init: types.InitializeResult,
    *,
    seconds: float,
    on_warning: Callable[[str], None],
) -> Catalogue:
    """List every advertised kind, following pagination.

    A kind whose list request fails with a JSON-RPC error is reported through ``on_warning`` and
    left empty; timeouts and lost connections propagate (the upstream is not usable).
    """
    caps = init.capabilities
    page_sizes: dict[str, int] = {}

    async def kind(advertised: object, method: str, key: str) -> tuple[dict[str, Any], ...]:
        if advertised is None:
            return ()
        try:
            items, page_size = await _list_all(request, method, key, seconds)
        except UpstreamRPCError as exc:
            on_warning(f"{method} failed: {exc.message} (code {exc.code})")
            return ()
        if page_size is not None:
            page_sizes[key] = page_size
        return items

    tools = await kind(caps.tools, "tools/list", "tools")
    prompts = await kind(caps.prompts, "prompts/list", "prompts")
    resources = await kind(caps.resources, "resources/list", "resources")
    templates = await kind(caps.resources, "resources/templates/list", "resourceTemplates")
    return Catalogue(
        tools=tools,
        prompts=prompts,
        resources=resources,
        resource_templates=templates,
        capabilities=caps.model_dump(by_alias=True, mode="json", exclude_none=True),
        server_info=init.server_info.model_dump(by_alias=True, mode="json", exclude_none=True),
        instructions=init.instructions,
        page_sizes=page_sizes,
    )


async def _list_all(
    request: RawRequest, method: str, key: str, seconds: float
) -> tuple[tuple[dict[str, Any], ...], int | None]:
    """Every item of one list, and the upstream's page size: the length of its first page when it
    handed out a ``nextCursor`` (None: it answered the whole list at once)."""
    items: list[dict[str, Any]] = []
    page_size: int | None = None
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = await request(method, {"cursor": cursor} if cursor else None, timeout=seconds)
        items.extend(item for item in page.get(key) or () if isinstance(item, dict))
        next_cursor = page.get("nextCursor")
        cursor = next_cursor if isinstance(next_cursor, str) and next_cursor else None
        if cursor is None:
            break
        if page_size is None and items:
            page_size = len(items)
    return tuple(items), page_size
