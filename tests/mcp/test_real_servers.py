"""Real third-party servers, remote transports (SSE, Streamable HTTP with headers) and probes."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from uuid import uuid4

import anyio
import pytest

from backend.mcp.gateway import Gateway
from backend.mcp.types import UpstreamSpec, UpstreamUnavailableError
from tests.mcp.helpers import PROJECT, free_port, json_of, remote_server, stdio_spec, text_of

EVERYTHING = Path(__file__).resolve().parents[2] / "tools" / "node_modules" / ".bin" / "mcp-server-everything"


def _spec(name: str, **fields: object) -> UpstreamSpec:
    return UpstreamSpec(server_id=uuid4(), project_id=PROJECT, name=name, **fields)  # type: ignore[arg-type]


async def test_mcp_server_time_works_through_the_gateway(gateway: Gateway) -> None:
    spec = _spec("time", transport="stdio", command=sys.executable, args=("-m", "mcp_server_time"))
    gateway.configure(spec)

    catalogue = await gateway.catalogue(spec.server_id)
    result = await gateway.call_tool(spec.server_id, "get_current_time", {"timezone": "UTC"})

    assert {tool["name"] for tool in catalogue.tools} == {"get_current_time", "convert_time"}
    assert json_of(result)["timezone"] == "UTC"
    assert result.get("isError") is not True


@pytest.mark.skipif(not EVERYTHING.exists(), reason="tools/node_modules not installed")
async def test_server_everything_works_through_the_gateway(gateway: Gateway) -> None:
    spec = _spec("everything", transport="stdio", command=str(EVERYTHING), args=("stdio",))
    gateway.configure(spec)

    catalogue = await gateway.catalogue(spec.server_id)
    echoed = await gateway.call_tool(spec.server_id, "echo", {"message": "hi there"})
    total = await gateway.call_tool(spec.server_id, "get-sum", {"a": 2, "b": 3})
    image = await gateway.call_tool(spec.server_id, "get-tiny-image", {})
    prompt = await gateway.request(spec.server_id, "prompts/get", {"name": "simple-prompt"})
    template = catalogue.resource_templates[0]["uriTemplate"].replace("{resourceId}", "1")
    resource = await gateway.request(spec.server_id, "resources/read", {"uri": template})

    assert {"echo", "get-sum", "get-tiny-image"} <= {tool["name"] for tool in catalogue.tools}
    assert catalogue.prompts
    assert catalogue.resources
    assert "hi there" in text_of(echoed)
    assert "5" in text_of(total)
    assert any(block["type"] == "image" for block in image["content"])
    assert prompt["messages"]
    assert resource["contents"][0]["uri"] == template
    assert any("Starting" in line for line in gateway.status(spec.server_id).stderr_tail)


async def test_streamable_http_upstream_with_headers(gateway: Gateway) -> None:
    await _remote_upstream_with_headers(gateway, "streamable-http")


async def test_sse_upstream_with_headers(gateway: Gateway) -> None:
    await _remote_upstream_with_headers(gateway, "sse")


async def _remote_upstream_with_headers(gateway: Gateway, transport: str) -> None:
    headers = (("Authorization", "Bearer remote-secret"), ("X-Tenant", "t-1"))
    async with remote_server("echo", transport) as url:
        spec = _spec("remote", transport=transport, url=url, headers=headers)
        gateway.configure(spec)

        whoami = json_of(await gateway.call_tool(spec.server_id, "whoami", {}))
        echoed = json_of(await gateway.call_tool(spec.server_id, "echo", {"over": transport}))
        status = gateway.status(spec.server_id)
        await gateway.stop(spec.server_id)

    # The upstream received the header: it echoes it back, and the gateway scrubs the server's own
    # secret values out of results (the whole value matched, so it was sent unchanged).
    assert whoami["headers"]["authorization"] == "[redacted:Authorization]"
    assert whoami["headers"]["x-tenant"] == "t-1"  # under 4 characters: never scrubbed
    assert echoed == {"over": transport}
    assert status.state == "running"
    assert status.pid is None


async def test_probe_lists_a_catalogue_and_reports_failures_without_registering(gateway: Gateway) -> None:
    good = stdio_spec("echo")
    crashing = stdio_spec("crash", "--at-start")
    silent = stdio_spec("hang", "--no-handshake")
    unreachable = _spec("gone", transport="streamable-http", url=f"http://127.0.0.1:{free_port()}/mcp")
    results = {}

    async def probe(spec: UpstreamSpec, timeout: float) -> None:
        results[spec.name] = await gateway.probe(spec, timeout)

    async with anyio.create_task_group() as tg:
        tg.start_soon(probe, good, 15)
        tg.start_soon(probe, crashing, 15)
        tg.start_soon(probe, silent, 1.5)
        tg.start_soon(probe, unreachable, 5)

    ok = results["echo"]
    assert ok.ok
    assert ok.catalogue is not None
    assert "echo" in {tool["name"] for tool in ok.catalogue.tools}
    assert ok.error is None
    assert ok.response_ms > 0
    crashed = results["crash"]
    assert not crashed.ok
    assert "process exited with code 2" in (crashed.error or "")
    assert "crash server: fatal configuration error, exiting at start" in crashed.stderr_tail
    assert results["hang"].error == "no answer within 1.5s"
    assert not results["gone"].ok
    assert results["gone"].error
    # Probes never touch the registry.
    assert gateway.running() == []
    with pytest.raises(UpstreamUnavailableError, match="unknown server"):
        await gateway.call_tool(good.server_id, "echo", {})
    assert dataclasses.asdict(gateway.status(good.server_id))["state"] == "stopped"
