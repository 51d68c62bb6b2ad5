"""``GET /metrics``: Prometheus exposition of HTTP, tool-call, upstream, call-log and job metrics."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.testing import transport as litestar_transport
from prometheus_client.parser import text_string_to_metric_families

from backend.lib.context import AppContext
from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration.servers._support import PYTHON, call, create_server, echo_body

TOKEN = "metrics-token-" + "y" * 24


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings plus an allowlist that contains this interpreter (for the echo server)."""
    gateway = dataclasses.replace(settings.gateway, allowed_commands=[*settings.gateway.allowed_commands, PYTHON])
    return dataclasses.replace(settings, gateway=gateway)


class _LoopbackTransport(litestar_transport.TestClientTransport[AsyncTestClient[Litestar]]):
    """The test client's transport, but the request comes from 127.0.0.1 instead of ``testclient``."""

    def parse_request(self, request: httpx.Request) -> dict[str, Any]:
        scope = super().parse_request(request)
        scope["client"] = ("127.0.0.1", 50123)
        return scope


def _loopback(client: AsyncTestClient[Litestar], headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    transport: Any = _LoopbackTransport(client=client)
    # Not entered as a context manager: the borrowed transport has no life of its own to manage.
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000", headers=headers)


@pytest.fixture
def local(client: AsyncTestClient[Litestar], app: Litestar) -> httpx.AsyncClient:
    """A loopback scraper of the running app with the instance's metrics token (same portal and loop as ``client``)."""
    ctx: AppContext = app.state.ctx
    return _loopback(client, {"Authorization": f"Bearer {ctx.metrics_token}"})


def _samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample by sample name (``_total``, ``_bucket``... included), parsed by the reference parser."""
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((dict(sample.labels), float(sample.value)))
    return found


def _value(samples: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    matching = [value for have, value in samples.get(name, []) if all(have.get(k) == v for k, v in labels.items())]
    assert matching, f"no {name} sample with {labels}: {samples.get(name)}"
    return sum(matching)


async def test_scrape_after_a_tool_call_reports_every_family(api: Api, app: Litestar, local: httpx.AsyncClient) -> None:
    admin = await api.user()
    project = await api.project(admin)
    slug = project["slug"]
    server = await create_server(api, admin, slug, echo_body("echo"))
    assert (await call(api, admin, slug, "echo", "echo", {"x": 1})).status_code == 200
    assert (await call(api, admin, slug, "echo", "fail")).status_code == 200
    r = await api.client.post(f"/api/projects/{slug}/servers/refresh", headers=admin.headers)
    assert r.status_code == 202, r.text

    r = await local.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    samples = _samples(r.text)

    route = "/api/projects/{project}/servers/{server}/tools/{tool}/call"
    calls = [labels for labels, _ in samples["mcp_orch_http_requests_total"] if labels["route"] == route]
    assert calls, sorted({labels["route"] for labels, _ in samples["mcp_orch_http_requests_total"]})
    assert _value(samples, "mcp_orch_http_requests_total", method="POST", route=route, status="200") == 2
    assert _value(samples, "mcp_orch_http_request_duration_seconds_count", route=route, status="200") == 2
    # Route templates, never raw paths (no slug or tool name leaks into the route label).
    assert not any(slug in labels["route"] for labels, _ in samples["mcp_orch_http_requests_total"])

    project_id = str(project["id"])
    ok = {"project": project_id, "server": "echo", "tool": "echo", "status": "success"}
    assert _value(samples, "mcp_orch_mcp_calls_total", **ok) == 1
    assert _value(samples, "mcp_orch_mcp_calls_total", project=project_id, tool="fail") == 1
    assert _value(samples, "mcp_orch_mcp_call_duration_seconds_count", project=project_id, tool="echo") == 1
    assert _value(samples, "mcp_orch_mcp_call_duration_seconds_bucket", tool="echo", le="+Inf") == 1

    assert _value(samples, "mcp_orch_upstreams_running") == 1
    assert _value(samples, "mcp_orch_upstream_restarts_total", server=str(server["id"])) == 0
    assert _value(samples, "mcp_orch_mcp_sessions", transport="streamable-http") == 0
    assert _value(samples, "mcp_orch_mcp_sessions", transport="sse") == 0
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/restart", headers=admin.headers)
    assert r.status_code == 200, r.text
    after = _samples((await local.get("/metrics")).text)
    assert _value(after, "mcp_orch_upstream_restarts_total", server=str(server["id"])) == 1
    assert "mcp_orch_call_log_pending" in samples
    assert _value(samples, "mcp_orch_call_log_dropped_total") == 0
    assert _value(samples, "mcp_orch_job_runs", job="check_server_health", status="queued") == 1


async def test_mcp_session_and_stream_are_counted_under_the_mount(
    api: Api, app: Litestar, local: httpx.AsyncClient
) -> None:
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    await create_server(api, admin, slug, echo_body("echo"))
    r = await api.client.post(f"/api/projects/{slug}/api-keys", json={"name": "metrics"}, headers=admin.headers)
    assert r.status_code == 201, r.text
    headers = {
        "Authorization": f"Bearer {r.json()['key']}",
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
    }
    init: dict[str, Any] = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    r = await local.post(f"/projects/{slug}/servers/echo/mcp", json=init, headers=headers)
    assert r.status_code == 200, r.text
    samples = _samples((await local.get("/metrics")).text)
    assert _value(samples, "mcp_orch_mcp_sessions", transport="streamable-http") == 1
    assert _value(samples, "mcp_orch_http_requests_total", method="POST", route="/projects", status="200") >= 1


async def test_loopback_needs_the_token_unless_an_administrator_allows_it(
    app: Litestar, client: AsyncTestClient[Litestar], data_dir: Path
) -> None:
    ctx: AppContext = app.state.ctx
    generated = (data_dir / "secrets" / "metrics.token").read_text().strip()
    assert ctx.metrics_token == generated, "without MCP_ORCH_METRICS_TOKEN a token is generated into the data folder"
    assert oct((data_dir / "secrets" / "metrics.token").stat().st_mode & 0o777) == "0o600"
    bare = _loopback(client)
    assert (await bare.get("/metrics")).status_code == 403, "loopback is not trusted by default"
    assert (await _loopback(client, {"Authorization": f"Bearer {generated}"}).get("/metrics")).status_code == 200
    ctx.settings = dataclasses.replace(
        ctx.settings, app=dataclasses.replace(ctx.settings.app, metrics_allow_loopback=True)
    )
    assert (await bare.get("/metrics")).status_code == 200, "opted in: loopback without the token"


async def test_non_local_client_needs_the_metrics_token(api: Api, app: Litestar) -> None:
    # The test client's host is "testclient": not loopback.
    ctx: AppContext = app.state.ctx
    ctx.settings = dataclasses.replace(
        ctx.settings, app=dataclasses.replace(ctx.settings.app, metrics_allow_loopback=True)
    )
    r = await api.client.get("/metrics")
    assert r.status_code == 403
    r = await api.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403, "a token other than the instance's is refused"
    ctx.metrics_token = TOKEN
    r = await api.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    assert "mcp_orch_http_requests_total" in r.text
    r = await api.client.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 403
    r = await api.client.get("/metrics")
    assert r.status_code == 403
