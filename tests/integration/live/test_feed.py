"""``GET /api/projects/{p}/live``: who may follow a project, what arrives, when the stream ends."""

from __future__ import annotations

from tests.factories import Api
from tests.integration.live._stream import follow
from tests.integration.servers._support import PYTHON, call, create_server, echo_body

SECRET = "live-feed-secret-value-7f3a"


async def test_only_members_may_follow_a_project(api: Api) -> None:
    owner, stranger = await api.user(), await api.user()
    project = await api.project(owner)
    url = f"/api/projects/{project['slug']}/live"
    r = await api.client.get(url)
    assert r.status_code == 401, r.text
    r = await api.client.get(url, headers=stranger.headers)
    assert r.status_code in (403, 404), r.text
    assert "event:" not in r.text


async def test_a_reporter_sees_a_server_created_over_rest_without_its_secrets(api: Api) -> None:
    owner, reporter = await api.user(), await api.user()
    project = await api.project(owner)
    slug = project["slug"]
    await api.add_member(owner, slug, reporter, role="reporter")
    async with follow(api, reporter, slug) as stream:
        server = await create_server(api, owner, slug, echo_body(env={"API_TOKEN": SECRET}))
        data = await stream.wait_for("server.changed", timeout=3, serverId=server["id"])
        assert data == {"kind": "server.changed", "serverId": server["id"]}
        # The check that follows the change announces the server's new state too.
        await stream.wait_for("server.state", timeout=30, serverId=server["id"])
        r = await api.client.post(f"/api/projects/{slug}/servers/echo/toggle", headers=owner.headers)
        assert r.status_code == 200, r.text
        await stream.wait_for("server.changed", timeout=3, serverId=server["id"])
        r = await api.client.delete(f"/api/projects/{slug}/servers/echo", headers=owner.headers)
        assert r.status_code == 204, r.text
        await stream.wait_for("server.deleted", timeout=3, serverId=server["id"])
    text = "\n".join(stream.raw)
    assert SECRET not in text
    assert "API_TOKEN" not in text


async def test_a_removed_members_stream_ends(api: Api) -> None:
    owner, member = await api.user(), await api.user()
    project = await api.project(owner)
    slug = project["slug"]
    await api.add_member(owner, slug, member, role="developer")
    async with follow(api, member, slug) as stream:
        r = await api.client.delete(f"/api/projects/{slug}/members/{member.id}", headers=owner.headers)
        assert r.status_code in (200, 204), r.text
        await stream.until_end(timeout=5)
    assert stream.ended


async def test_a_signed_out_users_stream_ends(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner)
    async with follow(api, owner, project["slug"]) as stream:
        r = await api.client.post("/api/auth/logout", headers=owner.headers)
        assert r.status_code in (200, 204), r.text
        await stream.until_end(timeout=5)


async def test_a_created_server_gets_status_and_tools_without_the_scheduled_check(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner)
    slug = project["slug"]
    async with follow(api, owner, slug) as stream:
        server = await create_server(api, owner, slug, echo_body())
        await stream.wait_for("server.state", timeout=30, serverId=server["id"])
        r = await api.client.get(f"/api/projects/{slug}/servers/echo", headers=owner.headers)
        body = r.json()
        assert body["status"] in ("healthy", "running"), body
        assert body["toolsCount"] > 0, body
        assert body["lastCheckedAt"], body
        # A tool call is announced as a "calls changed" tick (and the upstream it started as a state change).
        r = await call(api, owner, slug, "echo", "echo", {"a": 1})
        assert r.status_code == 200, r.text
        await stream.wait_for("calls.changed", timeout=10)

        failing = {
            "name": "broken",
            "command": PYTHON,
            "args": ["-c", "import sys; sys.stderr.write('no-luck-here'); sys.exit(3)"],
        }
        broken = await create_server(api, owner, slug, failing)
        await stream.wait_for("server.state", timeout=30, serverId=broken["id"])
        r = await api.client.get(f"/api/projects/{slug}/servers/broken", headers=owner.headers)
        body = r.json()
        assert body["status"] == "error", body
        assert "no-luck-here" in (body["lastError"] or ""), body
