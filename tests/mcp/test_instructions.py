"""Server ``instructions`` reach the client as the upstream wrote them (clients put them in the model's prompt).

Real upstream processes (the SDK test servers ``echo`` and ``prompts_resources``, both with
instructions, and ``slow`` without), real SDK clients over Streamable HTTP, both protocol eras.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any, Literal

import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.mcp.helpers import stdio_spec
from tests.mcp.replicas import Router, replicas, url
from tests.mcp_servers.echo import INSTRUCTIONS as ECHO
from tests.mcp_servers.prompts_resources import INSTRUCTIONS as MEMO

pytestmark = pytest.mark.anyio

Mode = Literal["legacy", "auto"]


@asynccontextmanager
async def client(router: Router, target: str, mode: Mode) -> AsyncIterator[Client]:
    """An SDK client: ``legacy`` is the handshake era, ``auto`` the 2026-07-28 era."""
    async with (
        router.http() as http,
        Client(streamable_http_client(target, http_client=http), cache=None, mode=mode) as connected,
    ):
        yield connected


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_instructions_of_each_server_and_of_the_unified_endpoint(mode: Mode) -> None:
    specs = [stdio_spec("echo"), replace(stdio_spec("prompts_resources"), name="memo"), stdio_spec("slow")]
    async with replicas(1, specs) as group:
        router = Router(group)
        instructions: dict[str, Any] = {}
        for server in ("echo", "memo", "slow", None):
            async with client(router, url(group[0], server), mode) as connected:
                instructions[server or "unified"] = connected.instructions
    assert instructions["echo"] == ECHO
    assert instructions["memo"] == MEMO
    assert instructions["slow"] is None, "a server without instructions gets none invented"
    # Unified: each server's own text under its name (the prefix of its tools), in name order.
    assert instructions["unified"] == f"## echo\n\n{ECHO}\n\n## memo\n\n{MEMO}"
