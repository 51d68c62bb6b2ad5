"""The REST API's background jobs and the worker.

Generated classes under the UI's names: see ``ui.api.types``.
"""

from __future__ import annotations

from ui.api.generated import (
    JobEnqueued,
    JobRun,
    JobRunPage,
    QueueState,
    ScheduledJob,
    WorkerOverview,
    WorkerProcess,
    WorkerSettings,
)

__all__ = [
    "JobEnqueued",
    "JobRun",
    "JobRunPage",
    "QueueState",
    "ScheduledJob",
    "WorkerOverview",
    "WorkerProcess",
    "WorkerSettings",
]
