"""Schemas for adding servers in one step: an ``mcpServers`` import and the curated templates."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from backend.domain.servers.schemas import Transport
from backend.lib.schema import CamelizedBaseStruct


class ImportEntryResult(CamelizedBaseStruct):
    """What happened to one ``mcpServers`` entry."""

    key: str
    name: str
    outcome: Literal["created", "skipped", "invalid"]
    detail: str | None = None
    server_id: UUID | None = None
    needs_values: list[str] = []


class ImportReport(CamelizedBaseStruct):
    """Per-entry results of an import."""

    created: int
    skipped: int
    invalid: int
    results: list[ImportEntryResult]


class TemplateValue(CamelizedBaseStruct):
    """An env key or header a template asks for, with help on where to get its value."""

    key: str
    help: str
    required: bool = True


class ServerTemplate(CamelizedBaseStruct):
    """A curated server to add in one step (``POST .../servers`` with ``templateId``)."""

    id: str
    name: str
    description: str
    transport: Transport
    command: str | None
    args: list[str]
    url: str | None
    env: list[TemplateValue]
    headers: list[TemplateValue]
    args_help: str | None = None
