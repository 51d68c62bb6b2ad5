"""Server templates in the add dialog (form → ``createServer`` body) and counts in words."""

from __future__ import annotations

import json

import msgspec
import pytest

from backend.domain.servers import schemas as s
from backend.domain.servers.templates import TEMPLATES, resolve_create
from backend.lib.exceptions import UnprocessableError
from ui.api.convert import decode
from ui.api.types_servers import ServerTemplate
from ui.plural import counted
from ui.state.server_spec import draft_of_template, json_of_template, spec_from_template_form, unique_name


def _catalogue() -> dict[str, ServerTemplate]:
    """The backend's catalogue as the UI decodes it from ``GET /api/server-templates``."""
    wire = msgspec.json.decode(msgspec.json.encode(list(TEMPLATES)))
    return {t.id: t for t in (decode(ServerTemplate, item) for item in wire)}


def _create(spec: dict[str, object]) -> s.ServerCreate:
    """What the API makes of the body the UI sends."""
    return resolve_create(msgspec.json.decode(json.dumps(spec), type=s.ServerCreateRequest))


def _form(template: ServerTemplate, name: str, **extra: str) -> dict[str, str]:
    draft = draft_of_template(template, name)
    form = {"name": draft.name, "description": draft.description, "timeout": "60", "isolation": "shared"}
    form |= {"command": draft.command or "", "args": "\n".join(draft.args), "url": draft.url or ""}
    return form | extra


def test_the_catalogue_decodes_with_values_help_and_args_help() -> None:
    catalogue = _catalogue()
    github = catalogue["github"]
    assert (github.transport, github.command) == ("stdio", "npx")
    assert [(v.key, v.required) for v in github.env] == [("GITHUB_PERSONAL_ACCESS_TOKEN", True)]
    assert "personal access token" in github.env[0].help
    assert catalogue["time"].args_help
    assert [v.key for v in catalogue["remote-http"].headers] == ["Authorization"]


def test_suggested_names_do_not_clash_with_existing_servers() -> None:
    assert unique_name("github", ["time"]) == "github"
    assert unique_name("github", ["github", "github-2"]) == "github-3"


def test_a_template_form_becomes_a_create_with_the_required_env_value() -> None:
    github = _catalogue()["github"]
    form = _form(github, "github-2", env="EXTRA=1", **{"template_env:GITHUB_PERSONAL_ACCESS_TOKEN": " ghp_x "})
    spec = spec_from_template_form(form, github)
    assert spec["templateId"] == "github"
    assert "command" not in spec
    assert "transport" not in spec
    assert spec["env"] == {"EXTRA": "1", "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_x"}
    created = _create(spec)
    assert (created.name, created.command, created.args) == ("github-2", "npx", github.args)


def test_a_missing_required_value_is_left_to_the_api_which_names_it() -> None:
    github = _catalogue()["github"]
    spec = spec_from_template_form(_form(github, "github", **{"template_env:GITHUB_PERSONAL_ACCESS_TOKEN": ""}), github)
    with pytest.raises(UnprocessableError) as caught:
        _create(spec)
    assert "GITHUB_PERSONAL_ACCESS_TOKEN" in str(caught.value.extra)


def test_a_remote_template_sends_its_url_and_header() -> None:
    remote = _catalogue()["remote-http"]
    form = _form(remote, "remote-http", url="https://mcp.test/mcp", **{"template_headers:Authorization": "Bearer t"})
    created = _create(spec_from_template_form(form, remote))
    assert (created.transport, created.url, created.headers) == (
        "streamable-http",
        "https://mcp.test/mcp",
        {"Authorization": "Bearer t"},
    )


def test_json_mode_for_a_template_lists_the_required_values_to_fill() -> None:
    body = json.loads(json_of_template(_catalogue()["github"], "github-2"))
    assert body == {
        "templateId": "github",
        "name": "github-2",
        "args": ["-y", "@modelcontextprotocol/server-github"],
        "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": ""},
    }


def test_counts_use_the_singular_for_one() -> None:
    assert [counted(n, "server") for n in (0, 1, 2)] == ["0 servers", "1 server", "2 servers"]
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(3, "entry", "entries") == "3 entries"
