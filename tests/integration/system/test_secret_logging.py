"""Secrets never reach the logs, nor a reporter's API responses.

A list handler on the root logger at DEBUG (works with or without pytest's logging plugin)
captures every record while secrets are set and used through the real API and gateway.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator

import pytest

from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration.servers._support import PYTHON, call, create_server, echo_body

ENV_SECRET = "envsecret-7f3a9c1e-value"
ENV_SECRET_2 = "envsecret-updated-44b1d0"
HEADER_SECRET = "hdrsecret-0c9d2e8b-value"
PASSWORD_SECRET = "pw-secret-5e6f7a8b-horse"
ARG_SECRET = "argsecret-9a8b7c6d"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """This interpreter may run as a server."""
    gateway = dataclasses.replace(
        settings.gateway, allowed_commands=[*settings.gateway.allowed_commands, PYTHON], start_timeout_seconds=20
    )
    return dataclasses.replace(settings, gateway=gateway)


@pytest.fixture
def captured() -> Iterator[list[logging.LogRecord]]:
    """Every log record of the test, at DEBUG, from every logger."""
    root = logging.getLogger()
    handler, level = _Collect(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _record_text(record: logging.LogRecord) -> str:
    # The formatted message, its raw args, and every attribute (``extra=`` lands on the record).
    try:
        message = record.getMessage()
    except Exception:
        message = str(record.msg)
    return " ".join([message, repr(record.args), repr(vars(record))])


async def test_secret_values_never_appear_in_logs_or_reporter_responses(
    api: Api, captured: list[logging.LogRecord]
) -> None:
    owner = await api.user(password=PASSWORD_SECRET)
    reporter = await api.user()
    project = await api.project(owner)
    slug = project["slug"]
    await api.add_member(owner, slug, reporter, role="reporter")

    local = await create_server(api, owner, slug, echo_body("local", env={"API_TOKEN": ENV_SECRET}))
    remote_body = {
        "name": "remote",
        "transport": "streamable-http",
        "url": "http://127.0.0.1:9/mcp",
        "headers": {"Authorization": f"Bearer {HEADER_SECRET}"},
        "enabled": False,
    }
    await create_server(api, owner, slug, remote_body)
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/local", json={"env": {"API_TOKEN": ENV_SECRET_2}}, headers=owner.headers
    )
    assert r.status_code == 200, r.text
    r = await call(api, owner, slug, "local", "echo", {"token": ARG_SECRET})
    assert r.status_code == 200, r.text

    r = await api.client.post(f"/api/projects/{slug}/api-keys", json={"name": "ci"}, headers=owner.headers)
    assert r.status_code == 201, r.text
    api_key = r.json()["key"]
    r = await api.client.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD_SECRET})
    assert r.status_code == 200
    token = r.json()["accessToken"]
    r = await api.client.post("/api/auth/login", json={"email": owner.email, "password": PASSWORD_SECRET + "x"})
    assert r.status_code == 401

    secrets = [ENV_SECRET, ENV_SECRET_2, HEADER_SECRET, PASSWORD_SECRET, ARG_SECRET, api_key, token]
    assert any(r.name == "mcp_orch.keys" for r in captured), "the handler saw the application's records"
    for record in captured:
        text = _record_text(record)
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked in log record {record.name}: {record.msg!r}"

    reporter_views = [
        f"/api/projects/{slug}/servers",
        f"/api/projects/{slug}/servers/local",
        f"/api/projects/{slug}/servers/remote",
        f"/api/projects/{slug}/activity",
        f"/api/projects/{slug}/tool-calls",
        f"/api/projects/{slug}",
    ]
    # Tool arguments are not configuration secrets: the tool-call log shows them by design.
    config_secrets = [v for v in secrets if v != ARG_SECRET]
    for path in reporter_views:
        r = await api.client.get(path, headers=reporter.headers)
        assert r.status_code < 500, path
        for secret in config_secrets:
            assert secret not in r.text, f"{secret!r} visible to a reporter at {path}"
    assert local["env"] == {"API_TOKEN": {"set": True}}
