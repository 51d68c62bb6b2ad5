"""Fair sharing of test runs (``POST …/servers/test``): at most N at once per user and per project.

Counts are in-process (one API process runs the gateway that spawns the test runs). On top of these
limits, every running test run holds an upstream slot of its project in the gateway
(``Gateway.probe``), so test runs also count against ``max_upstreams`` and
``max_upstreams_per_project``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from backend.lib.exceptions import TooManyRequestsError

logger = logging.getLogger("mcp_orch.servers")

# A test run lasts seconds (at most the start timeout): clients may try again soon.
RETRY_AFTER_SECONDS = 5


class ProbeLimiter:
    """Counts running test runs per user and per project; refuses one past either limit (429).

    One per app, on its :class:`~backend.lib.runtime.Runtime` (``test_runs``).
    """

    def __init__(self, per_user: int, per_project: int) -> None:
        self.per_user = per_user
        self.per_project = per_project
        self._users: Counter[UUID] = Counter()
        self._projects: Counter[UUID] = Counter()

    @contextmanager
    def slot(self, user_id: UUID, project_id: UUID) -> Iterator[None]:
        """Hold one test-run slot of the user and of the project for the ``with`` block."""
        if self._users[user_id] >= self.per_user:
            raise _refusal(f"You already run {self.per_user} test runs at once (the limit); wait for one to end")
        if self._projects[project_id] >= self.per_project:
            raise _refusal(
                f"This project already runs {self.per_project} test runs at once (the limit); wait for one to end"
            )
        self._users[user_id] += 1
        self._projects[project_id] += 1
        try:
            yield
        finally:
            _drop(self._users, user_id)
            _drop(self._projects, project_id)


def _drop(counter: Counter[UUID], key: UUID) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]


def _refusal(message: str) -> TooManyRequestsError:
    logger.info("test run refused", extra={"reason": message})
    return TooManyRequestsError(message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
