"""Pages of a view's lists (``tools/list``, ``prompts/list``, ``resources/list``, ``resources/templates/list``).

The gateway answers lists from its cached catalogue, after its own changes (disabled tools left out,
aliases, unified prefixes), so every page already reflects them. Page sizes:

- a server's endpoint pages like its upstream: the upstream's own page size when it paged (the
  length of its first page), the whole list at once when it did not;
- the unified endpoint pages the merged list (servers in name order, each in its upstream's order)
  with the smallest page size among its servers, or :data:`DEFAULT_PAGE_SIZE` when none paged.

A cursor is opaque to clients: base64url of a small JSON object with a version, the offset of the
next item and a digest of the list it was cut from. A cursor this gateway did not issue, or one cut
from a list that has changed since (a ``list_changed`` was announced), is refused with -32602
(Invalid params), as the MCP spec asks; the client lists again from the start. Any replica serving
the same catalogue accepts a cursor another one issued. A cursor is only issued when items remain.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any, Literal

from backend.mcp.proxy import errors
from backend.mcp.proxy.tables import Tables

ListKind = Literal["tools", "prompts", "resources", "resourceTemplates"]

DEFAULT_PAGE_SIZE = 100  # the unified endpoint's page when none of its servers pages
CURSOR_VERSION = 1
_DIGEST_CHARS = 16
_DIGESTS_KEPT = 64

# id(list) -> (the list itself, its digest): a snapshot's lists are immutable and reused by every request.
_digests: dict[int, tuple[tuple[dict[str, Any], ...], str]] = {}


def list_page(tables: Tables, kind: ListKind, cursor: object, *, unified: bool) -> dict[str, Any]:
    """One page of ``kind`` as a list result (``nextCursor`` when more remains).

    Raises:
        MCPError: -32602 for a cursor that is not this gateway's or belongs to a list that changed.
    """
    items = _items(tables, kind)
    digest = _digest(items)
    start = 0 if cursor is None or cursor == "" else _offset(cursor, digest, len(items))
    size = page_size(tables, kind, unified=unified)
    end = len(items) if size is None else min(start + size, len(items))
    result: dict[str, Any] = {kind: list(items[start:end])}
    if end < len(items):
        result["nextCursor"] = encode_cursor(end, digest)
    return result


def page_size(tables: Tables, kind: ListKind, *, unified: bool) -> int | None:
    """How many items a page of ``kind`` holds (None: the whole list)."""
    sizes = [size for _, catalogue in tables.sources if (size := catalogue.page_sizes.get(kind)) and size > 0]
    if not unified:
        return sizes[0] if sizes else None
    return min(sizes) if sizes else DEFAULT_PAGE_SIZE


def encode_cursor(offset: int, digest: str) -> str:
    """The opaque cursor for the item at ``offset`` of the list with ``digest``."""
    return encode_opaque({"v": CURSOR_VERSION, "o": offset, "d": digest})


def encode_opaque(data: dict[str, Any]) -> str:
    """A cursor carrying ``data``: base64url of its compact JSON, unpadded."""
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_opaque(cursor: object, max_length: int = 256) -> dict[str, Any]:
    """What :func:`encode_opaque` put in ``cursor``; -32602 for anything else (or a longer string)."""
    if not isinstance(cursor, str) or len(cursor) > max_length:
        raise errors.invalid_cursor()
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise errors.invalid_cursor() from None
    if not isinstance(data, dict):
        raise errors.invalid_cursor()
    return data


def _offset(cursor: object, digest: str, length: int) -> int:
    """Where the page of ``cursor`` starts; refuses forged, foreign and stale cursors."""
    data = decode_opaque(cursor)
    if data.get("v") != CURSOR_VERSION or data.get("d") != digest:
        raise errors.invalid_cursor()
    offset = data.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 < offset < length:
        raise errors.invalid_cursor()
    return offset


def _items(tables: Tables, kind: ListKind) -> tuple[dict[str, Any], ...]:
    if kind == "tools":
        return tables.tools
    if kind == "prompts":
        return tables.prompts
    if kind == "resources":
        return tables.resources
    return tables.templates


def _digest(items: tuple[dict[str, Any], ...]) -> str:
    """A short fingerprint of a list as served (computed once per snapshot list)."""
    known = _digests.get(id(items))
    if known is not None and known[0] is items:
        return known[1]
    material = json.dumps(items, sort_keys=True, default=str).encode()
    digest = hashlib.sha256(material).hexdigest()[:_DIGEST_CHARS]
    if len(_digests) >= _DIGESTS_KEPT:
        _digests.pop(next(iter(_digests)))
    _digests[id(items)] = (items, digest)
    return digest
