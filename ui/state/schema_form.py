"""A form generated from a tool's JSON Schema, and the arguments it produces.

Scalar properties get inputs (text, number, switch, select for enums); objects, arrays and
anything more complex get a JSON text box. Values are kept as strings in state and converted
when the call is made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SCALARS = {"string", "number", "integer", "boolean"}


class ArgumentError(ValueError):
    """A form value does not fit its schema type."""


@dataclass
class FormField:
    """One input of the generated form."""

    name: str = ""
    kind: str = "string"  # string | number | integer | boolean | enum | json
    label: str = ""
    description: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)
    placeholder: str = ""


def _kind(prop: dict[str, Any]) -> str:
    if "enum" in prop and all(isinstance(v, str) for v in prop["enum"]):
        return "enum"
    kind = prop.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return kind if kind in SCALARS else "json"


def fields_of(schema: dict[str, Any] | None) -> list[FormField]:
    """The form fields for a tool's ``inputSchema`` (empty for tools without arguments)."""
    props = (schema or {}).get("properties") or {}
    required = set((schema or {}).get("required") or [])
    fields = []
    for name, raw in props.items():
        prop = raw if isinstance(raw, dict) else {}
        kind = _kind(prop)
        fields.append(
            FormField(
                name=name,
                kind=kind,
                label=str(prop.get("title") or name),
                description=str(prop.get("description") or ""),
                required=name in required,
                options=[str(v) for v in prop.get("enum", [])] if kind == "enum" else [],
                placeholder="JSON value" if kind == "json" else str(prop.get("type") or ""),
            )
        )
    return fields


def defaults_of(schema: dict[str, Any] | None) -> dict[str, str]:
    """Initial form values from the schema's ``default`` keys."""
    values: dict[str, str] = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        if isinstance(prop, dict) and "default" in prop:
            default = prop["default"]
            values[name] = default if isinstance(default, str) else json.dumps(default)
    return values


def _convert(f: FormField, raw: str) -> Any:
    if f.kind in ("string", "enum"):
        return raw
    if f.kind == "boolean":
        return raw == "true"
    if f.kind in ("number", "integer"):
        try:
            number = float(raw)
        except ValueError as exc:
            raise ArgumentError(f"{f.name}: expected a number") from exc
        if f.kind == "integer":
            if not number.is_integer():
                raise ArgumentError(f"{f.name}: expected an integer")
            return int(number)
        return int(number) if number.is_integer() and "." not in raw else number
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ArgumentError(f"{f.name}: invalid JSON ({exc.msg})") from exc


def arguments_from(fields: list[FormField], values: dict[str, str]) -> dict[str, Any]:
    """Tool arguments from the form values; empty optional fields are left out."""
    arguments: dict[str, Any] = {}
    for f in fields:
        raw = values.get(f.name, "")
        if raw == "" and f.kind != "boolean":
            if f.required:
                raise ArgumentError(f"{f.name} is required")
            continue
        if f.kind == "boolean" and raw == "" and not f.required:
            continue
        arguments[f.name] = _convert(f, raw)
    return arguments


def values_from(fields: list[FormField], arguments: dict[str, Any]) -> dict[str, str]:
    """Form values for given arguments (switching from JSON mode back to the form)."""
    values: dict[str, str] = {}
    for f in fields:
        if f.name not in arguments:
            continue
        value = arguments[f.name]
        if f.kind == "boolean":
            values[f.name] = "true" if value else "false"
        elif isinstance(value, str) and f.kind in ("string", "enum"):
            values[f.name] = value
        else:
            values[f.name] = json.dumps(value) if f.kind == "json" else str(value)
    return values


def parse_arguments(text: str) -> dict[str, Any]:
    """Arguments typed in raw JSON mode."""
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError as exc:
        raise ArgumentError(f"Invalid JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(value, dict):
        raise ArgumentError("Arguments must be a JSON object")
    return value
