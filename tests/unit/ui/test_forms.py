"""The UI's form helpers: JSON-Schema forms, server specs, tool results, API decoding."""

from __future__ import annotations

import pytest

from ui.api.convert import decode
from ui.api.types import Member, Project
from ui.api.types_servers import Server
from ui.state.schema_form import ArgumentError, arguments_from, fields_of, parse_arguments, values_from
from ui.state.server_spec import SpecError, json_of, parse_import, spec_from_form, spec_from_json
from ui.state.tool_result import tool_result

SCHEMA = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "Some text"},
        "count": {"type": "integer"},
        "ratio": {"type": "number"},
        "loud": {"type": "boolean"},
        "mode": {"enum": ["a", "b"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "maybe": {"type": ["string", "null"]},
    },
    "required": ["text"],
}


def test_schema_form_fields_follow_the_json_schema_types() -> None:
    kinds = {f.name: f.kind for f in fields_of(SCHEMA)}
    assert kinds == {
        "text": "string",
        "count": "integer",
        "ratio": "number",
        "loud": "boolean",
        "mode": "enum",
        "tags": "json",
        "maybe": "string",
    }
    assert [f.name for f in fields_of(SCHEMA) if f.required] == ["text"]
    assert fields_of(None) == []


def test_schema_form_converts_values_and_leaves_out_empty_optional_fields() -> None:
    fields = fields_of(SCHEMA)
    values = {"text": "hi", "count": "3", "ratio": "0.5", "loud": "true", "mode": "b", "tags": '["x"]', "maybe": ""}
    assert arguments_from(fields, values) == {
        "text": "hi",
        "count": 3,
        "ratio": 0.5,
        "loud": True,
        "mode": "b",
        "tags": ["x"],
    }
    assert values_from(fields, arguments_from(fields, values))["tags"] == '["x"]'


@pytest.mark.parametrize(
    ("values", "message"),
    [({}, "text is required"), ({"text": "x", "count": "1.5"}, "integer"), ({"text": "x", "tags": "[oops"}, "JSON")],
)
def test_schema_form_rejects_values_that_do_not_fit(values: dict[str, str], message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        arguments_from(fields_of(SCHEMA), values)


def test_raw_json_arguments_must_be_an_object() -> None:
    assert parse_arguments('{"a": 1}') == {"a": 1}
    with pytest.raises(ArgumentError):
        parse_arguments("[1]")


def test_server_form_builds_create_and_patch_bodies_without_leaking_kept_secrets() -> None:
    form = {"name": "echo", "transport": "stdio", "command": "python", "args": "a.py\n\n--flag", "env": "A=1\nB = two"}
    created = spec_from_form(form, [], [], editing=False)
    assert created["args"] == ["a.py", "--flag"]
    assert created["env"] == {"A": "1", "B": "two"}
    patch = spec_from_form({**form, "env": ""}, ["OLD"], [], editing=True)
    assert patch["env"] == {"OLD": None}  # only removals, kept values are not sent
    assert "env" not in spec_from_form({**form, "env": ""}, [], [], editing=True)
    remote = spec_from_form({"name": "r", "transport": "sse", "url": "http://x/sse", "headers": "X-Key: v"}, [], [],
                            editing=False)  # fmt: skip
    assert remote["headers"] == {"X-Key": "v"}
    assert "command" not in remote
    with pytest.raises(SpecError, match="line 1"):
        spec_from_form({**form, "env": "no-equals-sign"}, [], [], editing=False)


def test_server_json_mode_and_import_accept_the_usual_shapes() -> None:
    assert spec_from_json('{"name": "r", "url": "http://h/mcp"}')["transport"] == "streamable-http"
    with pytest.raises(SpecError, match="Import"):
        spec_from_json('{"mcpServers": {}}')
    assert parse_import('{"mcpServers": {"a": {"command": "npx"}}}') == {"a": {"command": "npx"}}
    assert parse_import('{"a": {"command": "npx"}}') == {"a": {"command": "npx"}}
    with pytest.raises(SpecError):
        parse_import("{}")
    assert '"env"' not in json_of(Server(name="s", command="npx", env={"K": {"set": True}}))


def test_tool_result_renders_every_block_kind_and_flags_errors() -> None:
    result = tool_result(
        {
            "content": [
                {"type": "text", "text": '{"b": 1}'},
                {"type": "image", "data": "AAA", "mimeType": "image/png"},
                {"type": "resource", "resource": {"uri": "memo://x", "text": "hello"}},
                {"type": "something-new", "x": 1},
            ],
            "structuredContent": {"value": 1},
            "isError": True,
        },
        12.345,
    )
    assert [b.kind for b in result.blocks] == ["text", "image", "resource", "json"]
    assert result.blocks[0].text == '{\n  "b": 1\n}'
    assert result.blocks[1].src == "data:image/png;base64,AAA"
    assert result.blocks[2].uri == "memo://x"
    assert result.is_error
    assert result.duration_ms == 12.3
    assert '"value": 1' in result.structured


def test_api_json_decodes_into_snake_case_dataclasses_keeping_free_form_keys() -> None:
    project = decode(Project, {"id": "1", "memberCount": 2, "createdBy": {"id": "u", "name": "N"}, "myRole": None})
    assert project.member_count == 2
    assert project.created_by is not None
    assert project.created_by.name == "N"
    assert project.my_role is None
    member = decode(Member, {"userId": "u", "grants": [{"source": "team", "role": "owner", "teamName": "T"}]})
    assert member.grants[0].team_name == "T"
    server = decode(Server, {"env": {"MY_KEY": {"set": True}}, "timeoutSeconds": 60})
    assert list(server.env) == ["MY_KEY"]  # env keys are data: never renamed
    assert server.env["MY_KEY"].set is True
    assert server.timeout_seconds == 60.0
