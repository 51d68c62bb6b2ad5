"""api key suspension

``api_key.suspended_at``: when the key's creator lost developer access to its project. A suspended key
stays refused until an owner reassigns it, even if the creator regains access.

Revision ID: 97e4f788c2f6
Revises: a20d727d9dd2
Create Date: 2026-12-04 16:34:00.616541+00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "97e4f788c2f6"
down_revision = "a20d727d9dd2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "api_key", sa.Column("suspended_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("api_key", "suspended_at")
