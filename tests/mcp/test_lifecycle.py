"""Upstream lifecycle: crash → backoff → restart, crash loop → error, start timeout, idle stop, config changes."""

from __future__ import annotations

import dataclasses
import os
import signal

import anyio
import psutil
import pytest

from backend.mcp.gateway import Gateway
from backend.mcp.types import UpstreamUnavailableError
from tests.mcp.conftest import fast_settings
from tests.mcp.helpers import RecordingEvents, eventually, gone, json_of, sandboxed_process, stdio_spec, text_of
from tests.mcp_servers import SERVERS


def _running_with_new_pid(gateway: Gateway, server_id: object, old_pid: int | None) -> bool:
    status = gateway.status(server_id)  # type: ignore[arg-type]
    return status.state == "running" and status.pid is not None and status.pid != old_pid


async def test_crash_is_restarted_with_backoff_as_a_new_process(gateway: Gateway, events: RecordingEvents) -> None:
    spec = stdio_spec("crash")
    gateway.configure(spec)
    first_id = text_of(await gateway.call_tool(spec.server_id, "pid", {}))
    first_pid = gateway.status(spec.server_id).pid

    with pytest.raises(UpstreamUnavailableError, match="process exited with code 5"):
        await gateway.call_tool(spec.server_id, "crash", {"code": 5})

    await eventually(lambda: _running_with_new_pid(gateway, spec.server_id, first_pid), 15, "restart")
    status = gateway.status(spec.server_id)
    assert status.restarts == 1
    assert "crashed: process exited with code 5" in (status.last_error or "")
    assert "exiting on request" in (status.last_error or "")
    assert gone(first_pid)
    assert events.states(spec.server_id)[-3:] == ["backoff", "starting", "running"]
    assert any(line.startswith("restarting in") for line in events.lines(spec.server_id, "lifecycle"))
    assert text_of(await gateway.call_tool(spec.server_id, "pid", {})) != first_id
    assert sandboxed_process(status.pid).is_running()


async def test_crash_loop_ends_in_error_with_the_stderr_tail(events: RecordingEvents) -> None:
    settings = dataclasses.replace(fast_settings(), crash_loop_limit=2)
    spec = stdio_spec("crash", "--at-start")
    async with Gateway(settings, events) as gateway:
        gateway.configure(spec)
        with pytest.raises(UpstreamUnavailableError, match="process exited with code 2 during the MCP handshake"):
            await gateway.call_tool(spec.server_id, "echo", {})
        await eventually(lambda: gateway.status(spec.server_id).state == "error", 15, "crash-loop cut-off")

        status = gateway.status(spec.server_id)
        assert status.last_error is not None
        assert status.last_error.startswith("crash loop: 2 failures")
        assert "fatal configuration error, exiting at start" in status.last_error
        assert "crash server: fatal configuration error, exiting at start" in status.stderr_tail
        # No more restarts: calls fail at once with the reason.
        with anyio.fail_after(1):
            with pytest.raises(UpstreamUnavailableError, match="crash loop"):
                await gateway.call_tool(spec.server_id, "echo", {})
        assert gateway.running() == []
        # Fixing the configuration re-arms it.
        fixed = dataclasses.replace(spec, args=spec.args[:1])
        gateway.configure(fixed)
        assert json_of(await gateway.call_tool(spec.server_id, "echo", {"ok": True})) == {"ok": True}


async def test_upstreams_that_never_complete_the_handshake_fail_within_the_start_timeout(
    events: RecordingEvents,
) -> None:
    settings = dataclasses.replace(fast_settings(), start_timeout_seconds=1.5, crash_loop_limit=1)
    silent = stdio_spec("hang", "--no-handshake")
    noisy = stdio_spec("garbage", "--only-garbage")
    failures: dict[str, str] = {}

    async def call(spec: object) -> None:
        try:
            await gateway.call_tool(spec.server_id, "echo", {})  # type: ignore[attr-defined]
        except UpstreamUnavailableError as exc:
            failures[spec.name] = exc.message  # type: ignore[attr-defined]

    async with Gateway(settings, events) as gateway:
        gateway.configure(silent)
        gateway.configure(noisy)
        started = anyio.current_time()
        async with anyio.create_task_group() as tg:
            tg.start_soon(call, silent)
            tg.start_soon(call, noisy)
        elapsed = anyio.current_time() - started

    assert elapsed < 6
    for name in ("hang", "garbage"):
        assert "no answer to the MCP handshake within 1.5s" in failures[name]


