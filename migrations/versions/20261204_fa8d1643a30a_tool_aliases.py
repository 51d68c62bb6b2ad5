"""tool aliases

``catalogue_item.alias``: the name clients see for a tool instead of the upstream's (unique per server
among aliases here; against tool names the service checks). ``tool_call.tool_alias``: the name a call
used when the tool had an alias (``tool`` stays the upstream's name).

Revision ID: fa8d1643a30a
Revises: 97e4f788c2f6
Create Date: 2026-12-04 19:20:58.339477+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "fa8d1643a30a"
down_revision = "97e4f788c2f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("catalogue_item", sa.Column("alias", sa.String(length=64), nullable=True))
    op.create_unique_constraint("uq_catalogue_item_server_alias", "catalogue_item", ["server_id", "alias"])
    op.add_column("tool_call", sa.Column("tool_alias", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("tool_call", "tool_alias")
    op.drop_constraint("uq_catalogue_item_server_alias", "catalogue_item", type_="unique")
    op.drop_column("catalogue_item", "alias")
