"""test run slot

Running test runs (``POST …/servers/test``) as rows, so the per-user and per-project limits
(``MCP_ORCH_MAX_TEST_RUNS_PER_USER`` / ``_PER_PROJECT``) hold across API replicas. A row is
deleted when its test run ends; ``expires_at`` bounds the row of a process that died first.

Revision ID: 0200338c2a4d
Revises: 2d62a7cba1e7
Create Date: 2026-12-03 18:15:50.331033+00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0200338c2a4d"
down_revision = "2d62a7cba1e7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "test_run_slot",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("project_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("started_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_test_run_slot_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_test_run_slot_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_run_slot")),
    )
    op.create_index(op.f("ix_test_run_slot_project_id"), "test_run_slot", ["project_id"], unique=False)
    op.create_index(op.f("ix_test_run_slot_user_id"), "test_run_slot", ["user_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_test_run_slot_user_id"), table_name="test_run_slot")
    op.drop_index(op.f("ix_test_run_slot_project_id"), table_name="test_run_slot")
    op.drop_table("test_run_slot")
