"""servers remember which client requests their shared upstream asked for

``mcp_server.asked_client``: the server→client methods (``sampling/createMessage``, ``elicitation/create``,
``roots/list``) a ``shared`` upstream of the server sent and the gateway had to refuse. Kept in the
database so every replica's API shows the server page's suggestion to switch isolation mode.

Revision ID: 3b6b05f39652
Revises: fa8d1643a30a
Create Date: 2026-12-05 21:40:00.000000+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "3b6b05f39652"
down_revision = "fa8d1643a30a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "mcp_server",
        sa.Column(
            "asked_client",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("mcp_server", "asked_client")
