"""The routing headers the gateway adds to what it sends a remote Streamable HTTP upstream."""

from __future__ import annotations

from typing import Any

from mcp.shared.inbound import decode_header_value

from backend.mcp.routing_headers import RoutingHeaders


def _tool(name: str, **properties: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "inputSchema": {"type": "object", "properties": properties}}


REGION = {"type": "string", "x-mcp-header": "Region"}


def test_method_and_name_headers_follow_the_message() -> None:
    routing = RoutingHeaders()
    assert routing.of("tools/list", {}) == {"mcp-method": "tools/list"}
    assert routing.of("tools/call", {"name": "whoami"}) == {"mcp-method": "tools/call", "mcp-name": "whoami"}
    assert routing.of("prompts/get", {"name": "greet"})["mcp-name"] == "greet"
    assert routing.of("resources/read", {"uri": "memo://readme"})["mcp-name"] == "memo://readme"
    assert "mcp-name" not in routing.of("resources/list", {"uri": "ignored"})
    assert routing.of("notifications/cancelled", None) == {"mcp-method": "notifications/cancelled"}
    encoded = routing.of("tools/call", {"name": "grüße"})["mcp-name"]
    assert encoded != "grüße"
    assert decode_header_value(encoded) == "grüße", "a name no header can carry verbatim goes base64-wrapped"


def test_annotated_arguments_are_mirrored_once_the_tool_was_listed() -> None:
    routing = RoutingHeaders()
    call = {"name": "whoami", "arguments": {"region": "eu-west", "other": 1}}
    assert "Mcp-Param-Region" not in routing.of("tools/call", call)
    routing.learn("tools/list", {}, {"tools": [_tool("whoami", region=REGION, other={"type": "integer"})]})
    headers = routing.of("tools/call", call)
    assert headers["Mcp-Param-Region"] == "eu-west"
    assert [name for name in headers if name.startswith("Mcp-Param-")] == ["Mcp-Param-Region"]
    assert "Mcp-Param-Region" not in routing.of("tools/call", {"name": "whoami", "arguments": {}})
    assert "Mcp-Param-Region" not in routing.of("tools/call", {"name": "other", "arguments": call["arguments"]})


def test_a_paged_listing_replaces_the_annotations_when_its_last_page_arrives() -> None:
    routing = RoutingHeaders()
    call = {"name": "a", "arguments": {"region": "x"}}
    routing.learn("tools/list", {}, {"tools": [_tool("a", region=REGION)]})
    routing.learn("tools/list", {}, {"tools": [_tool("b", region=REGION)], "nextCursor": "2"})
    assert routing.of("tools/call", call)["Mcp-Param-Region"] == "x", "the listing in progress is not yet in force"
    routing.learn("tools/list", {"cursor": "2"}, {"tools": [_tool("c", region=REGION)]})
    assert "Mcp-Param-Region" not in routing.of("tools/call", call)
    for name in ("b", "c"):
        assert routing.of("tools/call", {"name": name, "arguments": {"region": "y"}})["Mcp-Param-Region"] == "y"


def test_invalid_annotations_mirror_nothing() -> None:
    routing = RoutingHeaders()
    bad = {"type": "number", "x-mcp-header": "Amount"}  # numbers are excluded by the spec
    routing.learn("tools/list", {}, {"tools": [_tool("pay", amount=bad), {"name": 3}, "junk"]})
    assert routing.of("tools/call", {"name": "pay", "arguments": {"amount": 2.5}}) == {
        "mcp-method": "tools/call",
        "mcp-name": "pay",
    }
