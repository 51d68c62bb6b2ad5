"""An MCP ``CallToolResult`` turned into blocks the result viewer can render."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ResultBlock:
    """One content block: text, image, audio, resource, or anything else as JSON."""

    kind: str = "text"
    text: str = ""
    src: str = ""
    mime: str = ""
    uri: str = ""


@dataclass
class ToolResult:
    """What the viewer shows for one call."""

    blocks: list[ResultBlock] = field(default_factory=list)
    structured: str = ""
    is_error: bool = False
    duration_ms: float = 0.0
    error: str = ""


def _pretty(text: str) -> str:
    """Pretty-print text that is JSON; leave other text alone."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False)
        except json.JSONDecodeError:
            return text
    return text


def _block(item: dict[str, Any]) -> ResultBlock:
    kind = str(item.get("type", ""))
    mime = str(item.get("mimeType", ""))
    if kind == "text":
        return ResultBlock(kind="text", text=_pretty(str(item.get("text", ""))))
    if kind in ("image", "audio"):
        return ResultBlock(kind=kind, src=f"data:{mime};base64,{item.get('data', '')}", mime=mime)
    if kind == "resource":
        resource = item.get("resource") or {}
        body = resource.get("text")
        text = (
            _pretty(str(body)) if body is not None else f"(binary, {len(str(resource.get('blob', '')))} base64 chars)"
        )
        return ResultBlock(
            kind="resource", text=text, uri=str(resource.get("uri", "")), mime=str(resource.get("mimeType", ""))
        )
    if kind == "resource_link":
        return ResultBlock(
            kind="resource", text=str(item.get("description") or item.get("name") or ""), uri=str(item.get("uri", ""))
        )
    return ResultBlock(kind="json", text=json.dumps(item, indent=2, ensure_ascii=False))


def tool_result(result: dict[str, Any], duration_ms: float) -> ToolResult:
    """Blocks, structured content and the error flag of a ``CallToolResult``."""
    structured = result.get("structuredContent")
    return ToolResult(
        blocks=[_block(item) for item in result.get("content") or [] if isinstance(item, dict)],
        structured=json.dumps(structured, indent=2, ensure_ascii=False) if structured is not None else "",
        is_error=bool(result.get("isError")),
        duration_ms=round(duration_ms, 1),
    )
