"""The running parts of the API process, in one typed object.

:func:`backend.server.core.build_runtime` creates the :class:`Runtime` once per app, when the app is
built; the app's lifespans fill in the parts that run (gateway, MCP endpoints, queue, worker) and
clear them when they stop. Handlers receive it, or the gateway, through dependency injection
(``runtime`` and ``gateway``, declared app-wide in ``backend/server/core.py``); code that cannot take
dependencies (lifespans, guards, the MCP mount) reads it with :func:`runtime_of`. Processes without
an app (``mcp-orch worker``) pass the parts they run explicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Evaluated at run time: Litestar reads the providers' signatures below.
from litestar.datastructures import State

from backend.mcp.gateway import Gateway

if TYPE_CHECKING:
    from litestar import Litestar
    from saq.queue import Queue

    from backend.domain.accounts.addresses import ClientAddresses
    from backend.domain.accounts.bearers import Bearers
    from backend.domain.accounts.throttle import LoginThrottle
    from backend.domain.changes.hub import ChangeHub
    from backend.domain.live.feed import LiveFeed
    from backend.domain.logs.events import GatewayEventSink
    from backend.domain.logs.recorder import ToolCallRecorder
    from backend.domain.projects.roles import ProjectRoles
    from backend.domain.servers.call_targets import CallTargets
    from backend.domain.servers.probes import ProbeLimiter
    from backend.domain.system.metrics import Metrics
    from backend.lib.worker import WorkerRuntime
    from backend.mcp.transport.app import McpEndpoints

_STATE_KEY = "runtime"


class Runtime:
    """What runs in this API process besides the request handlers.

    A plain class, not a dataclass: dependency injection then hands handlers this very instance
    (Litestar validates dataclass dependencies field by field, and would have to import every part).

    Attributes:
        metrics: The app's Prometheus registry (the HTTP middleware and the recorder count into it).
        login_throttle: Failed-login counting for ``POST /api/auth/login``.
        client_addresses: Whose address a request is (trusted proxies, the UI's forwarded browser address).
        test_runs: Concurrent test runs (``POST …/servers/test``) per user and per project, counted in
            PostgreSQL (the limits hold across replicas).
        changes: The change hub: committed change events applied here and sent to every replica; also
            the MCP endpoints' relay to other replicas.
        bearers: REST credentials (access tokens, personal access tokens) resolved to their user for a
            few seconds; the change handler clears them when credentials or someone's access end.
        project_roles: Projects and callers' roles in them (the project guards' answer) for a few
            seconds; the change handler clears them when members, teams or projects change.
        call_targets: REST tool-call targets (server and tool) cached between calls; the change handler
            drops a project's when its servers or tools change.
        gateway: The MCP gateway (upstream supervision); ``None`` before its lifespan starts and after it stops.
        gateway_events: Where the gateway's status changes and server log lines go (written in batches).
        call_recorder: The tool-call log buffer (REST and MCP calls).
        mcp_endpoints: The MCP transports mounted at ``/projects``; ``None`` while they do not run.
        queue: The SAQ queue client (enqueueing, ``/ready``); set by the worker lifespan.
        worker: The SAQ worker inside the API process, when it runs there.
        live: The live feed (``GET /api/projects/{p}/live`` streams); ``None`` while it does not run.
    """

    def __init__(
        self,
        *,
        metrics: Metrics,
        login_throttle: LoginThrottle,
        client_addresses: ClientAddresses,
        test_runs: ProbeLimiter,
        changes: ChangeHub,
        call_targets: CallTargets,
        bearers: Bearers,
        project_roles: ProjectRoles,
    ) -> None:
        self.metrics = metrics
        self.login_throttle = login_throttle
        self.client_addresses = client_addresses
        self.test_runs = test_runs
        self.changes = changes
        self.call_targets = call_targets
        self.bearers = bearers
        self.project_roles = project_roles
        self.gateway: Gateway | None = None
        self.gateway_events: GatewayEventSink | None = None
        self.call_recorder: ToolCallRecorder | None = None
        self.mcp_endpoints: McpEndpoints | None = None
        self.queue: Queue | None = None
        self.worker: WorkerRuntime | None = None
        self.live: LiveFeed | None = None

    def install(self, state: State) -> None:
        """Put this runtime on the app state (where :func:`runtime_of` finds it)."""
        state[_STATE_KEY] = self


def _of_state(state: State) -> Runtime:
    runtime: Runtime | None = state.get(_STATE_KEY)
    if runtime is None:
        raise RuntimeError("the app has no runtime (it is built by backend.server.core.CorePlugin)")
    return runtime


def runtime_of(app: Litestar) -> Runtime:
    """The app's runtime, for lifespans, guards and ASGI mounts (handlers use the ``runtime`` dependency)."""
    return _of_state(app.state)


def provide_runtime(state: State) -> Runtime:
    """Dependency ``runtime``: the app's :class:`Runtime`."""
    return _of_state(state)


def provide_gateway(state: State) -> Gateway | None:
    """Dependency ``gateway``: the running MCP gateway, or ``None`` when this process runs none."""
    return _of_state(state).gateway
