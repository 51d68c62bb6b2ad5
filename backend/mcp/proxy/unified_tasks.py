"""Tasks (2025-11-25, SEP-1686) on the unified endpoint: one upstream's task id, named by its server.

A task id is one upstream's, so the unified endpoint names it ``<server>__<upstream task id>`` (the
separator of its tool names, see :mod:`naming`; never shortened: a task id is no tool name). It
advertises the union of its servers' ``tasks`` objects (see :mod:`tables`), and:

- a task-augmented ``tools/call`` of ``<server>__<tool>`` goes to that server (as any call does), and
  the ``CreateTaskResult`` comes back with the task id named (:meth:`ViewOperations.call_tool`);
- ``tasks/get``, ``tasks/result`` and ``tasks/cancel`` go to the server the id names (the longest
  server name that prefixes it), with the upstream's own id, to the caller's own upstream of a
  ``per_session``/``per_user`` server (the one its calls go to); the task id in what comes back is
  named again, also under ``_meta`` ``io.modelcontextprotocol/related-task``. An id that names no
  server of the view is refused with -32602 ``Unknown task: <id>``; anything else the upstream answers;
- ``tasks/list`` lists every server that advertises ``tasks.list``, in name order, ids named. An
  upstream's ``nextCursor`` becomes the gateway's own opaque cursor (server + upstream cursor, in the
  form of :mod:`paging`'s); the page it cuts holds what came before it from the servers listed whole.
  A server whose list fails is left out (logged), unless every one failed.

Upstream notifications about tasks (``notifications/tasks/status``) are not forwarded by the gateway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError

from backend.mcp.proxy import errors
from backend.mcp.proxy.naming import SEPARATOR
from backend.mcp.proxy.paging import decode_opaque, encode_opaque
from backend.mcp.proxy.ports import Caller, ServerEntry
from backend.mcp.proxy.tables import Tables
from backend.mcp.proxy.tasks import AnyParams

if TYPE_CHECKING:
    from mcp.server.lowlevel.server import Server

    from backend.mcp.proxy.view import ProxyView

logger = logging.getLogger("mcp_orch.proxy")

RELATED_TASK = "io.modelcontextprotocol/related-task"
ROUTED_METHODS = ("tasks/get", "tasks/result", "tasks/cancel")
CURSOR_VERSION = 1
_CURSOR_KIND = "tasks"
_CURSOR_MAX = 4096  # room for an upstream's own cursor


def task_id_of(server: str, upstream_id: str) -> str:
    """The unified endpoint's name for task ``upstream_id`` of ``server``."""
    return f"{server}{SEPARATOR}{upstream_id}"


def route_task(tables: Tables, task_id: object) -> tuple[ServerEntry, str]:
    """The server a unified task id names (the longest matching name) and the upstream's own id.

    Raises:
        MCPError: -32602 when the id names no server of the view.
    """
    if isinstance(task_id, str):
        owners = [s for s in (*tables.up, *tables.down) if task_id.startswith(s.name + SEPARATOR)]
        if owners:
            owner = max(owners, key=lambda server: len(server.name))
            return owner, task_id[len(owner.name) + len(SEPARATOR) :]
    raise errors.unknown_task(task_id)


def namespaced(method: str, result: dict[str, Any], server: str) -> dict[str, Any]:
    """``result`` of ``method`` from ``server`` with every task id in it named for the unified endpoint."""
    out = dict(result)
    if method == "tools/call" and "task" in out:
        out["task"] = _named(out["task"], server)
    elif method in ("tasks/get", "tasks/cancel"):
        out = _named(out, server)
    elif method == "tasks/list" and isinstance(out.get("tasks"), list):
        out["tasks"] = [_named(task, server) for task in out["tasks"]]
    meta = out.get("_meta")
    if isinstance(meta, dict) and RELATED_TASK in meta:
        out["_meta"] = {**meta, RELATED_TASK: _named(meta[RELATED_TASK], server)}
    return out


def _named(item: Any, server: str) -> Any:
    if isinstance(item, dict) and isinstance(item.get("taskId"), str):
        return {**item, "taskId": task_id_of(server, item["taskId"])}
    return item


def _lists_tasks(capabilities: dict[str, Any]) -> bool:
    tasks = capabilities.get("tasks")
    return isinstance(tasks, dict) and tasks.get("list") is not None


def _start(cursor: object, listing: list[ServerEntry]) -> tuple[int, str | None]:
    """Where a ``tasks/list`` page starts: the index of a server in ``listing`` and its upstream cursor."""
    if cursor is None or cursor == "":
        return 0, None
    data = decode_opaque(cursor, _CURSOR_MAX)
    name, upstream = data.get("s"), data.get("c")
    if data.get("v") != CURSOR_VERSION or data.get("k") != _CURSOR_KIND or not isinstance(upstream, str):
        raise errors.invalid_cursor()
    for index, server in enumerate(listing):
        if server.name == name:
            return index, upstream
    raise errors.invalid_cursor()  # that server no longer lists tasks here


async def list_tasks(view: ProxyView, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """One page of the merged ``tasks/list`` (see the module docstring); ``params``: the client's."""
    tables = await view.tables_for(caller)
    listing = [server for server, catalogue in tables.sources if _lists_tasks(catalogue.capabilities)]
    start, upstream = _start(params.get("cursor"), listing)
    rest = {key: value for key, value in params.items() if key != "cursor"}
    tasks: list[Any] = []
    failures: list[MCPError] = []
    for server in listing[start:]:
        forward = rest if upstream is None else {**rest, "cursor": upstream}
        upstream = None
        try:
            page = await view.forward(caller, server, "tasks/list", forward)
        except MCPError as exc:
            logger.info("tasks/list left a server out", extra={"server": server.name, "code": exc.code})
            failures.append(exc)
            continue
        tasks += namespaced("tasks/list", page, server.name).get("tasks") or []
        following = page.get("nextCursor")
        if isinstance(following, str) and following:
            cut = {"v": CURSOR_VERSION, "k": _CURSOR_KIND, "s": server.name, "c": following}
            return {"tasks": tasks, "nextCursor": encode_opaque(cut)}
    if failures and len(failures) == len(listing[start:]):
        raise failures[0]
    return {"tasks": tasks}


def add_unified_task_handlers(server: Server[Any], view: ProxyView, caller_of: Callable[[Any], Caller]) -> None:
    """``tasks/*`` of the unified endpoint, routed by the server a task id names."""
    for method in ROUTED_METHODS:

        async def routed(ctx: ServerRequestContext[Any, Any], _: AnyParams, method: str = method) -> dict[str, Any]:
            caller, params = caller_of(ctx), dict(ctx.params or {})
            try:
                owner, upstream_id = route_task(await view.tables_for(caller), params.get("taskId"))
                result = await view.forward(caller, owner, method, {**params, "taskId": upstream_id})
            except MCPError:
                raise
            except Exception as exc:
                raise errors.internal_error(exc, method=method) from None
            return namespaced(method, result, owner.name)

        server.add_request_handler(method, AnyParams, routed)

    async def listed(ctx: ServerRequestContext[Any, Any], _: AnyParams) -> dict[str, Any]:
        try:
            return await list_tasks(view, caller_of(ctx), dict(ctx.params or {}))
        except MCPError:
            raise
        except Exception as exc:
            raise errors.internal_error(exc, method="tasks/list") from None

    server.add_request_handler("tasks/list", AnyParams, listed)
