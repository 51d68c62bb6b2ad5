"""What a view does with a request: route it to the server that answers it, record tool calls.

:class:`ViewOperations` is the request half of :class:`~backend.mcp.proxy.view.ProxyView` (the other
half keeps the snapshot and the sessions up to date); it needs only the members declared below.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Any

import anyio
from mcp.shared.exceptions import MCPError

from backend.mcp.proxy import errors
from backend.mcp.proxy.model import ClientInfo, Downstream, ViewKey
from backend.mcp.proxy.ports import Caller, ProgressCallback, ServerEntry, Upstreams
from backend.mcp.proxy.recording import Outcome, record_call, result_status
from backend.mcp.proxy.tables import Tables
from backend.mcp.proxy.unified_tasks import namespaced
from backend.mcp.types import CallRecorder, CallStatus, GatewayError, UpstreamTimeoutError, per_user_key

logger = logging.getLogger("mcp_orch.proxy")

# Hears the ``notifications/message`` params of the upstream serving one call, while it runs.
LogListener = Callable[[dict[str, Any]], Awaitable[None]]
_LOG_BACKLOG = 256  # messages of one call waiting to be relayed; more are dropped


class ViewOperations:
    """Requests of a view's sessions, forwarded to its servers."""

    key: ViewKey
    upstreams: Upstreams
    recorder: CallRecorder | None

    async def tables(self) -> Tables:
        """The current snapshot (the view computes it)."""
        raise NotImplementedError

    async def tables_for(self, caller: Caller) -> Tables:
        """The snapshot as this caller sees it (the view computes it)."""
        raise NotImplementedError

    def session_key(self, caller: Caller, server: ServerEntry) -> str | None:
        """Which upstream of ``server`` serves this caller (None: the server's one upstream, ``shared``).

        ``per_session`` servers get one upstream per downstream session (per credential, endpoint and
        client capabilities when stateless); ``per_user`` servers one per credential, whatever its session or endpoint.
        """
        if server.isolation == "per_user":
            return per_user_key(caller.credential)
        if server.isolation != "per_session":
            return None
        return caller.session_id or f"stateless:{caller.credential}:{self.key.label}:{caller.profile}"

    async def own_key_for(self, caller: Caller, method: str, params: dict[str, Any]) -> str | None:
        """The key of the caller's own upstream that answers this request (None: a ``shared`` one, or
        no route; the request itself then answers as it would)."""
        tables, unified = await self.tables_for(caller), self.key.unified
        try:
            if method == "tools/call":
                server = tables.tool(str(params.get("name", "")), unified=unified).server
            elif method == "prompts/get":
                server = tables.prompt(str(params.get("name", "")), unified=unified).server
            else:
                server = tables.resource_owner(str(params.get("uri", "")), unified=unified)
        except MCPError:
            return None
        return self.session_key(caller, server)

    async def call_tool(
        self,
        caller: Caller,
        client: ClientInfo,
        params: dict[str, Any],
        on_progress: ProgressCallback | None = None,
        on_log: LogListener | None = None,
    ) -> dict[str, Any]:
        """Forward ``tools/call``; the result comes back exactly as the upstream sent it (on the unified
        endpoint, a task-augmented call's ``CreateTaskResult`` with its task id named, see :mod:`unified_tasks`).

        ``on_log`` (a 2026-07-28 request that asked for log messages) hears the log messages of the
        upstream serving the call while it runs, each before the result. A handshake-era upstream does
        not say which request a message belongs to: a ``shared`` upstream's messages of that time are
        everyone's in the project, as its log is for handshake-era sessions.
        """
        name = str(params.get("name", ""))
        arguments = params.get("arguments")
        meta = params.get("_meta")
        task = raw_task if isinstance(raw_task := params.get("task"), dict) else None
        route = (await self.tables_for(caller)).tool(name, unified=self.key.unified)
        session_key = self.session_key(caller, route.server)
        started, clock = datetime.now(tz=UTC), time.perf_counter()
        outcome: Outcome = ("cancelled", None, "Cancelled by the client")
        result: dict[str, Any] | None = None
        call = functools.partial(
            self.upstreams.call_tool,
            route.server.server_id,
            route.name,
            arguments if isinstance(arguments, dict) else None,
            session_key=session_key,
            on_progress=on_progress,
            meta=meta if isinstance(meta, dict) else None,
            task=task,
        )
        try:
            if on_log is None:  # most calls: no relay (an async context manager per call is not free)
                result = await call()
            else:
                async with self._relaying_logs(route.server, session_key, on_log):
                    result = await call()
            if task is not None and self.key.unified:  # a CreateTaskResult: its task id names its server
                result = namespaced("tools/call", result, route.server.name)
            status, message = result_status(result)
            outcome = (status, None, message)
        except GatewayError as exc:
            kind: CallStatus = "timeout" if isinstance(exc, UpstreamTimeoutError) else "error"
            outcome = (kind, exc.code, exc.message)
            raise errors.gateway_error(exc, route.server.name) from None
        finally:
            record_call(
                self.recorder,
                self.key.project_id,
                caller,
                client=client,
                route=route,
                arguments=arguments,
                result=result,
                outcome=outcome,
                started=started,
                clock=clock,
            )
        return result

    @asynccontextmanager
    async def _relaying_logs(
        self, server: ServerEntry, session_key: str | None, on_log: LogListener
    ) -> AsyncIterator[None]:
        """Relay the upstream's log messages to ``on_log`` while the body runs; every message the
        upstream wrote before its answer is relayed before the body's outcome leaves this block."""
        send, receive = anyio.create_memory_object_stream[dict[str, Any]](_LOG_BACKLOG)

        def offer(params: dict[str, Any]) -> None:
            with suppress(anyio.WouldBlock, anyio.BrokenResourceError, anyio.ClosedResourceError):
                send.send_nowait(params)

        async def relay() -> None:
            async with receive:
                async for params in receive:
                    try:
                        await on_log(params)
                    except Exception:
                        logger.debug("a log message could not be relayed", exc_info=True)

        stop = self.upstreams.tap_logs(server.server_id, offer, session_key=session_key)
        failure: Exception | None = None
        async with anyio.create_task_group() as tg:
            tg.start_soon(relay)
            try:
                yield
            except Exception as exc:  # re-raised below, not wrapped in the task group's group
                failure = exc
            finally:
                stop()
                send.close()
        if failure is not None:
            raise failure

    async def forward(self, caller: Caller, server: ServerEntry, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Forward any other request to one server of the view, mapping gateway errors."""
        try:
            return await self.upstreams.request(
                server.server_id, method, params, session_key=self.session_key(caller, server)
            )
        except GatewayError as exc:
            raise errors.gateway_error(exc, server.name) from None

    async def set_log_level(self, caller: Caller, session: Downstream | None, level: str) -> None:
        """``logging/setLevel``: the session hears messages at ``level`` and above (filtered here for
        shared and ``per_user`` upstreams, whose other listeners may want another level), and its own
        ``per_session`` upstreams are told the level themselves."""
        if session is not None:
            session.log_level = level
        for server in (await self.tables()).up:
            if server.isolation == "per_session":
                try:
                    await self.forward(caller, server, "logging/setLevel", {"level": level})
                except MCPError as exc:  # an upstream without logging: the gateway's filter stands
                    logger.debug("logging/setLevel not taken", extra={"server": server.name, "code": exc.code})

    async def roots_changed(self, caller: Caller) -> None:
        """The client's roots changed: tell the upstreams that run for its session alone."""
        tables = await self.tables()
        for server in (*tables.up, *tables.down):
            if server.isolation == "per_session":
                await self.upstreams.roots_changed(server.server_id, self.session_key(caller, server))

    async def get_prompt(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        """``prompts/get`` with the unified name mapped back."""
        name = str(params.get("name", ""))
        route = (await self.tables_for(caller)).prompt(name, unified=self.key.unified)
        return await self.forward(caller, route.server, "prompts/get", {**params, "name": route.name})

    async def read_resource(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        """``resources/read``, routed by URI."""
        uri = str(params.get("uri", ""))
        return await self.forward(caller, await self._resource_owner(caller, uri), "resources/read", params)

    async def _resource_owner(self, caller: Caller, uri: str) -> ServerEntry:
        return (await self.tables_for(caller)).resource_owner(uri, unified=self.key.unified)

    async def subscribe(self, caller: Caller, session: Downstream | None, uri: str) -> None:
        """``resources/subscribe``: subscribe upstream once and remember who wants updates."""
        server = await self._resource_owner(caller, uri)
        # Subscribed before forwarding: an upstream may announce an update before it answers.
        fresh = session is not None and uri not in session.subscriptions
        if session is not None:
            session.subscriptions.add(uri)
        try:
            await self.forward(caller, server, "resources/subscribe", {"uri": uri})
        except BaseException:
            if fresh and session is not None:
                session.subscriptions.discard(uri)
            raise

    async def complete(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        """``completion/complete`` for a prompt (name mapped back) or a resource template (routed by URI)."""
        ref = dict(params.get("ref") or {})
        if ref.get("type") == "ref/prompt":
            route = (await self.tables_for(caller)).prompt(str(ref.get("name", "")), unified=self.key.unified)
            return await self.forward(
                caller, route.server, "completion/complete", {**params, "ref": {**ref, "name": route.name}}
            )
        uri = str(ref.get("uri", ""))
        return await self.forward(caller, await self._resource_owner(caller, uri), "completion/complete", params)
