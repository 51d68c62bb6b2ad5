"""Remote commands: ``login``, ``list-projects``, ``list-servers``, ``list-tools`` and ``call``."""

from __future__ import annotations

import json
from typing import Any

import click

from backend.cli.client import (
    api_url,
    echo_json,
    echo_table,
    json_option,
    project_path,
    request,
    save_credentials,
)

_project_option = click.option("--project", "-p", required=True, help="Project slug or id.")


@click.command()
@click.option("--email", required=True, help="Your account's email.")
@click.option("--password", prompt=True, hide_input=True, help="Your password (prompted when omitted).")
def login(email: str, password: str) -> None:
    """Log in to the API at MCP_ORCH_URL and store the access token for later commands."""
    answer = request("POST", "/api/auth/login", auth=False, json={"email": email, "password": password})
    path = save_credentials(
        {
            "url": api_url(),
            "email": answer["user"]["email"],
            "accessToken": answer["accessToken"],
            "expiresAt": answer.get("expiresAt"),
        }
    )
    click.echo(f"logged in as {answer['user']['email']}; token stored in {path} (expires {answer.get('expiresAt')})")


@click.command("list-projects")
@click.option("--search", default=None, help="Only projects whose name or slug matches.")
@json_option
def list_projects(search: str | None, as_json: bool) -> None:
    """List the projects you belong to (all of them for administrators)."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        params: dict[str, Any] = {"page": page, "pageSize": 200}
        if search:
            params["search"] = search
        answer = request("GET", "/api/projects", params=params)
        items.extend(answer["items"])
        if len(items) >= answer["total"] or not answer["items"]:
            break
        page += 1
    if as_json:
        echo_json(items)
        return
    rows = [{**item, "archived": item.get("archivedAt") is not None} for item in items]
    echo_table(
        rows,
        [("SLUG", "slug"), ("NAME", "name"), ("ROLE", "myRole"), ("SERVERS", "serverCount"),
         ("MEMBERS", "memberCount"), ("ARCHIVED", "archived")],
    )  # fmt: skip


@click.command("list-servers")
@_project_option
@json_option
def list_servers(project: str, as_json: bool) -> None:
    """List a project's servers with their status."""
    servers = request("GET", project_path(project, "/servers"))
    if as_json:
        echo_json(servers)
        return
    rows = [{**row, "target": row.get("url") or " ".join([row.get("command") or "", *row["args"]])} for row in servers]
    echo_table(
        rows,
        [("NAME", "name"), ("TRANSPORT", "transport"), ("ENABLED", "enabled"), ("STATUS", "status"),
         ("TOOLS", "toolsCount"), ("TARGET", "target")],
    )  # fmt: skip


@click.command("list-tools")
@_project_option
@click.option("--server", "-s", default=None, help="Only this server's tools (name or id).")
@json_option
def list_tools(project: str, server: str | None, as_json: bool) -> None:
    """List the cached tools of a project's servers and each endpoint's context budget.

    The budget is the size of each endpoint's ``tools/list`` answer, in bytes and estimated tokens
    (``ceil(bytes / 4)``): what a client's context pays for the tool list. Refresh a server to update it.
    """
    params = {"server": server} if server else {}
    answer = request("GET", project_path(project, "/tools"), params=params)
    if as_json:
        echo_json(answer)
        return
    echo_table(
        answer["items"],
        [("SERVER", "serverName"), ("TOOL", "name"), ("ENABLED", "enabled"), ("TOKENS", "contextTokens"),
         ("DESCRIPTION", "description")],
    )  # fmt: skip
    click.echo("")
    click.echo("Context budget (tools/list size per endpoint; tokens estimated as bytes / 4):")
    echo_table(_budget_rows(answer["contextBudget"], server, answer["items"]), _BUDGET_COLUMNS)


_BUDGET_COLUMNS = [("ENDPOINT", "endpoint"), ("TOOLS", "tools"), ("BYTES", "bytes"), ("TOKENS", "tokens")]


def _budget_rows(budget: dict[str, Any], server: str | None, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The unified endpoint first, then the server endpoints (only the asked one with ``--server``)."""
    names = {server, *(item["serverName"] for item in items)} if server else set(budget["servers"])
    rows = [{"endpoint": "(unified)", **budget["unified"]}]
    rows += [{"endpoint": name, **entry} for name, entry in sorted(budget["servers"].items()) if name in names]
    return rows


def _arguments(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise click.BadParameter(f"not valid JSON: {exc}", param_hint="--args") from exc
    if not isinstance(value, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--args")
    return value


@click.command()
@_project_option
@click.option("--server", "-s", required=True, help="Server name or id.")
@click.argument("tool")
@click.option("--args", "raw_args", default="{}", show_default=True, help="Tool arguments as a JSON object.")
@json_option
def call(project: str, server: str, tool: str, raw_args: str, as_json: bool) -> None:
    """Call TOOL on a server and print the result; exit code 1 when the tool reports an error."""
    arguments = _arguments(raw_args)
    result = request(
        "POST", project_path(project, f"/servers/{server}/tools/{tool}/call"), json={"arguments": arguments}
    )
    if as_json:
        echo_json(result)
    else:
        _print_result(result)
    if result.get("isError"):
        click.get_current_context().exit(1)


def _print_result(result: dict[str, Any]) -> None:
    """Text blocks as text; other blocks and structured content as JSON."""
    for block in result.get("content") or []:
        if block.get("type") == "text":
            click.echo(block.get("text", ""))
        else:
            echo_json(block)
    if result.get("structuredContent") is not None:
        echo_json(result["structuredContent"])
    if result.get("isError"):
        click.echo("the tool reported an error", err=True)
