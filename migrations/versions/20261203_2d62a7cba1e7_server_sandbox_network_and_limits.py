"""server sandbox network and limits

Per-server sandbox settings (issue 11): ``network`` ("outbound" or "none"; existing servers keep
the host network they had, hence the server default) and the resource limits an administrator may
set (NULL = the instance default from ``MCP_ORCH_SANDBOX_*``).

Revision ID: 2d62a7cba1e7
Revises: db1173d8d01b
Create Date: 2026-12-03 07:59:17.235063+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "2d62a7cba1e7"
down_revision = "db1173d8d01b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("mcp_server", sa.Column("network", sa.String(length=16), server_default="outbound", nullable=False))
    op.add_column("mcp_server", sa.Column("memory_mb", sa.Integer(), nullable=True))
    op.add_column("mcp_server", sa.Column("max_processes", sa.Integer(), nullable=True))
    op.add_column("mcp_server", sa.Column("max_open_files", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("mcp_server", "max_open_files")
    op.drop_column("mcp_server", "max_processes")
    op.drop_column("mcp_server", "memory_mb")
    op.drop_column("mcp_server", "network")
