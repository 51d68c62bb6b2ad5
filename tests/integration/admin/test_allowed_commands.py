"""Administrators' additions to the command allowlist are checked: one bare name or absolute path each."""

from __future__ import annotations

from tests.factories import Api

PATH = "/api/admin/allowed-commands"


async def test_entries_with_arguments_or_relative_paths_are_refused_and_nothing_is_saved(api: Api) -> None:
    admin = await api.user()
    added = ["/opt/tools/bin/server", " bun ", "/opt/my tools/server"]
    r = await api.client.put(PATH, json={"added": added}, headers=admin.headers)
    assert (r.status_code, r.json()["added"]) == (200, ["/opt/tools/bin/server", "bun", "/opt/my tools/server"])
    for bad, words in (
        ("node --inspect", "without arguments"),
        ("bin/server", "absolute path"),
        ("./server", "absolute path"),
    ):
        r = await api.client.put(PATH, json={"added": ["deno2", bad]}, headers=admin.headers)
        assert r.status_code == 422, bad
        assert words in r.json()["detail"], r.json()
        assert r.json()["extra"][0]["key"] == "added"
    r = await api.client.get(PATH, headers=admin.headers)
    assert r.json()["added"] == ["/opt/tools/bin/server", "bun", "/opt/my tools/server"], (
        "a refused list changes nothing"
    )
    r = await api.client.put(PATH, json={"added": []}, headers=admin.headers)
    assert (r.status_code, r.json()["added"]) == (200, [])
