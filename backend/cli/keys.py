"""``mcp-orch keys create|list|revoke``: a project's API keys, through the REST API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from backend.cli.client import echo_json, echo_table, json_option, project_path, request

_project_option = click.option("--project", "-p", required=True, help="Project slug or id.")


@click.group()
def keys() -> None:
    """API keys of a project (for MCP clients)."""


@keys.command("create")
@_project_option
@click.option("--name", required=True, help="A name that says who or what uses the key.")
@click.option("--expires", default=None, help="Expiry as ISO 8601 (e.g. 2027-01-31T00:00:00Z); default never.")
@json_option
def create(project: str, name: str, expires: str | None, as_json: bool) -> None:
    """Create a key and print it: this is the only time the full key is shown."""
    body: dict[str, Any] = {"name": name}
    if expires:
        try:
            datetime.fromisoformat(expires.replace("Z", "+00:00"))
        except ValueError as exc:
            raise click.BadParameter("not an ISO 8601 date-time", param_hint="--expires") from exc
        body["expiresAt"] = expires
    created = request("POST", project_path(project, "/api-keys"), json=body)
    if as_json:
        echo_json(created)
        return
    click.echo(created["key"])
    click.echo(f"key {created['id']} ({created['name']}) created; store it now, it is not shown again", err=True)


@keys.command("list")
@_project_option
@json_option
def list_keys(project: str, as_json: bool) -> None:
    """List keys (owners see every key, developers their own); never the keys themselves."""
    items = request("GET", project_path(project, "/api-keys"))
    if as_json:
        echo_json(items)
        return
    echo_table(
        items,
        [("ID", "id"), ("NAME", "name"), ("PREFIX", "prefix"), ("STATUS", "status"),
         ("EXPIRES", "expiresAt"), ("LAST USED", "lastUsedAt")],
    )  # fmt: skip


@keys.command("revoke")
@_project_option
@click.argument("key_id")
def revoke(project: str, key_id: str) -> None:
    """Revoke the key KEY_ID at once."""
    request("DELETE", project_path(project, f"/api-keys/{key_id}"))
    click.echo(f"key {key_id} revoked")
