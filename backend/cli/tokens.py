"""``mcp-orch tokens create|list|revoke`` and ``mcp-orch logout``: your credentials, through the REST API.

Personal access tokens are for automation (CI scripts, cron jobs): set ``MCP_ORCH_TOKEN`` to one
and every remote command works without a login. Creating and revoking them needs a signed-in
session (``mcp-orch login``): a token cannot mint tokens.
"""

from __future__ import annotations

from typing import Any

import click

from backend.cli.client import credentials_path, echo_json, echo_table, json_option, request

_SCOPES = click.Choice(["read", "write", "admin"])


@click.group()
def tokens() -> None:
    """Your personal access tokens (for scripts calling the REST API)."""


@tokens.command("create")
@click.option("--name", required=True, help="A name that says which script uses the token.")
@click.option(
    "--scope",
    "scopes",
    type=_SCOPES,
    multiple=True,
    default=("read",),
    show_default=True,
    help="read (GET), write (every method), admin (/api/admin, administrators); repeatable.",
)
@click.option("--project", "-p", default=None, help="Restrict the token to this project (slug or id).")
@click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True, help="Days until it expires.")
@click.option("--no-expiry", is_flag=True, help="A token that never expires (prefer --days).")
@json_option
def create(  # noqa: PLR0917 - one parameter per option, as click passes them
    name: str, scopes: tuple[str, ...], project: str | None, days: int, no_expiry: bool, as_json: bool
) -> None:
    """Create a token and print it: this is the only time it is shown."""
    body: dict[str, Any] = {"name": name, "scopes": sorted(set(scopes)), "expiresInDays": None if no_expiry else days}
    if project:
        body["project"] = project
    created = request("POST", "/api/auth/tokens", json=body)
    if as_json:
        echo_json(created)
        return
    click.echo(created["token"])
    click.echo(f"token {created['id']} ({created['name']}) created; store it now, it is not shown again", err=True)


@tokens.command("list")
@json_option
def list_tokens(as_json: bool) -> None:
    """List your tokens (never the tokens themselves)."""
    items = request("GET", "/api/auth/tokens")
    if as_json:
        echo_json(items)
        return
    rows = [
        {**item, "scopes": ",".join(item["scopes"]), "project": (item.get("project") or {}).get("slug", "")}
        for item in items
    ]
    echo_table(
        rows,
        [("ID", "id"), ("NAME", "name"), ("PREFIX", "prefix"), ("SCOPES", "scopes"), ("PROJECT", "project"),
         ("STATUS", "status"), ("EXPIRES", "expiresAt"), ("LAST USED", "lastUsedAt")],
    )  # fmt: skip


@tokens.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """Revoke the token TOKEN_ID at once."""
    request("DELETE", f"/api/auth/tokens/{token_id}")
    click.echo(f"token {token_id} revoked")


@click.command()
@click.option("--everywhere", is_flag=True, help="End every sign-in of your account, not only this one.")
def logout(everywhere: bool) -> None:
    """Sign out: the API ends the stored login's session, and the credentials file is removed."""
    request("POST", "/api/auth/logout-everywhere" if everywhere else "/api/auth/logout")
    path = credentials_path()
    path.unlink(missing_ok=True)
    click.echo("signed out everywhere" if everywhere else f"signed out; removed {path}")
