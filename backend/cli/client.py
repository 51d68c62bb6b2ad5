"""HTTP client of the remote commands: they talk to a running API, never to the database.

The API's URL comes from ``MCP_ORCH_URL`` (default ``http://127.0.0.1:8000``). The bearer token
comes from ``MCP_ORCH_TOKEN``, else from the credentials file that ``mcp-orch login`` writes
(``$XDG_CONFIG_HOME/mcp-orch/credentials.json``, default ``~/.config/...``, mode 0600).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 120.0

F = TypeVar("F", bound=Callable[..., Any])


class ApiUnreachableError(click.ClickException):
    """The API did not answer (connection refused, DNS, timeout): exit code 2."""

    exit_code = 2


class ApiError(click.ClickException):
    """The API answered with an error; the message is its ``detail``: exit code 1."""

    exit_code = 1


def api_url() -> str:
    """The API's base URL (``MCP_ORCH_URL``), without a trailing slash."""
    return (os.environ.get("MCP_ORCH_URL", "").strip() or DEFAULT_URL).rstrip("/")


def credentials_path() -> Path:
    """Where ``login`` stores the access token (``XDG_CONFIG_HOME`` respected)."""
    base = os.environ.get("XDG_CONFIG_HOME", "").strip() or str(Path.home() / ".config")
    return Path(base) / "mcp-orch" / "credentials.json"


def save_credentials(data: dict[str, Any]) -> Path:
    """Write the credentials file, readable by its owner only (created 0600, never wider)."""
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have been created with a wider mode
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    return path


def stored_token() -> str | None:
    """The access token saved by ``login``, if any."""
    try:
        data = json.loads(credentials_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    token = data.get("accessToken") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def token() -> str | None:
    """``MCP_ORCH_TOKEN``, else the stored login token."""
    return os.environ.get("MCP_ORCH_TOKEN", "").strip() or stored_token()


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip() or f"HTTP {response.status_code}"
    if isinstance(body, dict) and body.get("detail"):
        return str(body["detail"])
    return f"HTTP {response.status_code}"


def request(method: str, path: str, *, auth: bool = True, **kwargs: Any) -> Any:
    """Send one request to the API and return its JSON (``None`` for an empty answer).

    Raises:
        ApiUnreachableError: the API could not be reached.
        ApiError: the API answered 4xx/5xx (message: its ``detail``).
    """
    headers: dict[str, str] = {}
    bearer = token() if auth else None
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    url = api_url()
    try:
        with httpx.Client(base_url=url, timeout=TIMEOUT_SECONDS) as http:
            response = http.request(method, path, headers=headers, **kwargs)
    except httpx.TransportError as exc:
        raise ApiUnreachableError(f"cannot reach the API at {url} ({exc}); is it running? Set MCP_ORCH_URL") from exc
    if response.status_code >= 400:
        hint = " - run `mcp-orch login` or set MCP_ORCH_TOKEN" if auth and response.status_code == 401 else ""
        raise ApiError(f"{_detail(response)} (HTTP {response.status_code}){hint}")
    return response.json() if response.content else None


def project_path(project: str, tail: str = "") -> str:
    """The REST path of a project (by slug or id) plus ``tail``."""
    return f"/api/projects/{project}{tail}"


def json_option(func: F) -> F:
    """The ``--json`` flag: raw JSON on stdout instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="Print the raw JSON answer (for scripts).")(func)


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value) or "-"
    return " ".join(str(value).split())


def echo_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> None:
    """Print ``rows`` as plain aligned columns; ``columns`` are ``(header, key)`` pairs."""
    if not rows:
        click.echo("(none)")
        return
    cells = [[_cell(row.get(key)) for _, key in columns] for row in rows]
    headers = [header for header, _ in columns]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    for line in [headers, *cells]:
        click.echo("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip())
