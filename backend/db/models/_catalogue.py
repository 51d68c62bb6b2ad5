from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class CatalogueItem(UUIDv7AuditBase):
    """One tool, prompt, resource or resource template a server offers (cached from the upstream).

    ``name`` is the tool/prompt name, the resource URI or the template's URI template. ``enabled``
    is the user's choice for tools; refreshes never reset it (rows are upserted, not replaced).
    ``alias`` (tools only) is the name clients see instead of ``name``: unique within the server among
    its tools' names and aliases (the constraint covers alias against alias; the service checks names).
    """

    __tablename__ = "catalogue_item"
    __table_args__ = (
        UniqueConstraint("server_id", "kind", "name", name="uq_catalogue_item_server_kind_name"),
        UniqueConstraint("server_id", "alias", name="uq_catalogue_item_server_alias"),
        Index("ix_catalogue_item_project_kind", "project_id", "kind"),
    )

    server_id: Mapped[UUID] = mapped_column(ForeignKey("mcp_server.id", ondelete="CASCADE"))
    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # tool | prompt | resource | resource_template
    name: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(String(512), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    input_schema: Mapped[dict[str, Any] | None] = mapped_column(JsonB, default=None)
    output_schema: Mapped[dict[str, Any] | None] = mapped_column(JsonB, default=None)
    annotations: Mapped[dict[str, Any] | None] = mapped_column(JsonB, default=None)
    # The raw MCP object as the upstream sent it (Tool, Prompt, Resource, ResourceTemplate).
    definition: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    alias: Mapped[str | None] = mapped_column(String(64), default=None)
