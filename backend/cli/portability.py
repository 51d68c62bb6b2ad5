"""``mcp-orch import`` / ``export``: a project's servers as ``mcpServers`` JSON, through the REST API."""

from __future__ import annotations

import json
from pathlib import Path

import click

from backend.cli.client import echo_json, echo_table, json_option, project_path, request


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "-p", required=True, help="Project slug or id.")
@json_option
def import_servers(file: Path, project: str, as_json: bool) -> None:
    """Import FILE (a ``{"mcpServers": {...}}`` document, as Claude Desktop, Cursor and Cline write it).

    Each entry is created, skipped (name taken) or invalid (with the reason); prints the report.
    """
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"not readable JSON: {exc}", param_hint="FILE") from exc
    if not isinstance(document, dict) or "mcpServers" not in document:
        raise click.BadParameter('expected an object with an "mcpServers" key', param_hint="FILE")
    report = request("POST", project_path(project, "/servers/import"), json={"mcpServers": document["mcpServers"]})
    if as_json:
        echo_json(report)
        return
    rows = [{**row, "needs": row.get("needsValues")} for row in report["results"]]
    echo_table(
        rows, [("ENTRY", "key"), ("NAME", "name"), ("OUTCOME", "outcome"), ("DETAIL", "detail"), ("NEEDS", "needs")]
    )
    click.echo(f"{report['created']} created, {report['skipped']} skipped, {report['invalid']} invalid")


@click.command("export")
@click.option("--project", "-p", required=True, help="Project slug or id.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")  # fmt: skip
def export_servers(project: str, output: Path | None) -> None:
    """Print (or write) the project's servers as ``mcpServers`` JSON; secrets become ``${NAME}`` placeholders."""
    document = request("GET", project_path(project, "/servers/export"))
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {len(document.get('mcpServers', {}))} servers to {output}", err=True)
