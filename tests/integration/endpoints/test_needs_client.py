"""A shared server whose tools ask their client for something is flagged for the UI.

A shared upstream runs once for everyone in the project and is told no client capabilities: when
its tool asks for sampling anyway, the request is refused, and the server's REST view lists what it
asked for (``askedClient``), which the server page turns into a suggestion to switch the isolation
mode. The flag is kept on the server's row, so every replica's API shows it. Once switched, the flag
is gone and the same tool reaches the client.
"""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError
from sqlalchemy import select

from backend.db import models as m
from backend.lib.context import AppContext
from tests.integration.endpoints._support import Live, connect, echo_body, eventually, make_world, texts

pytestmark = pytest.mark.anyio


async def _sample(context: Any, params: Any) -> types.CreateMessageResult:
    return types.CreateMessageResult(role="assistant", content=types.TextContent(text="hi"), model="m")


async def test_a_shared_server_that_asks_its_client_is_flagged_until_its_mode_lets_it_ask(live: Live) -> None:
    world = await make_world(live, echo_body())
    api, server = live.api.client, f"/api/projects/{world.slug}/servers/echo"
    r = await api.get(server, headers=world.owner.headers)
    assert r.json()["askedClient"] == []
    async with connect(world.url("echo"), world.headers(), sampling_callback=_sample) as client:
        with pytest.raises(MCPError, match="need per_session or per_user isolation"):
            await client.call_tool("ask_client", {"kind": "sampling"})
    r = await api.get(server, headers=world.owner.headers)
    assert r.json()["askedClient"] == ["sampling/createMessage"]
    ctx: AppContext = live.app.state.ctx

    async def stored() -> list[str] | None:  # what another replica's API reads
        async with ctx.alchemy.get_session() as session:
            row = (await session.execute(select(m.Server.asked_client).where(m.Server.name == "echo"))).all()
        asked = [a for (a,) in row if a]
        return asked[0] if asked else None

    assert await eventually(stored, timeout=10) == ["sampling/createMessage"]

    r = await api.patch(server, json={"isolation": "per_session"}, headers=world.owner.headers)
    assert r.status_code == 200, r.text

    async def unflagged() -> bool:
        return (await api.get(server, headers=world.owner.headers)).json()["askedClient"] == []

    await eventually(unflagged, timeout=15)  # once the gateway runs the server in its new mode
    assert await stored() is None
    async with connect(world.url("echo"), world.headers(), sampling_callback=_sample) as client:
        answer = json.loads(texts(await client.call_tool("ask_client", {"kind": "sampling"}))[0])
    assert answer["content"] == {"type": "text", "text": "hi"}
