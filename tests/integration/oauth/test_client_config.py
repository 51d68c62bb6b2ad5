"""The Connect card's configurations: the key snippet, "Sign in with the browser", and the key-only URLs."""

from __future__ import annotations

from tests.integration.endpoints._support import Live, make_world


async def test_client_configs_offer_browser_sign_in_and_key_only_urls(live: Live) -> None:
    world = await make_world(live)
    path = f"/api/projects/{world.slug}/client-config"
    r = await live.api.client.get(path, params={"client": "claude-code"}, headers=world.owner.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["keyOnly"] is False
    assert body["signIn"]["commands"] == [f"claude mcp add --transport http {world.slug} {world.url(None)}"]
    assert "headers" not in body["signIn"]["config"]["mcpServers"][world.slug]
    assert "Authorization: Bearer ${MCP_ORCH_API_KEY}" in body["commands"][0]

    r = await live.api.client.get(path, params={"client": "cursor", "keyOnly": "true"}, headers=world.owner.headers)
    body = r.json()
    key_only = f"{live.url}/projects/{world.slug}/key-only/unified/mcp"
    assert body["config"]["mcpServers"][world.slug]["url"] == key_only
    assert body["signIn"]["config"]["mcpServers"][world.slug] == {"url": world.url(None)}

    r = await live.api.client.get(path, params={"client": "cline"}, headers=world.owner.headers)
    assert r.json()["signIn"] is None
