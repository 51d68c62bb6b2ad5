"""The application's request class: JSON bodies are checked for nesting depth before decoding.

msgspec decodes recursively; a body nested a thousand levels deep raises ``RecursionError``, which
would surface as a 500 (even on the unauthenticated login route). No API input needs more than a
few levels, so anything past :data:`MAX_JSON_DEPTH` is refused with a 400 before it is decoded.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def nesting_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text ``body`` nests arrays/objects deeper than ``limit``.

    Brackets inside strings do not count. Each pass removes the innermost empty pairs, so a
    document of depth ``d`` empties in ``d`` passes; invalid nesting is left to the decoder.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return False
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(brackets):
            return False  # not well nested: the decoder reports it
        brackets = shorter
    return bool(brackets)


class AppRequest(Request[Any, Any, Any]):
    """A Litestar request whose JSON body may not nest deeper than :data:`MAX_JSON_DEPTH`."""

    async def json(self) -> Any:
        """Decode the JSON body after the depth check (400 when it is nested too deeply)."""
        if nesting_exceeds(await self.body()):
            raise ClientException(f"JSON body is nested more than {MAX_JSON_DEPTH} levels deep")
        return await super().json()
