"""Server-to-client requests of a client's own upstreams reach that client, in both protocol eras.

A ``per_session`` or ``per_user`` upstream (the echo test server over stdio) asks its client for a
sampling completion, a form elicitation or its roots while a tool call runs. A handshake-era client
answers on its session; a 2026-07-28 client gets an ``input_required`` result carrying the upstream's
request and a ``requestState``, and its retry with the answer completes the call (the SDK client
drives those rounds itself; one test drives them by hand to check the wire shapes).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Literal

import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError

from backend.mcp.proxy.ports import credential_of
from backend.mcp.transport.homes import home_of
from tests.mcp.helpers import stdio_spec
from tests.mcp.replicas import KEY, KEYS, Router, replicas, url
from tests.mcp.test_fidelity import Mode, client

pytestmark = pytest.mark.anyio
Isolation = Literal["per_session", "per_user"]


async def _sample(context: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
    asked = params.messages[0].content
    said = asked.text if isinstance(asked, types.TextContent) else "?"
    return types.CreateMessageResult(role="assistant", content=types.TextContent(text=f"re: {said}"), model="m")


async def _elicit(context: Any, params: Any) -> types.ElicitResult:
    return types.ElicitResult(action="accept", content={"name": "Ada"})


async def _roots(context: Any) -> types.ListRootsResult:
    return types.ListRootsResult(roots=[types.Root(uri="file:///work/repo", name="repo")])


CALLBACKS = {"sampling_callback": _sample, "elicitation_callback": _elicit, "list_roots_callback": _roots}


@pytest.mark.parametrize("isolation", ["per_session", "per_user"])
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_sampling_elicitation_and_roots_reach_the_client_of_its_own_upstream(
    mode: Mode, isolation: Isolation
) -> None:
    async with replicas(1, [stdio_spec("echo", isolation=isolation)]) as group:
        router = Router(group)
        answers: dict[str, Any] = {}
        for server, tool in (("echo", "ask_client"), (None, "echo__ask_client")):
            async with client(router, url(group[0], server), mode, **CALLBACKS) as connected:
                for kind in ("sampling", "elicitation", "roots"):
                    result = await connected.call_tool(tool, {"kind": kind})
                    assert result.is_error is not True, (server, kind, result)
                    answers[f"{server}:{kind}"] = json.loads(result.content[0].text)
    for server in ("echo", None):
        assert answers[f"{server}:sampling"]["content"] == {"type": "text", "text": "re: hello?"}
        assert answers[f"{server}:elicitation"] == {"action": "accept", "content": {"name": "Ada"}}
        assert answers[f"{server}:roots"]["roots"] == [{"uri": "file:///work/repo", "name": "repo"}]


async def test_a_2026_client_gets_input_required_and_its_retry_with_the_state_completes_the_call() -> None:
    async with replicas(1, [stdio_spec("echo", isolation="per_session")]) as group:
        router = Router(group)
        async with client(router, url(group[0], "echo"), "auto", **CALLBACKS) as connected:
            session = connected.session
            first = await session.call_tool("ask_client", {"kind": "elicitation"}, allow_input_required=True)
            assert isinstance(first, types.InputRequiredResult), first
            assert first.request_state, "the round names the waiting call"
            [(ident, request)] = (first.input_requests or {}).items()
            assert request.method == "elicitation/create"
            assert request.params.message == "name?"  # type: ignore[union-attr]
            answer = types.ElicitResult(action="accept", content={"name": "Grace"})
            done = await session.call_tool(
                "ask_client",
                {"kind": "elicitation"},
                input_responses={ident: answer},
                request_state=first.request_state,
                allow_input_required=True,
            )
            assert isinstance(done, types.CallToolResult), done
            assert json.loads(done.content[0].text) == {"action": "accept", "content": {"name": "Grace"}}
            # The state was used up by the completed call; a made-up one is refused the same way.
            for state in (first.request_state, "made-up"):
                with pytest.raises(MCPError) as refused:
                    await session.call_tool(
                        "ask_client", {"kind": "elicitation"}, request_state=state, allow_input_required=True
                    )
                assert refused.value.code == types.INVALID_PARAMS


async def test_a_declined_request_and_a_shared_upstream_answer_as_the_upstream_would() -> None:
    async def decline(context: Any, params: Any) -> types.ElicitResult:
        return types.ElicitResult(action="decline")

    specs = [stdio_spec("echo", isolation="per_session"), replace(stdio_spec("echo"), name="shared")]
    async with replicas(1, specs) as group:
        router = Router(group)
        async with client(router, url(group[0], None), "auto", elicitation_callback=decline) as connected:
            declined = await connected.call_tool("echo__ask_client", {"kind": "elicitation"})
            assert json.loads(declined.content[0].text) == {"action": "decline"}
            # A shared upstream serves everyone: it was told no client capabilities and its request is refused.
            with pytest.raises(MCPError, match="need per_session or per_user isolation"):
                await connected.call_tool("shared__ask_client", {"kind": "elicitation"})


async def test_a_2026_retry_that_lands_on_another_replica_is_served_where_its_call_waits() -> None:
    async with replicas(2, [stdio_spec("echo", isolation="per_session")]) as group:
        router = Router(group)
        # The key's own upstream runs at its home replica: every first round there, every retry (it
        # carries a requestState) on the other one.
        ids = [r.relay.replica_id for r in group]
        home = ids.index(home_of(credential_of(KEYS[KEY], None), ids))
        router.choose = lambda request: 1 - home if b'"requestState"' in request.content else home
        answers: dict[str, Any] = {}
        for server, tool in (("echo", "ask_client"), (None, "echo__ask_client")):
            async with client(router, url(group[0], server), "auto", **CALLBACKS) as connected:
                for kind in ("sampling", "elicitation", "roots"):
                    result = await connected.call_tool(tool, {"kind": kind})
                    assert result.is_error is not True, (server, kind, result)
                    answers[f"{server}:{kind}"] = json.loads(result.content[0].text)
        assert [index for method, index in router.served if method == "POST"].count(1 - home) >= 6, router.served
        for server in ("echo", None):
            assert answers[f"{server}:sampling"]["content"] == {"type": "text", "text": "re: hello?"}
            assert answers[f"{server}:elicitation"] == {"action": "accept", "content": {"name": "Ada"}}
            assert answers[f"{server}:roots"]["roots"] == [{"uri": "file:///work/repo", "name": "repo"}]
        # The call's replica is gone: its retry elsewhere is refused like an unknown state.
        async with client(router, url(group[0], "echo"), "auto", **CALLBACKS) as connected:
            first = await connected.session.call_tool("ask_client", {"kind": "roots"}, allow_input_required=True)
            assert isinstance(first, types.InputRequiredResult), first
            # Stop the replica the call waits on (the key's home: either one), and send everything to the other.
            owner = next(i for i, r in enumerate(group) if str(first.request_state).startswith(r.relay.replica_id))
            await group[owner].stop()
            router.choose = lambda request: 1 - owner
            with pytest.raises(MCPError) as refused:
                await connected.session.call_tool(
                    "ask_client",
                    {"kind": "roots"},
                    input_responses={i: await _roots(None) for i in first.input_requests or {}},
                    request_state=first.request_state,
                    allow_input_required=True,
                )
            assert refused.value.code == types.INVALID_PARAMS
