"""One shared upstream under load: concurrency without cross-talk, big results, floods of stderr."""

from __future__ import annotations

import anyio

from backend.mcp.gateway import Gateway
from backend.mcp.types import UpstreamRPCError
from tests.mcp.helpers import RecordingEvents, json_of, stdio_spec, text_of

Shared = tuple[Gateway, RecordingEvents]
ECHO = stdio_spec("echo")
HUGE = stdio_spec("huge")
CHATTY = stdio_spec("chatty_stderr", "--stderr-kb", "256")


async def test_200_concurrent_calls_each_get_their_own_reply(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    gateway.configure(ECHO)
    replies: dict[int, object] = {}

    async def call(number: int) -> None:
        arguments = {"n": number, "payload": f"request-{number}-" + "x" * (number % 17)}
        replies[number] = (arguments, json_of(await gateway.call_tool(ECHO.server_id, "echo", arguments)))

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            for number in range(200):
                tg.start_soon(call, number)

    mismatched = [n for n, (sent, got) in replies.items() if sent != got]  # type: ignore[misc]
    assert len(replies) == 200
    assert mismatched == []
    assert gateway.status(ECHO.server_id).restarts == 0


async def test_concurrent_errors_and_results_do_not_mix(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    gateway.configure(ECHO)
    outcomes: dict[int, object] = {}

    async def call(number: int) -> None:
        if number % 2:
            try:
                await gateway.call_tool(ECHO.server_id, "rpc_error", {"code": -33000 - number, "message": str(number)})
            except UpstreamRPCError as exc:
                outcomes[number] = (exc.code, exc.message)
        else:
            outcomes[number] = text_of(await gateway.call_tool(ECHO.server_id, "add", {"a": number, "b": 1}))

    async with anyio.create_task_group() as tg:
        for number in range(100):
            tg.start_soon(call, number)

    for number, outcome in outcomes.items():
        expected = (-33000 - number, str(number)) if number % 2 else str(number + 1)
        assert outcome == expected, number
    assert len(outcomes) == 100


async def test_5_mb_result_passes_through_intact(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    gateway.configure(HUGE)

    with anyio.fail_after(30):
        result = await gateway.call_tool(HUGE.server_id, "huge", {"size_mb": 5})

    body = text_of(result)
    assert len(body) == 5 * 1024 * 1024
    assert body.startswith("0123456789abcdef0123")
    assert body == ("0123456789abcdef" * (len(body) // 16 + 1))[: len(body)]


async def test_a_flood_of_stderr_does_not_stall_calls(shared_gateway: Shared) -> None:
    gateway, events = shared_gateway
    gateway.configure(CHATTY)
    echoes: list[object] = []

    async def echo(number: int) -> None:
        echoes.append(json_of(await gateway.call_tool(CHATTY.server_id, "echo", {"n": number})))

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            # 1 MiB of blocking stderr writes inside a call, while other calls go on.
            tg.start_soon(gateway.call_tool, CHATTY.server_id, "spam", {"kb": 1024})
            for number in range(20):
                tg.start_soon(echo, number)

    stderr = events.lines(CHATTY.server_id, "stderr")
    status = gateway.status(CHATTY.server_id)
    assert len(echoes) == 20
    # Every line is either logged or counted by the per-server rate limit: none lost silently.
    assert len(stderr) + gateway.log_lines_dropped == 256 * 1024 // 100 + 1024 * 1024 // 100
    assert len(status.stderr_tail) == 50  # bounded
    assert status.stderr_tail[-1].startswith(f"{1024 * 1024 // 100 - 1:08d} chatty"), "the tail sees every line"
