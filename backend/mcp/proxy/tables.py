"""What a view offers, merged from its servers' catalogues: lists as sent, and routes back.

Pure functions over plain data. A per-server view keeps every name as the upstream sent it; the
unified view prefixes tools and prompts with their server (see :mod:`naming`) and keeps resource
URIs unchanged, routing them by exact URI first and by resource template second. A tool with an
alias is offered (and routed) under its alias on both; its upstream name is refused as unknown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mcp.shared.uri_template import InvalidUriTemplate, UriTemplate

from backend.mcp.proxy import errors
from backend.mcp.proxy.naming import MAX_LENGTH, exposed_tool_name, hidden_by_alias, unified_name
from backend.mcp.proxy.ports import ServerEntry
from backend.mcp.types import Catalogue


@dataclass(frozen=True)
class Route:
    """Where an exposed name goes: the server and the name the upstream knows (``alias``: the tool's
    alias, when it was called by one)."""

    server: ServerEntry
    name: str
    alias: str | None = None


@dataclass(frozen=True)
class Capabilities:
    """What the view advertises (the union of what its servers advertise)."""

    tools: bool = False
    prompts: bool = False
    resources: bool = False
    subscribe: bool = False
    completions: bool = False
    logging: bool = False
    # The upstream's ``tasks`` object as JSON (the unified view: the union of its servers' objects).
    tasks: str | None = None

    @classmethod
    def of(cls, capabilities: dict[str, Any]) -> Capabilities:
        """From an upstream ``capabilities`` object."""
        resources = capabilities.get("resources")
        return cls(
            tools=capabilities.get("tools") is not None,
            prompts=capabilities.get("prompts") is not None,
            resources=resources is not None,
            subscribe=bool(isinstance(resources, dict) and resources.get("subscribe")),
            completions=capabilities.get("completions") is not None,
            logging=capabilities.get("logging") is not None,
            tasks=json.dumps(tasks, sort_keys=True) if isinstance(tasks := capabilities.get("tasks"), dict) else None,
        )

    def __or__(self, other: Capabilities) -> Capabilities:
        return Capabilities(
            tools=self.tools or other.tools,
            prompts=self.prompts or other.prompts,
            resources=self.resources or other.resources,
            subscribe=self.subscribe or other.subscribe,
            completions=self.completions or other.completions,
            logging=self.logging or other.logging,
            tasks=_union_json(self.tasks, other.tasks),
        )


def _union_json(one: str | None, other: str | None) -> str | None:
    """The union of two JSON capability objects (each key of either; objects under a key merged alike)."""
    if one is None or other is None:
        return one or other

    def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        out = dict(a)
        for key, value in b.items():
            mine = out.get(key)
            out[key] = merge(mine, value) if isinstance(mine, dict) and isinstance(value, dict) else mine or value
        return out

    return json.dumps(merge(json.loads(one), json.loads(other)), sort_keys=True)


# What a view advertises when none of its servers answered (a down server keeps its endpoint alive).
FALLBACK = Capabilities(tools=True)


@dataclass(frozen=True)
class Tables:
    """A snapshot of everything a view exposes and how to route it."""

    tools: tuple[dict[str, Any], ...] = ()
    tool_routes: dict[str, Route] = field(default_factory=dict)
    disabled_tools: dict[str, Route] = field(default_factory=dict)
    tool_schemas: dict[str, Any] = field(default_factory=dict)
    prompts: tuple[dict[str, Any], ...] = ()
    prompt_routes: dict[str, Route] = field(default_factory=dict)
    resources: tuple[dict[str, Any], ...] = ()
    resource_routes: dict[str, ServerEntry] = field(default_factory=dict)
    templates: tuple[dict[str, Any], ...] = ()
    template_routes: tuple[tuple[UriTemplate, ServerEntry], ...] = ()
    capabilities: Capabilities = FALLBACK
    server_info: dict[str, Any] = field(default_factory=dict)
    # The upstream's ``instructions`` (per-server), or each server's under its name (unified).
    instructions: str | None = None
    up: tuple[ServerEntry, ...] = ()
    down: tuple[ServerEntry, ...] = ()
    # What it was built from (per-session tables rebuild it with a session's own catalogues).
    sources: tuple[tuple[ServerEntry, Catalogue], ...] = ()

    @property
    def digest(self) -> tuple[str, str, str]:
        """Comparable fingerprints of the tool, prompt and resource lists (for list_changed)."""
        return (
            _fingerprint(self.tools),
            _fingerprint(self.prompts),
            _fingerprint((*self.resources, *self.templates)),
        )

    def tool(self, name: str, *, unified: bool) -> Route:
        """Where ``tools/call`` of ``name`` goes; a disabled tool is refused here."""
        route = self.tool_routes.get(name)
        if route is not None:
            return route
        if name in self.disabled_tools:
            raise errors.tool_disabled(name)
        route = self.named(name, unified=unified)
        if route is None or hidden_by_alias(route.name, dict(route.server.tool_aliases)):
            raise errors.unknown_tool(name)
        return route

    def prompt(self, name: str, *, unified: bool) -> Route:
        """Where ``prompts/get`` (or a prompt's completion) of ``name`` goes."""
        route = self.prompt_routes.get(name) or self.named(name, unified=unified)
        if route is None:
            raise errors.unknown_prompt(name)
        return route

    def named(self, name: str, *, unified: bool) -> Route | None:
        """The server a tool or prompt name the snapshot does not list belongs to, if any.

        It answers as it would directly (an unknown tool is its call: often an ``isError`` result,
        not a protocol error), and one that was down when the snapshot was taken may be back. Only
        a unified name that names no server of the view is the gateway's to refuse.
        """
        for server in (*self.up, *self.down):
            if not unified:
                return Route(server, name)
            prefix = f"{server.name}__"
            if name.startswith(prefix):
                return Route(server, name[len(prefix) :])
        return None

    def resource_owner(self, uri: str, *, unified: bool) -> ServerEntry:
        """The server a URI is read from: the one that lists it or whose template matches; on a
        server's own endpoint that server, which decides whether the URI exists."""
        server = self.route_resource(uri)
        if server is None and not unified and self.up:
            server = self.up[0]
        if server is None:
            raise errors.unknown_resource(uri)
        return server

    def route_resource(self, uri: str) -> ServerEntry | None:
        """The server that offers ``uri``: listed resources first, then templates."""
        server = self.resource_routes.get(uri)
        if server is not None:
            return server
        for template, owner in self.template_routes:
            if template.match(uri) is not None:
                return owner
        return None


def _fingerprint(items: tuple[dict[str, Any], ...]) -> str:
    return json.dumps(items, sort_keys=True, default=str)


class _Builder:
    """Accumulates one view's tables, server by server (in name order: first one wins a clash)."""

    def __init__(self, *, unified: bool, name_budget: int) -> None:
        self.unified = unified
        self.name_budget = name_budget
        self.tools: list[dict[str, Any]] = []
        self.tool_routes: dict[str, Route] = {}
        self.disabled: dict[str, Route] = {}
        self.schemas: dict[str, Any] = {}
        self.prompts: list[dict[str, Any]] = []
        self.prompt_routes: dict[str, Route] = {}
        self.resources: list[dict[str, Any]] = []
        self.resource_routes: dict[str, ServerEntry] = {}
        self.templates: list[dict[str, Any]] = []
        self.template_routes: list[tuple[UriTemplate, ServerEntry]] = []

    def _exposed(self, server: ServerEntry, original: str) -> str:
        return unified_name(server.name, original, self.name_budget) if self.unified else original

    def add_tools(self, server: ServerEntry, tools: tuple[dict[str, Any], ...]) -> None:
        aliases = dict(server.tool_aliases)
        for tool in tools:
            original = str(tool.get("name", ""))
            offered = exposed_tool_name(original, aliases)
            if offered is None:
                continue  # another tool's alias took its name
            exposed = self._exposed(server, offered)
            route = Route(server, original, offered if offered != original else None)
            if original in server.disabled_tools:
                self.disabled[exposed] = route
            elif exposed not in self.tool_routes:
                self.tool_routes[exposed] = route
                self.schemas[exposed] = tool.get("inputSchema")
                self.tools.append({**tool, "name": exposed} if exposed != original else tool)

    def add_prompts(self, server: ServerEntry, prompts: tuple[dict[str, Any], ...]) -> None:
        for prompt in prompts:
            original = str(prompt.get("name", ""))
            exposed = self._exposed(server, original)
            if exposed not in self.prompt_routes:
                self.prompt_routes[exposed] = Route(server, original)
                self.prompts.append({**prompt, "name": exposed} if exposed != original else prompt)

    def add_resources(self, server: ServerEntry, catalogue: Catalogue) -> None:
        for resource in catalogue.resources:
            uri = str(resource.get("uri", ""))
            if uri not in self.resource_routes:  # the same URI on two servers: the first by name wins
                self.resource_routes[uri] = server
                self.resources.append(resource)
        for template in catalogue.resource_templates:
            self.templates.append(template)
            try:
                self.template_routes.append((UriTemplate.parse(str(template.get("uriTemplate", ""))), server))
            except InvalidUriTemplate:
                continue


def build_tables(
    catalogues: list[tuple[ServerEntry, Catalogue]],
    down: list[ServerEntry],
    *,
    unified: bool,
    name_budget: int = MAX_LENGTH,
) -> Tables:
    """Merge the catalogues of the servers that answered, in server-name order (unified names fit ``name_budget``)."""
    ordered = sorted(catalogues, key=lambda pair: pair[0].name)
    builder = _Builder(unified=unified, name_budget=name_budget)
    caps: Capabilities | None = None
    for server, catalogue in ordered:
        own = Capabilities.of(catalogue.capabilities)
        caps = own if caps is None else caps | own
        builder.add_tools(server, catalogue.tools)
        builder.add_prompts(server, catalogue.prompts)
        builder.add_resources(server, catalogue)
    server_info = dict(ordered[0][1].server_info) if ordered and not unified else {}
    return Tables(
        tools=tuple(builder.tools),
        tool_routes=builder.tool_routes,
        disabled_tools=builder.disabled,
        tool_schemas=builder.schemas,
        prompts=tuple(builder.prompts),
        prompt_routes=builder.prompt_routes,
        resources=tuple(builder.resources),
        resource_routes=builder.resource_routes,
        templates=tuple(builder.templates),
        template_routes=tuple(builder.template_routes),
        capabilities=caps or FALLBACK,
        server_info=server_info,
        instructions=_instructions(ordered, unified=unified),
        up=tuple(server for server, _ in ordered),
        down=tuple(down),
        sources=tuple(ordered),
    )


def _instructions(ordered: list[tuple[ServerEntry, Catalogue]], *, unified: bool) -> str | None:
    """What the client is told to tell its model: the upstream's text as it wrote it; on the unified
    endpoint each server's under a heading with its name (the prefix of its tools), in name order."""
    if not unified:
        return ordered[0][1].instructions if ordered else None
    parts = [f"## {server.name}\n\n{catalogue.instructions}" for server, catalogue in ordered if catalogue.instructions]
    return "\n\n".join(parts) or None
