"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, EncryptedString, EncryptedText, JsonB
from advanced_alchemy.types.encrypted_string import FernetBackend
from alembic import op

from backend.lib.keys import KeyedFernetBackend, encryption_key
${imports if imports else ""}

# Autogenerate renders advanced-alchemy types as sa.<Type>; make those names resolve.
sa.GUID = GUID  # type: ignore[attr-defined]
sa.DateTimeUTC = DateTimeUTC  # type: ignore[attr-defined]
sa.JsonB = JsonB  # type: ignore[attr-defined]
sa.EncryptedString = EncryptedString  # type: ignore[attr-defined]
sa.EncryptedText = EncryptedText  # type: ignore[attr-defined]
# Encrypted columns render with their key callable and backend class; the DDL is plain TEXT.
_ = (FernetBackend, KeyedFernetBackend, encryption_key)

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    """Apply this revision."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Revert this revision."""
    ${downgrades if downgrades else "pass"}
