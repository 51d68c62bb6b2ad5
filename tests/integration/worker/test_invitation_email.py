"""Invitation emails: queued after the invitation is committed, sent by a real worker to a real SMTP server."""

from __future__ import annotations

import dataclasses
import email
from collections.abc import Iterator
from email.message import Message
from typing import Any

import anyio
import pytest
from aiosmtpd.controller import Controller

from backend.lib.settings import Settings
from tests.factories import PASSWORD, Api
from tests.integration._serving import free_port
from tests.integration.worker.conftest import StartWorker


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback (plain SMTP: no TLS on a test port)."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def settings(settings: Settings, smtp: tuple[Inbox, int]) -> Settings:
    mail = dataclasses.replace(
        settings.mail, host="127.0.0.1", port=smtp[1], security="none", sender="Orchestrator <orch@example.test>"
    )
    ui = dataclasses.replace(settings.ui, public_url="https://mcp.example.test")
    return dataclasses.replace(settings, mail=mail, ui=ui)


async def test_an_invitation_is_emailed_with_its_link_and_the_link_signs_up(
    api: Api, start_worker: StartWorker, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    await start_worker()
    owner = await api.user()
    project = await api.project(owner, "Payments")
    r = await api.client.post(
        f"/api/projects/{project['slug']}/invitations",
        json={"email": "Newcomer@Example.com", "role": "developer"},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    invitation = r.json()["invitation"]
    assert invitation["emailed"] is True
    with anyio.fail_after(30):
        while not inbox.messages:
            await anyio.sleep(0.1)
    recipients, message = inbox.messages[0]
    assert recipients == ["newcomer@example.com"]
    assert message["From"] == "Orchestrator <orch@example.test>"
    assert "Payments" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert invitation["link"] in body
    token = invitation["link"].split("invitation=", 1)[1]
    r = await api.client.post(
        "/api/auth/signup", json={"email": "newcomer@example.com", "password": PASSWORD, "invitation": token}
    )
    assert r.status_code == 201, r.text
    # The message reaches the inbox before the worker records the run's end: wait for that record.
    with anyio.fail_after(30):
        while True:
            runs = (
                await api.client.get("/api/admin/worker/history?job=send_invitation_email", headers=owner.headers)
            ).json()
            if [run["status"] for run in runs["items"]] != ["running"]:
                break
            await anyio.sleep(0.1)
    assert [(run["status"], run["summary"]) for run in runs["items"]] == [("complete", {"sent": True})]
    assert token not in str(runs), "the link's token is not in the job history"


async def test_an_existing_user_gets_no_email_and_the_job_cannot_be_run_by_hand(
    api: Api, start_worker: StartWorker, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    await start_worker()
    owner, other = await api.user(), await api.user()
    project = await api.project(owner)
    r = await api.client.post(
        f"/api/projects/{project['slug']}/invitations", json={"email": other.email}, headers=owner.headers
    )
    assert (r.status_code, r.json()["invitation"]) == (201, None)
    r = await api.client.post("/api/admin/worker/jobs/send_invitation_email/run", headers=owner.headers)
    assert r.status_code == 404, r.text
    await anyio.sleep(1)
    assert inbox.messages == []
