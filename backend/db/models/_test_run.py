from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column


class TestRunSlot(UUIDv7Base):
    """One running test run (``POST …/servers/test``); every API process counts the same rows.

    The limits ``MCP_ORCH_MAX_TEST_RUNS_PER_USER`` / ``_PER_PROJECT`` count live rows
    (``expires_at`` in the future). The process that inserted a row deletes it when its test run
    ends; ``expires_at`` bounds the row of a process that died first.
    """

    __tablename__ = "test_run_slot"
    __test__ = False  # not a pytest test class, despite its name

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    # The API process running the test run (host:pid:random), for diagnosis.
    holder: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
