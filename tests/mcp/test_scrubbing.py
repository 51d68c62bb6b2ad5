"""The gateway scrubs a server's own secrets and the instance's keys from everything its upstream says,
and rate-limits each server's log lines without losing another server's."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from uuid import uuid4

import anyio
import pytest

from backend.lib.settings import GatewaySettings
from backend.mcp.gateway import Gateway
from backend.mcp.scrub import InstanceSecrets
from backend.mcp.types import UpstreamRPCError, UpstreamUnavailableError
from tests.mcp.conftest import fast_settings
from tests.mcp.helpers import RecordingEvents, eventually, json_of, stdio_spec, text_of

SECRET = "leak-7d1e4b9a-value"
JWT = "jwt-signing-" + "k" * 40
MARK = "[redacted:LEAK_VAR]"


@pytest.fixture
async def scrubbing_gateway(no_orphans: None, events: RecordingEvents) -> AsyncIterator[Gateway]:
    async with Gateway(fast_settings(), events, instance_secrets=InstanceSecrets(jwt_secret=JWT)) as gw:
        yield gw


def _everything(events: RecordingEvents) -> str:
    return json.dumps([list(map(str, row)) for row in events.logs])


async def test_results_errors_stderr_and_mcp_logs_carry_the_name_not_the_value(
    scrubbing_gateway: Gateway, events: RecordingEvents
) -> None:
    gateway = scrubbing_gateway
    spec = stdio_spec("leaky", env=(("LEAK_VAR", SECRET),))
    gateway.configure(spec)

    assert json_of(await gateway.call_tool(spec.server_id, "reveal", {"name": "LEAK_VAR"})) == {"value": MARK}
    broken = await gateway.call_tool(spec.server_id, "broken", {"name": "LEAK_VAR"})
    assert text_of(broken) == f"cannot use {MARK}"
    with pytest.raises(UpstreamRPCError) as raised:
        await gateway.call_tool(spec.server_id, "fail", {"name": "LEAK_VAR"})
    assert raised.value.message == f"upstream refused key {MARK}"
    assert str(raised.value) == raised.value.message
    assert raised.value.data == {"key": MARK}

    await eventually(lambda: any(MARK in line for line in events.lines(spec.server_id, "mcp-log")), what="mcp log")
    stderr = events.lines(spec.server_id, "stderr")
    assert f"starting with {MARK}" in stderr
    assert f"revealing {MARK}" in stderr
    assert SECRET not in _everything(events)
    tail = gateway.status(spec.server_id).stderr_tail
    assert f"starting with {MARK}" in tail
    assert SECRET not in "".join(tail)


async def test_instance_keys_are_scrubbed_from_any_server(scrubbing_gateway: Gateway) -> None:
    spec = stdio_spec("echo")
    scrubbing_gateway.configure(spec)
    echoed = json_of(await scrubbing_gateway.call_tool(spec.server_id, "echo", {"found": f"key={JWT};"}))
    assert echoed == {"found": "key=[redacted:instance:jwt];"}


async def test_last_error_and_a_test_run_are_scrubbed(scrubbing_gateway: Gateway) -> None:
    spec = stdio_spec("leaky", "--crash-at-start", env=(("LEAK_VAR", SECRET),))
    scrubbing_gateway.configure(spec)
    with pytest.raises(UpstreamUnavailableError) as raised:
        await scrubbing_gateway.call_tool(spec.server_id, "reveal", {})
    status = scrubbing_gateway.status(spec.server_id)
    assert status.last_error is not None
    assert f"starting with {MARK}" in status.last_error
    assert SECRET not in status.last_error + raised.value.message

    probe = await scrubbing_gateway.probe(dataclasses.replace(spec, server_id=uuid4()), 10)
    assert not probe.ok
    assert f"starting with {MARK}" in probe.stderr_tail
    assert SECRET not in "".join(probe.stderr_tail) + str(probe.error)


async def test_a_flooding_server_is_rate_limited_with_a_marker_and_others_keep_logging(no_orphans: None) -> None:
    events = RecordingEvents()
    settings = dataclasses.replace(fast_settings(), server_log_rate=20.0, server_log_burst=20)
    async with Gateway(settings, events) as gateway:
        flood = stdio_spec("chatty_stderr")
        quiet = stdio_spec("leaky", project_id=uuid4(), env=(("LEAK_VAR", SECRET),))
        gateway.configure(flood)
        gateway.configure(quiet)
        with anyio.fail_after(60):
            await gateway.call_tool(flood.server_id, "spam", {"kb": 100})  # 1024 lines at once
            await gateway.call_tool(quiet.server_id, "reveal", {})

        assert gateway.log_lines_dropped > 900
        assert len(events.lines(flood.server_id, "stderr")) <= 40
        tail = gateway.status(flood.server_id).stderr_tail
        assert tail[-1].startswith("00001023 chatty"), "the tail still sees every line"
        assert f"revealing {MARK}" in events.lines(quiet.server_id, "stderr"), "the other server still logs"

        def marker() -> list[str]:
            return [line for line in events.lines(flood.server_id, "lifecycle") if "lines dropped" in line]

        await eventually(lambda: bool(marker()), 5, "the dropped-lines marker")
        dropped = sum(int(line.split()[0]) for line in marker())
        assert dropped == gateway.log_lines_dropped
        assert not [line for line in events.lines(quiet.server_id, "lifecycle") if "dropped" in line]


def test_log_rate_settings_default_to_50_per_second_with_bursts_of_200() -> None:
    settings = GatewaySettings()
    assert (settings.server_log_rate, settings.server_log_burst) == (50.0, 200)
