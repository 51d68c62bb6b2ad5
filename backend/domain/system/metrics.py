"""Prometheus metrics: one :class:`Metrics` per app, with its own registry (never the global one).

Two kinds of values:

* events counted as they happen: HTTP requests (:class:`HttpMetricsMiddleware`) and tool calls
  (:meth:`Metrics.observe_call`, fed by the tool-call recorder, which sees every REST and MCP call);
* state read at scrape time by :class:`RuntimeCollector`: live MCP sessions, running upstreams and
  their restarts, the tool-call log buffer, dropped server-log lines, and job runs (counted in the
  database just before the scrape, see :meth:`Metrics.refresh_jobs`).
"""

from __future__ import annotations

import time
from collections import Counter as Tally
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from litestar.enums import ScopeType
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from backend.db import models as m

if TYPE_CHECKING:
    from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
    from litestar.types import ASGIApp, Message, Receive, Scope, Send
    from prometheus_client.metrics_core import Metric

    from backend.lib.runtime import Runtime
    from backend.mcp.types import CallRecord

PREFIX = "mcp_orch"

# Tool calls last from milliseconds to minutes; HTTP requests mostly well under a second.
CALL_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The app's registry and the metrics counted as events happen."""

    def __init__(self, alchemy: SQLAlchemyAsyncConfig) -> None:
        self.alchemy = alchemy
        # Job runs by (job, status), counted in the database just before each scrape.
        self.job_runs: dict[tuple[str, str], int] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_requests = Counter(
            f"{PREFIX}_http_requests",
            "HTTP requests by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_duration = Histogram(
            f"{PREFIX}_http_request_duration_seconds",
            "HTTP request latency (until the response ends; MCP streams last as long as the stream).",
            ["method", "route", "status"],
            buckets=HTTP_BUCKETS,
            registry=self.registry,
        )
        self.mcp_calls = Counter(
            f"{PREFIX}_mcp_calls",
            "Tool calls through the gateway (REST and MCP) by project id, server, tool and status.",
            ["project", "server", "tool", "status"],
            registry=self.registry,
        )
        self.mcp_duration = Histogram(
            f"{PREFIX}_mcp_call_duration_seconds",
            "Tool call latency by project id, server and tool.",
            ["project", "server", "tool"],
            buckets=CALL_BUCKETS,
            registry=self.registry,
        )

        # Labelled children by label values: ``labels()`` validates and locks on every use; the
        # children live as long as their metric does (none is ever removed), so they are looked up once.
        self._call_children: dict[tuple[Any, str, str, str], tuple[Any, Any]] = {}
        self._request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def track(self, runtime: Runtime) -> None:
        """Read the scrape-time metrics from ``runtime`` (the runtime that holds this registry)."""
        self.registry.register(RuntimeCollector(runtime))

    def observe_call(self, call: CallRecord) -> None:
        """Count one finished tool call (called by the recorder for every call; must stay cheap)."""
        key = (call.project_id, call.server_name or "", call.tool or "", call.status)
        children = self._call_children.get(key)
        if children is None:
            project, server, tool, status = str(key[0]), key[1], key[2], key[3]
            children = (
                self.mcp_calls.labels(project, server, tool, status),
                self.mcp_duration.labels(project, server, tool),
            )
            self._call_children[key] = children
        children[0].inc()
        children[1].observe(max(0.0, float(call.duration_ms)) / 1000)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished HTTP request (on every request, MCP calls included: must stay cheap)."""
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            labels = (method, route, str(status))
            children = (self.http_requests.labels(*labels), self.http_duration.labels(*labels))
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    async def refresh_jobs(self) -> None:
        """Count ``job_run`` rows by job and status for the next scrape (the table is shared by all workers)."""
        query = select(m.JobRun.job, m.JobRun.status, func.count()).group_by(m.JobRun.job, m.JobRun.status)
        async with self.alchemy.get_session() as session:
            rows = (await session.execute(query)).all()
        self.job_runs = {(job, status): int(count) for job, status, count in rows}

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)


class RuntimeCollector(Collector):
    """Reads live state from the app's :class:`~backend.lib.runtime.Runtime` when scraped."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        """Yield the scrape-time metric families."""
        yield from self._sessions()
        yield from self._upstreams()
        yield from self._call_log()
        yield self._server_logs_dropped()
        jobs = GaugeMetricFamily(
            f"{PREFIX}_job_runs", "Job runs in the history by job and status.", labels=["job", "status"]
        )
        for (job, status), count in sorted(self.runtime.metrics.job_runs.items()):
            jobs.add_metric([job, status], count)
        yield jobs

    def _sessions(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(f"{PREFIX}_mcp_sessions", "Live MCP sessions by transport.", labels=["transport"])
        endpoints = self.runtime.mcp_endpoints
        tally: Tally[str] = Tally()
        if endpoints is not None:
            tally.update(str(live.transport) for live in endpoints.table.all())
        for transport in sorted({"sse", "streamable-http", *tally}):
            family.add_metric([transport], tally[transport])
        yield family

    def _upstreams(self) -> Iterator[Metric]:
        gateway = self.runtime.gateway
        running = gateway.running() if gateway is not None else []
        restarts_of = {server_id: gateway.status(server_id).restarts for server_id in running} if gateway else {}
        yield GaugeMetricFamily(
            f"{PREFIX}_upstreams_running",
            "Servers with an upstream starting, running or restarting.",
            value=len(running),
        )
        restarts = CounterMetricFamily(
            f"{PREFIX}_upstream_restarts",
            "Restarts of each running server's upstream since it was configured (by server id).",
            labels=["server"],
        )
        for server_id, count in restarts_of.items():
            restarts.add_metric([str(server_id)], count)
        yield restarts

    def _call_log(self) -> Iterator[Metric]:
        recorder = self.runtime.call_recorder
        writer = recorder.writer if recorder is not None else None
        yield GaugeMetricFamily(
            f"{PREFIX}_call_log_pending", "Tool calls waiting in the log buffer.", value=writer.pending if writer else 0
        )
        yield CounterMetricFamily(
            f"{PREFIX}_call_log_dropped",
            "Tool calls not logged because the buffer was full.",
            value=writer.dropped if writer else 0,
        )
        yield CounterMetricFamily(
            f"{PREFIX}_call_log_failed",
            "Tool calls whose log row could not be written.",
            value=writer.failed if writer else 0,
        )

    def _server_logs_dropped(self) -> Metric:
        gateway, events = self.runtime.gateway, self.runtime.gateway_events
        family = CounterMetricFamily(
            f"{PREFIX}_server_logs_dropped",
            "Server log lines dropped: over a server's rate limit (rate) or with the log queue full (buffer).",
            labels=["reason"],
        )
        family.add_metric(["rate"], gateway.log_lines_dropped if gateway is not None else 0)
        family.add_metric(["buffer"], events.dropped if events is not None else 0)
        return family


def _mount_path(scope: Scope) -> str:
    """The path of a mounted ASGI app (the router leaves ``path_template`` empty for mounts)."""
    handler = scope.get("route_handler")
    paths = sorted(getattr(handler, "paths", None) or ())
    return str(paths[0]) if paths else "unmatched"


class HttpMetricsMiddleware:
    """Times every HTTP request and labels it by route template (never the raw path).

    Only ``send`` is wrapped: bodies are neither read nor buffered, so MCP streams under
    ``/projects`` pass through untouched (they are all labelled ``/projects``, the mount).
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception before the response starts ends as a 500

        async def timed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            route = scope.get("path_template") or _mount_path(scope)
            method: Any = scope.get("method", "GET")
            self.metrics.observe_request(str(method), str(route), status, time.perf_counter() - started)
