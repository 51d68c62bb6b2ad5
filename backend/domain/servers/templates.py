"""The curated server templates, and turning a ``createServer`` body into a :class:`ServerCreate`.

A template fixes how a server is launched (transport, command, URL); the body may name it, give
the env values and headers it asks for, and replace its arguments. Required env keys or headers
that are missing are a 422 naming them, before anything is validated or stored.
"""

from __future__ import annotations

from backend.domain.servers import import_schemas as ims
from backend.domain.servers import schemas as s
from backend.domain.servers.validation import REMOTE_TRANSPORTS, field_error
from backend.lib.exceptions import UnprocessableError

_NPX = "npx"
_UVX = "uvx"

TEMPLATES: tuple[ims.ServerTemplate, ...] = (
    ims.ServerTemplate(
        id="time",
        name="Time",
        description="Current time and time-zone conversion.",
        transport="stdio",
        command=_UVX,
        args=["mcp-server-time"],
        url=None,
        env=[],
        headers=[],
        args_help="Add --local-timezone=Europe/Paris to override the detected time zone.",
    ),
    ims.ServerTemplate(
        id="fetch",
        name="Fetch",
        description="Fetch a web page and return it as Markdown.",
        transport="stdio",
        command=_UVX,
        args=["mcp-server-fetch"],
        url=None,
        env=[],
        headers=[],
        args_help="Add --ignore-robots-txt or --user-agent=... if needed.",
    ),
    ims.ServerTemplate(
        id="filesystem",
        name="Filesystem",
        description="Read, write and search files inside the allowed directories.",
        transport="stdio",
        command=_NPX,
        args=["-y", "@modelcontextprotocol/server-filesystem", "/data/files"],
        url=None,
        env=[],
        headers=[],
        args_help="The arguments after the package are the directories the server may access; replace them.",
    ),
    ims.ServerTemplate(
        id="git",
        name="Git",
        description="Read, search and change a local Git repository.",
        transport="stdio",
        command=_UVX,
        args=["mcp-server-git"],
        url=None,
        env=[],
        headers=[],
        args_help="Add --repository /path/to/repo to pin one repository.",
    ),
    ims.ServerTemplate(
        id="memory",
        name="Memory",
        description="A persistent knowledge graph the model can store facts in.",
        transport="stdio",
        command=_NPX,
        args=["-y", "@modelcontextprotocol/server-memory"],
        url=None,
        env=[
            ims.TemplateValue(
                key="MEMORY_FILE_PATH",
                help="Where the graph is stored (a .jsonl file path); default: next to the package.",
                required=False,
            )
        ],
        headers=[],
    ),
    ims.ServerTemplate(
        id="everything",
        name="Everything",
        description="The MCP reference test server: tools, prompts and resources of every kind.",
        transport="stdio",
        command=_NPX,
        args=["-y", "@modelcontextprotocol/server-everything"],
        url=None,
        env=[],
        headers=[],
    ),
    ims.ServerTemplate(
        id="github",
        name="GitHub",
        description="Repositories, issues and pull requests through the GitHub API.",
        transport="stdio",
        command=_NPX,
        args=["-y", "@modelcontextprotocol/server-github"],
        url=None,
        env=[
            ims.TemplateValue(
                key="GITHUB_PERSONAL_ACCESS_TOKEN",
                help="A GitHub personal access token (Settings → Developer settings → Personal access "
                "tokens) with the repo scopes the tools need. Stored encrypted.",
            )
        ],
        headers=[],
    ),
    ims.ServerTemplate(
        id="remote-http",
        name="Remote server (Streamable HTTP)",
        description="An MCP server reachable over Streamable HTTP, authenticated with a bearer token.",
        transport="streamable-http",
        command=None,
        args=[],
        url="https://mcp.example.com/mcp",
        env=[],
        headers=[
            ims.TemplateValue(
                key="Authorization",
                help="The credential the remote server expects, e.g. 'Bearer <token>'. Stored encrypted.",
            )
        ],
        args_help="Replace the URL with your server's endpoint.",
    ),
)

_BY_ID = {t.id: t for t in TEMPLATES}


def list_templates() -> list[ims.ServerTemplate]:
    """The catalogue, in display order."""
    return list(TEMPLATES)


def get_template(template_id: str) -> ims.ServerTemplate:
    """The template with ``template_id``; an unknown id is a 422 on ``templateId``."""
    template = _BY_ID.get(template_id)
    if template is None:
        raise field_error("templateId", f"Unknown server template {template_id!r}; see GET /api/server-templates")
    return template


def _missing(required: list[ims.TemplateValue], given: dict[str, str], what: str) -> UnprocessableError | None:
    # Header names are case-insensitive on the wire; env keys are not.
    present = {k.lower() for k, v in given.items() if v} if what == "headers" else {k for k, v in given.items() if v}
    missing = [v.key for v in required if v.required and (v.key.lower() if what == "headers" else v.key) not in present]
    if not missing:
        return None
    return field_error(what, f"The template needs {what} values for: {', '.join(missing)}")


def from_template(template: ims.ServerTemplate, data: s.ServerCreateRequest) -> s.ServerCreate:
    """The server ``data`` asks for, launched as ``template`` says."""
    if data.command is not None:
        raise field_error("command", "command comes from the template and cannot be changed")
    if data.transport is not None and data.transport != template.transport:
        raise field_error("transport", f"transport comes from the template ({template.transport})")
    if data.url is not None and template.transport not in REMOTE_TRANSPORTS:
        raise field_error("url", "url applies to remote templates only")
    for error in (_missing(template.env, data.env, "env"), _missing(template.headers, data.headers, "headers")):
        if error is not None:
            raise error
    return s.ServerCreate(
        name=data.name or template.id,
        description=data.description if data.description is not None else template.description,
        transport=template.transport,
        command=template.command,
        args=list(data.args) if data.args is not None else list(template.args),
        env=dict(data.env),
        cwd=data.cwd,
        url=data.url or template.url,
        headers=dict(data.headers),
        timeout_seconds=data.timeout_seconds,
        enabled=data.enabled,
        isolation=data.isolation,
        network=data.network,
        memory_mb=data.memory_mb,
        max_processes=data.max_processes,
        max_open_files=data.max_open_files,
    )


def resolve_create(data: s.ServerCreateRequest) -> s.ServerCreate:
    """The :class:`ServerCreate` a ``createServer`` body describes (from a template or in full)."""
    if data.template_id is not None:
        return from_template(get_template(data.template_id), data)
    if data.name is None:
        raise field_error("name", "name is required (or give a templateId)")
    return s.ServerCreate(
        name=data.name,
        description=data.description or "",
        transport=data.transport or "stdio",
        command=data.command,
        args=list(data.args or []),
        env=dict(data.env),
        cwd=data.cwd,
        url=data.url,
        headers=dict(data.headers),
        timeout_seconds=data.timeout_seconds,
        enabled=data.enabled,
        isolation=data.isolation,
        network=data.network,
        memory_mb=data.memory_mb,
        max_processes=data.max_processes,
        max_open_files=data.max_open_files,
    )
