"""Server form ⇄ API JSON: parse the add/edit form and the JSON mode into ``ServerCreate``/``ServerUpdate``.

Secret values (env and headers) are write-only: the edit form lists the keys that are set and
only sends the keys the user typed (a new value) or removed (``null``). A server started from a
template is sent as ``templateId`` plus the values and overrides (the API fills in the rest).
"""

from __future__ import annotations

import json
from typing import Any

from ui.api.types_servers import Server, ServerTemplate

EXAMPLE_JSON = """{
  "name": "my-server",
  "command": "npx",
  "args": ["-y", "@modelcontextprotocol/server-everything"],
  "env": {}
}"""

# The "no template" choice of the template picker (a select item cannot have an empty value).
BLANK = "blank"
# Form field names of a template's env values and headers: ``template_env:KEY``, ``template_headers:Name``.
TEMPLATE_FIELD = "template_{what}:"


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


def unique_name(base: str, taken: list[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… when a server already has that name."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def draft_of_template(template: ServerTemplate, name: str) -> Server:
    """The add form prefilled from a template."""
    return Server(
        name=name,
        description=template.description,
        transport=template.transport,
        command=template.command,
        args=list(template.args),
        url=template.url,
    )


def json_of_template(template: ServerTemplate, name: str) -> str:
    """JSON mode's body for a template: its id, the name, its arguments or URL, the values it needs."""
    body: dict[str, Any] = {"templateId": template.id, "name": name}
    if template.transport == "stdio":
        body["args"] = template.args
    else:
        body["url"] = template.url
    for what, values in (("env", template.env), ("headers", template.headers)):
        if any(v.required for v in values):
            body[what] = {v.key: "" for v in values if v.required}
    return json.dumps(body, indent=2)


def spec_from_template_form(form: dict[str, Any], template: ServerTemplate) -> dict[str, Any]:
    """The ``createServer`` body for the add form started from ``template``.

    Transport and command come from the template (the API refuses to change them); the values
    typed in the template's own fields join those of the free-form env/headers fields.
    """
    spec = spec_from_form({**form, "transport": template.transport}, [], [], editing=False)
    spec.pop("transport")
    spec.pop("command", None)
    spec["templateId"] = template.id
    for what in ("env", "headers"):
        prefix = TEMPLATE_FIELD.format(what=what)
        values = {k.removeprefix(prefix): str(v).strip() for k, v in form.items() if k.startswith(prefix)}
        values = {k: v for k, v in values.items() if v}
        if values:
            spec[what] = {**spec.get(what, {}), **values}
    return spec