async def test_garbage_lines_on_stdout_are_logged_and_skipped(gateway: Gateway, events: RecordingEvents) -> None:
    spec = stdio_spec("garbage")
    gateway.configure(spec)

    result = await gateway.call_tool(spec.server_id, "garbage", {"lines": 5})

    assert text_of(result) == "ok after garbage"
    assert json_of(await gateway.call_tool(spec.server_id, "echo", {"after": 1})) == {"after": 1}
    noise = events.lines(spec.server_id, "stdout")
    assert sum("this is not json" in line for line in noise) == 2
    assert any("{broken json" in line for line in noise)
    assert gateway.status(spec.server_id).state == "running"


async def test_idle_upstream_stops_and_starts_again_on_next_use(events: RecordingEvents) -> None:
    # Pings (the gateway's own traffic) must not count as use.
    settings = dataclasses.replace(fast_settings(), idle_stop_seconds=0.8, ping_interval_seconds=0.2)
    spec = stdio_spec("echo")
    async with Gateway(settings, events) as gateway:
        gateway.configure(spec)
        first_pid = int(text_of(await gateway.call_tool(spec.server_id, "pid", {})))

        await eventually(lambda: gateway.status(spec.server_id).state == "stopped", 10, "idle stop")
        assert "stopped (idle)" in events.lines(spec.server_id, "lifecycle")
        assert gateway.running() == []

        second_pid = int(text_of(await gateway.call_tool(spec.server_id, "pid", {})))
        assert second_pid != first_pid


async def test_changed_configuration_restarts_and_same_fingerprint_does_not(
    gateway: Gateway, events: RecordingEvents
) -> None:
    spec = stdio_spec("env_dump", env=(("GREETING", "one"),))
    gateway.configure(spec)
    assert json_of(await gateway.call_tool(spec.server_id, "get_env", {"name": "GREETING"})) == {"value": "one"}
    first_pid = gateway.status(spec.server_id).pid

    gateway.configure(dataclasses.replace(spec, disabled_tools=frozenset({"env_keys"}), timeout_seconds=5))
    assert gateway.status(spec.server_id).pid == first_pid

    gateway.configure(dataclasses.replace(spec, env=(("GREETING", "two"),)))
    # The very next call already reaches the new process (it waits for the restart).
    assert json_of(await gateway.call_tool(spec.server_id, "get_env", {"name": "GREETING"})) == {"value": "two"}
    assert _running_with_new_pid(gateway, spec.server_id, first_pid)
    assert "configuration changed; restarting" in events.lines(spec.server_id, "lifecycle")
    assert first_pid is not None
    assert gone(first_pid)


async def test_calls_in_flight_finish_before_a_configuration_restart(gateway: Gateway) -> None:
    spec = stdio_spec("slow")
    gateway.configure(spec)
    first_pid = int(text_of(await gateway.call_tool(spec.server_id, "pid", {})))
    results: list[str] = []

    async def slow_call() -> None:
        results.append(text_of(await gateway.call_tool(spec.server_id, "sleep", {"seconds": 0.5})))

    async with anyio.create_task_group() as tg:
        tg.start_soon(slow_call)
        await anyio.sleep(0.1)
        gateway.configure(dataclasses.replace(spec, env=(("CHANGED", "1"),)))
        second_pid = int(text_of(await gateway.call_tool(spec.server_id, "pid", {})))

    assert results == ["slept 0.5s"]
    assert second_pid != first_pid


