"""Cache hints on results (2026-07-28: ``ttlMs`` and ``cacheScope``, SEP-2549).

A 2026-07-28 client may reuse a list result for ``ttlMs`` milliseconds; ``cacheScope`` says whether
a cache may serve it to another credential (``public``) or only to the one that asked (``private``).
The gateway's lists are its own (disabled tools left out, aliases, unified prefixes), so it decides:

- **public, one minute** (:data:`LIST_TTL_MS`) when every caller of the endpoint gets the same list:
  the servers behind it are ``shared`` and, on the unified endpoint, the key is not limited to some
  servers. Changes (an upstream's ``list_changed``, a tool disabled or renamed) are announced on
  ``subscriptions/listen`` meanwhile, and calls are checked at call time, whatever a client cached.
- **private, one minute** on the unified endpoint for a key limited to some servers: its list leaves
  the others out, so it is that key's alone.
- **private, immediately stale** (``ttlMs: 0``) when a ``per_session`` or ``per_user`` server is
  behind the endpoint: the list comes from the caller's own upstream, which may change it at any time.
- **immediately stale** as well while a server of the endpoint is down: the list lacks its items and
  changes when it is back.

The order of every list is deterministic: a server's endpoint keeps its upstream's order, the
unified endpoint lists servers in name order, each in its upstream's order (see :mod:`paging`).
``resources/read`` (and everything else the SDK fills) stays private and immediately stale: a
resource can be a session's own.
"""

from __future__ import annotations

from typing import Any

from mcp.server.caching import CacheableMethod, CacheHint

from backend.mcp.proxy.model import ViewKey
from backend.mcp.proxy.tables import Tables

LIST_TTL_MS = 60_000

# The SDK's fallback for results whose handler set no hint of its own.
_CACHED: tuple[CacheableMethod, ...] = (
    "tools/list",
    "prompts/list",
    "resources/list",
    "resources/templates/list",
    "resources/read",
)
FALLBACK_HINTS: dict[CacheableMethod, CacheHint] = {method: CacheHint(ttl_ms=0, scope="private") for method in _CACHED}


def list_hint(key: ViewKey, tables: Tables) -> dict[str, Any]:
    """``ttlMs`` and ``cacheScope`` for a list result of the view ``key`` computed from ``tables``."""
    own_upstream = any(member.isolation != "shared" for member, _ in tables.sources)
    scoped = key.unified and key.scope is not None
    ttl = 0 if own_upstream or tables.down else LIST_TTL_MS
    return {"ttlMs": ttl, "cacheScope": "private" if own_upstream or scoped else "public"}
