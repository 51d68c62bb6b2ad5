"""``subscriptions/listen`` (2026-07-28): one stream with what the view announces and what the caller's
own upstreams say.

The view's bus carries what every caller hears (list changes of the view, updates of shared
resources). A caller whose ``per_session``/``per_user`` servers run upstreams of its own also hears
their ``list_changed`` and ``resources/updated`` notices, and no one else does; on the unified
endpoint all of them merge into the one stream.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.subscriptions import (
    InMemorySubscriptionBus,
    ListenHandler,
    PromptsListChanged,
    ResourcesListChanged,
    ResourceUpdated,
    ServerEvent,
    ToolsListChanged,
)

from backend.mcp.proxy.ports import Caller

if TYPE_CHECKING:
    from backend.mcp.proxy.view import ProxyView

_EVENTS: dict[str, ServerEvent] = {
    "notifications/tools/list_changed": ToolsListChanged(),
    "notifications/prompts/list_changed": PromptsListChanged(),
    "notifications/resources/list_changed": ResourcesListChanged(),
}


class CallerBus:
    """A subscription bus for one listen stream: the view's bus plus the caller's own upstreams."""

    def __init__(self, view: ProxyView, caller: Caller) -> None:
        self.view = view
        self.caller = caller

    async def publish(self, event: ServerEvent) -> None:
        """Events are the view's to publish (on its own bus)."""
        await self.view.bus.publish(event)

    def subscribe(self, listener: Callable[[ServerEvent], None]) -> Callable[[], None]:
        """Deliver the view's events and the caller's own upstreams' notices to ``listener``."""
        own = InMemorySubscriptionBus()
        stops = [self.view.bus.subscribe(listener), own.subscribe(listener)]

        async def heard(method: str, params: dict[str, Any]) -> None:
            event = _EVENTS.get(method)
            if event is None and method == "notifications/resources/updated":
                event = ResourceUpdated(uri=str((params or {}).get("uri", "")))
            if event is not None:
                await own.publish(event)

        for member, key in self.view.own_upstreams(self.caller):
            stops.append(self.view.upstreams.subscribe(member.server_id, heard, session_key=key))

        def unsubscribe() -> None:
            for stop in stops:
                stop()

        return unsubscribe


def listen_handler(view: ProxyView, subscribe: bool, caller_of: Callable[[Any], Caller]) -> Any:
    """The ``subscriptions/listen`` handler of a view's server (``subscribe``: resources can be subscribed)."""
    shared = ListenHandler(view.bus)

    async def on_listen(ctx: ServerRequestContext[Any, Any], params: types.SubscriptionsListenRequestParams) -> Any:
        caller = caller_of(ctx)
        if subscribe:
            for uri in params.notifications.resource_subscriptions or ():
                await view.subscribe(caller, None, uri)
        if not view.own_upstreams(caller):
            return await shared(ctx, params)
        return await ListenHandler(CallerBus(view, caller))(ctx, params)

    return on_listen
