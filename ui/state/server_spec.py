"""Server form ⇄ API JSON: parse the add/edit form and the JSON mode into ``ServerCreate``/``ServerUpdate``.

Secret values (env and headers) are write-only: the edit form lists the keys that are set and
only sends the keys the user typed (a new value) or removed (``null``).
"""

from __future__ import annotations

import json
from typing import Any

from ui.api.types_servers import Server

EXAMPLE_JSON = """{
  "name": "my-server",
  "command": "npx",
  "args": ["-y", "@modelcontextprotocol/server-everything"],
  "env": {}
}"""


class SpecError(ValueError):
    """The form or JSON does not describe a server."""


def parse_pairs(text: str, sep: str, what: str) -> dict[str, str]:
    """``KEY=VALUE`` (or ``Name: value``) lines into a dict; blank lines and ``#`` comments ignored."""
    pairs: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, found, value = line.partition(sep)
        if not found or not key.strip():
            raise SpecError(f"{what} line {number}: expected KEY{sep}VALUE")
        pairs[key.strip()] = value.strip()
    return pairs


def _timeout(value: str) -> float:
    try:
        return float(value or 60)
    except ValueError as exc:
        raise SpecError("Timeout must be a number of seconds") from exc


def spec_from_form(
    form: dict[str, Any], removed_env: list[str], removed_headers: list[str], *, editing: bool
) -> dict[str, Any]:
    """The API body for the add/edit form."""
    transport = str(form.get("transport") or "stdio")
    spec: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "description": str(form.get("description", "")).strip(),
        "transport": transport,
        "timeoutSeconds": _timeout(str(form.get("timeout", ""))),
        "isolation": str(form.get("isolation") or "shared"),
    }
    if transport == "stdio":
        spec["command"] = str(form.get("command", "")).strip() or None
        spec["args"] = [line for line in str(form.get("args", "")).splitlines() if line.strip()]
        spec["cwd"] = str(form.get("cwd", "")).strip() or None
        env: dict[str, Any] = parse_pairs(str(form.get("env", "")), "=", "Environment")
        if editing:
            env |= {key: None for key in removed_env if key not in env}
            if env:
                spec["env"] = env
        else:
            spec["env"] = env
    else:
        spec["url"] = str(form.get("url", "")).strip() or None
        headers: dict[str, Any] = parse_pairs(str(form.get("headers", "")), ":", "Headers")
        if editing:
            headers |= {key: None for key in removed_headers if key not in headers}
            if headers:
                spec["headers"] = headers
        else:
            spec["headers"] = headers
    return spec


def spec_from_json(text: str) -> dict[str, Any]:
    """The API body typed in JSON mode (a single server object; ``mcpServers`` belongs to Import)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"Invalid JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(value, dict):
        raise SpecError("The JSON must be an object describing one server")
    if "mcpServers" in value:
        raise SpecError("This is an mcpServers file: use Import to add several servers at once")
    if "timeout" in value and "timeoutSeconds" not in value:
        value["timeoutSeconds"] = value.pop("timeout")
    if "url" in value and "transport" not in value:
        value["transport"] = "sse" if str(value["url"]).rstrip("/").endswith("/sse") else "streamable-http"
    return value


def json_of(server: Server) -> str:
    """A server as editable JSON (secret values are never shown, so env/headers are left out)."""
    body: dict[str, Any] = {"name": server.name, "description": server.description, "transport": server.transport}
    if server.transport == "stdio":
        body |= {"command": server.command, "args": server.args, "cwd": server.cwd}
    else:
        body["url"] = server.url
    body |= {"timeoutSeconds": server.timeout_seconds, "isolation": server.isolation}
    return json.dumps(body, indent=2)


def parse_import(text: str) -> dict[str, Any]:
    """An ``mcpServers`` file (or just its inner object) into the import body."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"Invalid JSON: {exc.msg} (line {exc.lineno})") from exc
    if isinstance(value, dict) and isinstance(value.get("mcpServers"), dict):
        value = value["mcpServers"]
    if not isinstance(value, dict) or not value:
        raise SpecError('Expected {"mcpServers": {"name": {...}, ...}}')
    return value
