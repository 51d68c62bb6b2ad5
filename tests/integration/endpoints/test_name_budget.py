"""``MCP_ORCH_UNIFIED_NAME_MAX``: unified names fit a smaller budget, work, and match the context budget."""

from __future__ import annotations

import dataclasses

import pytest

from backend.lib.settings import Settings
from tests.integration.endpoints._support import Live, connect, echo_body, make_world, texts
from tests.integration.endpoints.test_context_budget import _listed, _size

pytestmark = pytest.mark.anyio
BUDGET = 32


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, gateway=dataclasses.replace(settings.gateway, unified_name_max=BUDGET))


async def test_unified_names_fit_the_configured_budget_and_still_route(live: Live) -> None:
    world = await make_world(live, echo_body("a-rather-long-server-name"))
    headers = world.headers()
    async with connect(world.url(None), headers) as client:
        names = [tool.name for tool in (await client.list_tools()).tools]
        assert names
        assert all(len(name) <= BUDGET for name in names), names
        echo = next(name for name in names if name.startswith("a-rather-long-server-name__ech"))
        assert texts(await client.call_tool(echo, {"k": 1})) == ['{"k": 1}']
    r = await live.api.client.post(
        f"/api/projects/{world.slug}/servers/a-rather-long-server-name/refresh", headers=world.owner.headers
    )
    assert r.status_code == 200, r.text
    budget = (await live.api.client.get(f"/api/projects/{world.slug}/tools", headers=world.owner.headers)).json()
    # The context budget sizes the unified list under the same (shortened) names the endpoint serves.
    assert budget["contextBudget"]["unified"]["bytes"] == _size(await _listed(world.url(None), headers))


def test_a_budget_outside_24_to_128_is_refused() -> None:
    from backend.lib.settings import GatewaySettings  # noqa: PLC0415

    with pytest.raises(ValueError, match="MCP_ORCH_UNIFIED_NAME_MAX"):
        GatewaySettings(unified_name_max=12)
