"""oauth clients, consents, grants and tokens

OAuth 2.1 for the MCP endpoints: ``oauth_client`` (registered dynamically or known by its Client ID
Metadata Document URL), ``oauth_consent`` (a user's remembered approval of a client for one
endpoint), ``oauth_authorization_code`` (hashed, one use, PKCE-bound), ``oauth_grant`` (one
authorization's token family) and ``oauth_token`` (hashed access + refresh tokens).

Revision ID: f07345126c10
Revises: 651a67dadc9e
Create Date: 2026-12-04 16:17:23.429718+00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "f07345126c10"
down_revision = "651a67dadc9e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "oauth_client",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("client_id", sa.String(length=2048), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("client_secret_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "client_metadata",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("fetched_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_client")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_client_client_id")),
    )
    op.create_table(
        "oauth_consent",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("client_pk", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("project_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("resource", sa.String(length=2048), nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("revoked_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("last_used_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"], ["oauth_client.id"], name=op.f("fk_oauth_consent_client_pk_oauth_client"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_oauth_consent_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_oauth_consent_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_consent")),
    )
    op.create_index(op.f("ix_oauth_consent_client_pk"), "oauth_consent", ["client_pk"], unique=False)
    op.create_index(op.f("ix_oauth_consent_project_id"), "oauth_consent", ["project_id"], unique=False)
    op.create_index(op.f("ix_oauth_consent_user_id"), "oauth_consent", ["user_id"], unique=False)
    op.create_table(
        "oauth_grant",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("consent_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("revoked_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["oauth_consent.id"],
            name=op.f("fk_oauth_grant_consent_id_oauth_consent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_oauth_grant_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_grant")),
    )
    op.create_index(op.f("ix_oauth_grant_consent_id"), "oauth_grant", ["consent_id"], unique=False)
    op.create_index(op.f("ix_oauth_grant_user_id"), "oauth_grant", ["user_id"], unique=False)
    op.create_table(
        "oauth_authorization_code",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("consent_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2048), nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("code_challenge_method", sa.String(length=16), nullable=False),
        sa.Column("expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("used_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("grant_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["oauth_consent.id"],
            name=op.f("fk_oauth_authorization_code_consent_id_oauth_consent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["oauth_grant.id"],
            name=op.f("fk_oauth_authorization_code_grant_id_oauth_grant"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_authorization_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_oauth_authorization_code_code_hash")),
    )
    op.create_index(
        op.f("ix_oauth_authorization_code_consent_id"), "oauth_authorization_code", ["consent_id"], unique=False
    )
    op.create_table(
        "oauth_token",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("grant_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("access_token_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_token_hash", sa.String(length=64), nullable=True),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("access_expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("refresh_expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("revoked_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["oauth_grant.id"], name=op.f("fk_oauth_token_grant_id_oauth_grant"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_token")),
        sa.UniqueConstraint("access_token_hash", name=op.f("uq_oauth_token_access_token_hash")),
        sa.UniqueConstraint("refresh_token_hash", name=op.f("uq_oauth_token_refresh_token_hash")),
    )
    op.create_index(op.f("ix_oauth_token_grant_id"), "oauth_token", ["grant_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_oauth_token_grant_id"), table_name="oauth_token")
    op.drop_table("oauth_token")
    op.drop_index(op.f("ix_oauth_authorization_code_consent_id"), table_name="oauth_authorization_code")
    op.drop_table("oauth_authorization_code")
    op.drop_index(op.f("ix_oauth_grant_user_id"), table_name="oauth_grant")
    op.drop_index(op.f("ix_oauth_grant_consent_id"), table_name="oauth_grant")
    op.drop_table("oauth_grant")
    op.drop_index(op.f("ix_oauth_consent_user_id"), table_name="oauth_consent")
    op.drop_index(op.f("ix_oauth_consent_project_id"), table_name="oauth_consent")
    op.drop_index(op.f("ix_oauth_consent_client_pk"), table_name="oauth_consent")
    op.drop_table("oauth_consent")
    op.drop_table("oauth_client")
