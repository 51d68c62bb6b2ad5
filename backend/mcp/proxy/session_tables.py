"""What one session sees of a view with ``per_session`` servers: its own upstreams' catalogues.

A ``per_session`` upstream is initialised with its client's capabilities, so it may list more or
fewer tools than the server-wide catalogue (server-everything adds tools for clients with sampling,
elicitation or roots), and its resources can be the session's own. A session's lists and routes are
therefore the view's tables rebuilt with that session's catalogues in place of the server-wide ones;
nothing of one session's catalogue reaches another session. Rebuilt only when the view's tables or
one of the session's catalogues changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import anyio

from backend.mcp.proxy.ports import ServerEntry, Upstreams
from backend.mcp.proxy.tables import Tables, build_tables
from backend.mcp.types import Catalogue, GatewayError

logger = logging.getLogger("mcp_orch.proxy")


@dataclass(frozen=True)
class _Built:
    base: Tables
    catalogues: tuple[Catalogue | None, ...]
    tables: Tables


class SessionTables:
    """Per-session tables of one view (keyed by the session key of its ``per_session`` upstreams)."""

    def __init__(self, upstreams: Upstreams, timeout: float, name_budget: int) -> None:
        self.upstreams = upstreams
        self.timeout = timeout
        self.name_budget = name_budget
        self._built: dict[str, _Built] = {}

    async def of(self, key: str | None, base: Tables, *, unified: bool) -> Tables:
        """The tables session ``key`` sees (``base`` when it has no per_session server)."""
        own = [member for member, _ in base.sources if member.isolation == "per_session"]
        if key is None or not own:
            return base
        catalogues = tuple([await self._catalogue(member, key) for member in own])
        built = self._built.get(key)
        if built is not None and built.base is base and _same(built.catalogues, catalogues):
            return built.tables
        mine = {member.server_id: catalogue for member, catalogue in zip(own, catalogues, strict=True)}
        sources = [(member, mine.get(member.server_id) or catalogue) for member, catalogue in base.sources]
        tables = build_tables(sources, list(base.down), unified=unified, name_budget=self.name_budget)
        self._built[key] = _Built(base, catalogues, tables)
        return tables

    def forget(self, key: str) -> None:
        """The session ended."""
        self._built.pop(key, None)

    async def _catalogue(self, member: ServerEntry, key: str) -> Catalogue | None:
        """The session's own catalogue of ``member``; None (the server-wide one stands) if it cannot start."""
        with anyio.move_on_after(self.timeout):
            try:
                return await self.upstreams.session_catalogue(member.server_id, key)
            except GatewayError as exc:
                logger.info("session catalogue unavailable", extra={"server": member.name, "reason": exc.message})
        return None


def _same(a: tuple[Catalogue | None, ...], b: tuple[Catalogue | None, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))
