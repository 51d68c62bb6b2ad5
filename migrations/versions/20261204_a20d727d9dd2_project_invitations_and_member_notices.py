"""project invitations and member notices

``project_invitation``: pending invitations for emails without an account (a link with a random
token; hashed for lookup, encrypted so owners can copy the link again). ``project_member.noticed_at``:
when a member saw that someone added them; existing memberships count as seen.

Revision ID: a20d727d9dd2
Revises: f07345126c10
Create Date: 2026-12-04 16:27:56.935434+00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, EncryptedString, EncryptedText, JsonB
from advanced_alchemy.types.encrypted_string import FernetBackend
from alembic import op

from backend.lib.keys import encryption_key

# Autogenerate renders advanced-alchemy types as sa.<Type>; make those names resolve.
sa.GUID = GUID  # type: ignore[attr-defined]
sa.DateTimeUTC = DateTimeUTC  # type: ignore[attr-defined]
sa.JsonB = JsonB  # type: ignore[attr-defined]
sa.EncryptedString = EncryptedString  # type: ignore[attr-defined]
sa.EncryptedText = EncryptedText  # type: ignore[attr-defined]
# Encrypted columns render with their key callable and backend class; the DDL is plain TEXT.
_ = (FernetBackend, encryption_key)

revision = "a20d727d9dd2"
down_revision = "f07345126c10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "project_invitation",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("project_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("invited_as", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "token",
            advanced_alchemy.types.encrypted_string.EncryptedString(
                key=encryption_key, backend=FernetBackend, length=None
            ),
            nullable=False,
        ),
        sa.Column("invited_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("accepted_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("accepted_by_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("revoked_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["user_account.id"],
            name=op.f("fk_project_invitation_accepted_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_project_invitation_invited_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_invitation_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_project_invitation_token_hash")),
    )
    op.create_index(op.f("ix_project_invitation_email"), "project_invitation", ["email"], unique=False)
    op.create_index(op.f("ix_project_invitation_project_id"), "project_invitation", ["project_id"], unique=False)
    op.add_column(
        "project_member",
        sa.Column("noticed_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    )
    op.execute("UPDATE project_member SET noticed_at = now()")


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("project_member", "noticed_at")
    op.drop_index(op.f("ix_project_invitation_project_id"), table_name="project_invitation")
    op.drop_index(op.f("ix_project_invitation_email"), table_name="project_invitation")
    op.drop_table("project_invitation")
