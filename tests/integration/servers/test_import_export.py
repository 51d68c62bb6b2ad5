"""Import and export of the ``mcpServers`` format, with real servers: mcp-server-time and server-everything."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.factories import Api
from tests.integration.servers._support import EVERYTHING, PYTHON, call, children_running, eventually, text_of


def _document() -> dict[str, Any]:
    """A Claude Desktop style document: time (Python) and everything (npx), plus entries that must not import."""
    return {
        "mcpServers": {
            "time": {"command": PYTHON, "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"]},
            "everything": {
                "command": "npx",
                "args": ["-y", "@modelcontextprotocol/server-everything"],
                "env": {"EVERYTHING_TOKEN": "${EVERYTHING_TOKEN}"},
                "timeout": 30,
            },
            "Shell Server": {"command": "bash", "args": ["-c", "echo hi"]},
            "remote": {"url": "https://mcp.example.com/sse", "headers": {"Authorization": "Bearer abc"}},
            "later": {"command": PYTHON, "args": ["-m", "mcp_server_time"], "disabled": True, "alwaysAllow": []},
            "broken": "not an object",
            "weird": {"command": PYTHON, "bogus": 1},
        }
    }


@pytest.mark.skipif(not EVERYTHING.exists() or shutil.which("npx") is None, reason="server-everything needs npx")
async def test_imported_time_and_everything_start_list_tools_answer_and_are_logged(api: Api) -> None:
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    r = await api.client.post(f"/api/projects/{slug}/servers/import", json=_document(), headers=admin.headers)
    assert r.status_code == 200, r.text
    report = r.json()
    outcomes = {item["key"]: item for item in report["results"]}
    assert (report["created"], report["skipped"], report["invalid"]) == (4, 0, 3)
    assert outcomes["everything"]["needsValues"] == ["EVERYTHING_TOKEN"]
    assert outcomes["Shell Server"]["outcome"] == "invalid"
    assert "not allowed" in outcomes["Shell Server"]["detail"]
    assert outcomes["broken"]["outcome"] == "invalid"
    assert outcomes["weird"]["outcome"] == "invalid"
    assert outcomes["remote"]["outcome"] == "created"
    servers = {
        s["name"]: s for s in (await api.client.get(f"/api/projects/{slug}/servers", headers=admin.headers)).json()
    }
    assert set(servers) == {"time", "everything", "remote", "later"}
    assert servers["remote"]["transport"] == "sse"
    assert servers["remote"]["headers"] == {"Authorization": {"set": True}}
    assert servers["later"]["enabled"] is False
    assert servers["everything"]["timeoutSeconds"] == 30

    r = await api.client.post(f"/api/projects/{slug}/servers/time/refresh", headers=admin.headers)
    assert r.status_code == 200, r.text
    assert "get_current_time" in {t["name"] for t in r.json()["tools"]}
    r = await call(api, admin, slug, "time", "get_current_time", {"timezone": "UTC"})
    assert r.status_code == 200, r.text
    assert "UTC" in text_of(r.json())

    r = await api.client.post(f"/api/projects/{slug}/servers/everything/refresh", headers=admin.headers)
    assert r.status_code == 200, r.text
    catalogue = r.json()
    assert "echo" in {t["name"] for t in catalogue["tools"]}
    assert catalogue["prompts"]
    assert catalogue["resources"]
    r = await call(api, admin, slug, "everything", "echo", {"message": "hello from rest"})
    assert r.status_code == 200, r.text
    assert "hello from rest" in text_of(r.json())

    tools = (await api.client.get(f"/api/projects/{slug}/tools", headers=admin.headers)).json()["items"]
    assert {"time", "everything"} <= {t["serverName"] for t in tools}

    async def logged() -> dict[str, Any] | None:
        page = (await api.client.get(f"/api/projects/{slug}/tool-calls", headers=admin.headers)).json()
        return page if page["total"] >= 2 else None

    page = await eventually(logged)
    assert {(i["serverName"], i["tool"], i["status"]) for i in page["items"]} == {
        ("time", "get_current_time", "success"),
        ("everything", "echo", "success"),
    }
    metrics = (await api.client.get(f"/api/projects/{slug}/tool-calls/metrics", headers=admin.headers)).json()
    assert metrics["total"] == 2
    assert metrics["success"] == 2
    assert metrics["successRate"] == 1.0
    assert {t["serverName"] for t in metrics["topTools"]} == {"time", "everything"}

    r = await api.client.delete(f"/api/projects/{slug}/servers/everything", headers=admin.headers)
    assert r.status_code == 204
    r = await api.client.delete(f"/api/projects/{slug}/servers/time", headers=admin.headers)

    async def reaped() -> bool:
        return not children_running("server-everything") and not children_running("mcp_server_time")

    await eventually(reaped)


async def test_export_round_trips_into_another_project_with_placeholders(api: Api) -> None:
    admin = await api.user()
    source = (await api.project(admin))["slug"]
    target = (await api.project(admin))["slug"]
    first = await api.client.post(f"/api/projects/{source}/servers/import", json=_document(), headers=admin.headers)
    assert first.status_code == 200
    again = await api.client.post(f"/api/projects/{source}/servers/import", json=_document(), headers=admin.headers)
    assert again.json()["skipped"] == 4, "names taken → skipped, nothing duplicated"
    r = await api.client.patch(
        f"/api/projects/{source}/servers/time", json={"env": {"TZ_SECRET": "real-secret-value"}}, headers=admin.headers
    )
    assert r.status_code == 200
    exported = (await api.client.get(f"/api/projects/{source}/servers/export", headers=admin.headers)).json()
    assert "real-secret-value" not in str(exported)
    entries = exported["mcpServers"]
    assert entries["time"]["env"] == {"TZ_SECRET": "${TZ_SECRET}"}
    assert entries["remote"] == {
        "type": "sse",
        "url": "https://mcp.example.com/sse",
        "headers": {"Authorization": "${Authorization}"},
    }
    assert entries["later"]["disabled"] is True
    assert entries["everything"]["timeout"] == 30
    r = await api.client.post(f"/api/projects/{target}/servers/import", json=exported, headers=admin.headers)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 4
    assert report["invalid"] == 0
    needs = {item["name"]: item["needsValues"] for item in report["results"]}
    assert needs["time"] == ["TZ_SECRET"]
    assert needs["remote"] == ["Authorization"]
    again = (await api.client.get(f"/api/projects/{target}/servers/export", headers=admin.headers)).json()
    assert again == exported


async def test_import_is_developer_only_and_bounded(api: Api) -> None:
    await api.user()
    owner, reporter = await api.user(), await api.user()
    slug = (await api.project(owner))["slug"]
    await api.add_member(owner, slug, reporter, role="reporter")
    r = await api.client.post(f"/api/projects/{slug}/servers/import", json=_document(), headers=reporter.headers)
    assert r.status_code == 403
    r = await api.client.post(f"/api/projects/{slug}/servers/import", json={"servers": {}}, headers=owner.headers)
    assert r.status_code == 422
    r = await api.client.get(f"/api/projects/{slug}/servers/export", headers=reporter.headers)
    assert r.status_code == 200
    assert r.json() == {"mcpServers": {}}
