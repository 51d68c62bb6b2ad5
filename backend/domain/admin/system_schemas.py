"""Schemas of ``GET /api/admin/system``: what runs, whether it is reachable, and the caps in force."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from backend.lib.schema import CamelizedBaseStruct


class DatabaseStatus(CamelizedBaseStruct):
    """The PostgreSQL database the instance stores everything in."""

    mode: Annotated[
        Literal["embedded", "external"],
        msgspec.Meta(description="embedded: started in the data folder; external: DATABASE_URL"),
    ]
    reachable: bool
    server_version: str | None
    error: str | None


class QueueStatus(CamelizedBaseStruct):
    """The background job queue (SAQ) and its depth; counts are 0 while it is unreachable."""

    backend: Annotated[
        Literal["postgres", "redis"],
        msgspec.Meta(description="postgres: on the application database; redis: MCP_ORCH_QUEUE_URL"),
    ]
    name: str
    reachable: bool
    queued: int
    running: int
    scheduled: int
    workers: int
    error: str | None


class UpstreamCounts(CamelizedBaseStruct):
    """Servers of the instance by state, and the upstreams running in this API process."""

    servers: int
    disabled: int
    by_state: Annotated[
        dict[str, int], msgspec.Meta(description="Enabled servers by their last known state (healthy, error...)")
    ]
    running_here: Annotated[int, msgspec.Meta(description="Servers with an upstream running in this process")]


class Cap(CamelizedBaseStruct):
    """One limit in force and the environment variable that sets it."""

    name: str
    value: int | float
    variable: str
    description: str


class SystemStatus(CamelizedBaseStruct):
    """The instance at a glance, for administrators."""

    version: str
    database: DatabaseStatus
    queue: QueueStatus
    upstreams: UpstreamCounts
    caps: list[Cap]
