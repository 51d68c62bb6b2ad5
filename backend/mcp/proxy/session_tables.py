"""What one caller sees of a view with ``per_session`` or ``per_user`` servers: its own upstreams' catalogues.

A ``per_session`` upstream is initialised with its client's capabilities, so it may list more or
fewer tools than the server-wide catalogue (server-everything adds tools for clients with sampling,
elicitation or roots), and its resources can be the session's own; a ``per_user`` upstream's lists
can be its credential's own in the same way. A caller's lists and routes are therefore the view's
tables rebuilt with its own upstreams' catalogues in place of the server-wide ones; nothing of one
session's (credential's) catalogue reaches another. Rebuilt only when the view's tables or one of
the caller's catalogues changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import anyio

from backend.mcp.proxy.ports import ServerEntry, Upstreams
from backend.mcp.proxy.tables import Tables, build_tables
from backend.mcp.types import Catalogue, GatewayError

logger = logging.getLogger("mcp_orch.proxy")

# Tables kept per view; the oldest go first (a credential's come back rebuilt on its next request).
MAX_BUILT = 1024


@dataclass(frozen=True)
class _Built:
    base: Tables
    catalogues: tuple[Catalogue | None, ...]
    tables: Tables


class SessionTables:
    """Per-caller tables of one view, keyed by the upstream keys of the caller's own upstreams."""

    def __init__(self, upstreams: Upstreams, timeout: float, name_budget: int) -> None:
        self.upstreams = upstreams
        self.timeout = timeout
        self.name_budget = name_budget
        self._built: dict[tuple[str, ...], _Built] = {}

    async def of(self, key_of: Callable[[ServerEntry], str | None], base: Tables, *, unified: bool) -> Tables:
        """The tables a caller sees: ``key_of`` names the caller's upstream of a server (None: the shared one).

        ``base`` when the caller has no upstream of its own.
        """
        own = [(member, key) for member, _ in base.sources if (key := key_of(member)) is not None]
        if not own:
            return base
        catalogues = tuple([await self._catalogue(member, key) for member, key in own])
        keys = tuple(key for _, key in own)
        built = self._built.get(keys)
        if built is not None and built.base is base and _same(built.catalogues, catalogues):
            return built.tables
        mine = {member.server_id: catalogue for (member, _), catalogue in zip(own, catalogues, strict=True)}
        sources = [(member, mine.get(member.server_id) or catalogue) for member, catalogue in base.sources]
        tables = build_tables(sources, list(base.down), unified=unified, name_budget=self.name_budget)
        self._built.pop(keys, None)
        self._built[keys] = _Built(base, catalogues, tables)
        while len(self._built) > MAX_BUILT:
            del self._built[next(iter(self._built))]
        return tables

    def forget(self, key: str) -> None:
        """The session (its upstream key) ended."""
        for keys in [keys for keys in self._built if key in keys]:
            del self._built[keys]

    async def _catalogue(self, member: ServerEntry, key: str) -> Catalogue | None:
        """The caller's own catalogue of ``member``; None (the server-wide one stands) if it cannot start."""
        with anyio.move_on_after(self.timeout):
            try:
                return await self.upstreams.session_catalogue(member.server_id, key)
            except GatewayError as exc:
                logger.info("own catalogue unavailable", extra={"server": member.name, "reason": exc.message})
        return None


def _same(a: tuple[Catalogue | None, ...], b: tuple[Catalogue | None, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
