"""REST helpers for the multi-replica tests: accounts, projects, servers, API keys, over real HTTP.

Synchronous on purpose: fixtures and benchmark set-up use them outside any event loop. Every call
asserts its own success and names the replica or proxy it went through in the message.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import httpx

from tests.replicas.nginx import ROOT

PASSWORD = "correct-horse-battery"
SERVERS = ROOT / "tests" / "mcp_servers"


def signup(base: str, email: str, name: str = "", password: str = PASSWORD) -> dict[str, Any]:
    """Create an account through ``base`` (the first account of a database is an administrator)."""
    r = httpx.post(f"{base}/api/auth/signup", json={"email": email, "password": password, "name": name}, timeout=60)
    assert r.status_code == 201, f"signup via {base}: {r.status_code} {r.text}"
    return dict(r.json())


def login(base: str, email: str, password: str = PASSWORD) -> Rest:
    """Log in through ``base``; a client for that base with the access token."""
    r = httpx.post(f"{base}/api/auth/login", json={"email": email, "password": password}, timeout=60)
    assert r.status_code == 200, f"login via {base}: {r.status_code} {r.text}"
    return Rest(base, str(r.json()["accessToken"]))


@dataclass
class Rest:
    """A user's REST client on one base URL (nginx or a replica)."""

    base: str
    token: str

    def via(self, base: str) -> Rest:
        """The same user through another base URL (the access token is valid on every replica)."""
        return Rest(base, self.token)

    def request(self, method: str, path: str, body: Any = None, *, status: int | None = None) -> httpx.Response:
        """One call; asserts ``status`` when given, else any 2xx."""
        headers = {"Authorization": f"Bearer {self.token}"}
        r = httpx.request(method, f"{self.base}{path}", json=body, headers=headers, timeout=60)
        ok = r.status_code == status if status is not None else r.is_success
        assert ok, f"{method} {path} via {self.base}: {r.status_code} {r.text}"
        return r

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One successful call; the decoded answer (``None`` when empty)."""
        r = self.request(method, path, body)
        return r.json() if r.content else None

    def project(self, name: str) -> str:
        """Create a project; its slug."""
        return str(self.call("POST", "/api/projects", {"name": name})["slug"])

    def server(self, slug: str, name: str, script: str = "echo.py", **fields: Any) -> dict[str, Any]:
        """Register a test server from ``tests/mcp_servers`` (stdio, run by this interpreter, sandboxed)."""
        body = {"name": name, "command": sys.executable, "args": [str(SERVERS / script)], **fields}
        return dict(self.call("POST", f"/api/projects/{slug}/servers", body))

    def set_tool(self, slug: str, server: str, tool: str, *, enabled: bool) -> None:
        """Enable or disable one tool of a server."""
        self.call("PATCH", f"/api/projects/{slug}/servers/{server}/tools/{tool}", {"enabled": enabled})

    def api_key(self, slug: str, name: str = "replicas", **fields: Any) -> tuple[str, str]:
        """Create an API key; ``(key id, secret key)``."""
        created = self.call("POST", f"/api/projects/{slug}/api-keys", {"name": name, **fields})
        return str(created["id"]), str(created["key"])

    def revoke(self, slug: str, key_id: str) -> None:
        """Revoke an API key."""
        self.request("DELETE", f"/api/projects/{slug}/api-keys/{key_id}", status=204)


def mcp_url(base: str, slug: str, server: str | None = None, transport: str = "mcp") -> str:
    """A project's MCP endpoint on ``base``: per server (``…/servers/<s>/mcp`` or ``/sse``) or unified."""
    if server is None:
        return f"{base}/projects/{slug}/unified/{transport}"
    return f"{base}/projects/{slug}/servers/{server}/{transport}"
