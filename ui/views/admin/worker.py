"""Admin worker section: status, jobs with next/last run, settings, pause/resume, run now, history."""

from __future__ import annotations

import reflex as rx

from ui.api.types_jobs import JobRun, ScheduledJob
from ui.components.auth_card import labelled
from ui.components.common import job_status_badge, stamp, time_ago
from ui.components.live import live_indicator
from ui.components.words import job_trigger_label
from ui.plural import counted_var
from ui.state.admin import AdminState
from ui.state.admin_live import WorkerLiveState

SETTINGS = [
    ("health_check_interval_seconds", "Health-check interval (s, 60-3600)"),
    ("probe_concurrency", "Servers probed at once"),
    ("retention_tool_calls_days", "Keep tool calls (days)"),
    ("retention_server_logs_days", "Keep server logs (days)"),
    ("retention_client_sessions_days", "Keep client sessions (days)"),
    ("retention_activity_days", "Keep activity (days)"),
]


def _job(job: rx.Var[ScheduledJob]) -> rx.Component:
    last = job.last_run
    return rx.table.row(
        rx.table.cell(rx.code(job.job)),
        rx.table.cell(
            rx.cond(
                job.interval_seconds,
                "every " + job.interval_seconds.to_string() + " s",  # type: ignore[union-attr]
                "daily at " + job.daily_at.to(str) + " UTC",
            )
        ),
        rx.table.cell(rx.text(time_ago(job.next_run_at), size="1")),
        rx.table.cell(
            rx.cond(
                last,
                rx.hstack(job_status_badge(last.status.to(str)), rx.text(time_ago(last.finished_at.to(str)), size="1")),  # type: ignore[union-attr]
                rx.text("never", size="1"),
            )
        ),
        rx.table.cell(
            rx.button("Run now", size="1", variant="soft", on_click=AdminState.run_now(job.job), class_name="run-now")
        ),
        align="center",
    )


def _run(run: rx.Var[JobRun]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(stamp(run.queued_at), size="1")),
        rx.table.cell(rx.code(run.job, size="1")),
        rx.table.cell(rx.text(job_trigger_label(run.trigger), title=run.trigger, size="1")),
        rx.table.cell(job_status_badge(run.status)),
        rx.table.cell(rx.text(rx.cond(run.duration_ms, run.duration_ms.to_string() + " ms", "—"), size="1")),  # type: ignore[union-attr]
        rx.table.cell(rx.text(rx.cond(run.error, run.error, ""), size="1", color_scheme="red")),
        id="run-" + run.id,
        class_name="job-run",
    )


def _settings_form() -> rx.Component:
    st = AdminState.worker.settings
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Settings", size="3"),
                rx.grid(
                    *[
                        labelled(
                            label,
                            rx.input(
                                name=name,
                                type="number",
                                default_value=getattr(st, name).to_string(),
                                id=f"worker-{name.replace('_', '-')}",
                                width="100%",
                            ),
                        )
                        for name, label in SETTINGS
                    ],
                    labelled(
                        "Retention run time (HH:MM UTC)",
                        rx.input(name="retention_time", default_value=st.retention_time, width="100%"),
                    ),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.button("Save settings", type="submit", id="worker-save"),
                width="100%",
                align="start",
            ),
            on_submit=AdminState.save_worker,
            reset_on_submit=False,
            key=st.health_check_interval_seconds.to_string() + st.retention_time,
        ),
        width="100%",
    )


def worker_section() -> rx.Component:
    """The worker."""
    w = AdminState.worker
    return rx.vstack(
        rx.hstack(
            rx.badge(
                rx.cond(w.paused, "Paused", "Running"),
                color_scheme=rx.cond(w.paused, "orange", "green"),
                title=rx.cond(w.paused, "paused", "running"),
                size="2",
                id="worker-state",
            ),
            rx.text(
                counted_var(w.workers.length(), "worker")  # type: ignore[attr-defined]
                + " · queue on "
                + rx.cond(w.queue.broker == "redis", "Redis", "PostgreSQL").to(str)  # type: ignore[attr-defined]
                + ": "
                + w.queue.queued.to_string()
                + " queued, "
                + w.queue.active.to_string()
                + " active",
                title="broker: " + w.queue.broker.to(str),  # type: ignore[attr-defined]
                size="2",
            ),
            rx.spacer(),
            rx.button(
                rx.cond(w.paused, "Resume", "Pause"),
                variant="soft",
                on_click=AdminState.set_paused(~w.paused),
                id="worker-pause",
            ),
            width="100%",
            align="center",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(h) for h in ("Job", "Schedule", "Next run", "Last run", "")])
            ),
            rx.table.body(rx.foreach(w.jobs, _job)),
            width="100%",
            variant="surface",
        ),
        _settings_form(),
        rx.hstack(rx.heading("History", size="3"), live_indicator(WorkerLiveState), align="center", spacing="3"),
        rx.table.root(rx.table.body(rx.foreach(AdminState.history, _run)), width="100%", size="1", variant="surface"),
        width="100%",
        spacing="4",
    )