async def test_disable_stops_and_remove_stops_and_forgets(gateway: Gateway) -> None:
    spec = stdio_spec("echo")
    gateway.configure(spec)
    await gateway.call_tool(spec.server_id, "echo", {})
    pid = gateway.status(spec.server_id).pid
    assert pid is not None

    gateway.configure(dataclasses.replace(spec, enabled=False))
    await eventually(lambda: gateway.status(spec.server_id).state == "stopped", 10, "stop on disable")
    await eventually(lambda: gone(pid), 5, "process gone")
    with pytest.raises(UpstreamUnavailableError, match="disabled"):
        await gateway.call_tool(spec.server_id, "echo", {})

    gateway.configure(spec)
    await gateway.call_tool(spec.server_id, "echo", {})
    pid = gateway.status(spec.server_id).pid
    assert pid is not None
    await gateway.remove(spec.server_id)
    assert gone(pid)
    assert gateway.running() == []
    with pytest.raises(UpstreamUnavailableError, match="unknown server"):
        await gateway.call_tool(spec.server_id, "echo", {})


async def test_restart_replaces_the_process(gateway: Gateway) -> None:
    spec = stdio_spec("echo")
    gateway.configure(spec)
    await gateway.restart(spec.server_id)  # starts a stopped server
    first_pid = gateway.status(spec.server_id).pid

    await gateway.restart(spec.server_id)

    status = gateway.status(spec.server_id)
    assert status.state == "running"
    assert status.pid not in (None, first_pid)
    assert status.restarts == 1
    await gateway.stop(spec.server_id)
    assert gateway.status(spec.server_id).state == "stopped"


async def test_upstream_that_stops_answering_pings_is_replaced(events: RecordingEvents) -> None:
    settings = dataclasses.replace(fast_settings(), ping_interval_seconds=0.3, ping_timeout_seconds=0.5)
    spec = stdio_spec("echo")
    async with Gateway(settings, events) as gateway:
        gateway.configure(spec)
        await gateway.call_tool(spec.server_id, "echo", {})
        frozen = gateway.status(spec.server_id).pid
        assert frozen is not None
        os.kill(sandboxed_process(frozen).pid, signal.SIGSTOP)  # alive but unresponsive

        await eventually(lambda: _running_with_new_pid(gateway, spec.server_id, frozen), 15, "ping-driven restart")
        assert any("no answer to ping" in line for line in events.lines(spec.server_id, "lifecycle"))
        await eventually(lambda: gone(frozen), 5, "frozen process killed")


async def test_whole_process_group_is_reaped_even_when_the_leader_dies_first(gateway: Gateway) -> None:
    # The interpreter leaves a grandchild holding the pipes, then execs the server (which later crashes).
    crash = SERVERS / "crash.py"
    script = (
        "import os, subprocess, sys; subprocess.Popen(['sleep', '300']); "
        f"os.execv(sys.executable, [sys.executable, {str(crash)!r}])"
    )
    spec = dataclasses.replace(stdio_spec("crash"), args=("-c", script))
    gateway.configure(spec)
    await gateway.call_tool(spec.server_id, "pid", {})
    leader = gateway.status(spec.server_id).pid
    assert leader is not None
    sleeper = next(p.pid for p in psutil.Process(leader).children(recursive=True) if p.name() == "sleep")

    with pytest.raises(UpstreamUnavailableError):
        await gateway.call_tool(spec.server_id, "crash", {"code": 1})

    # The crash is noticed although the sleeper keeps stdout open, and the sleeper dies with its group.
    await eventually(lambda: _running_with_new_pid(gateway, spec.server_id, leader), 15, "restart after crash")
    await eventually(lambda: gone(sleeper), 5, "grandchild reaped")
    second = gateway.status(spec.server_id).pid
    assert second is not None
    second_sleeper = next(p.pid for p in psutil.Process(second).children(recursive=True) if p.name() == "sleep")

    await gateway.stop(spec.server_id)

    assert gone(second)
    assert gone(second_sleeper)
