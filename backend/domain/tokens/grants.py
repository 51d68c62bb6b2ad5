"""What a personal access token may open on the REST API.

Scopes: ``read`` (GET and HEAD), ``write`` (every method; implies read), ``admin`` (the
``/api/admin`` routes, administrators only). A token restricted to a project opens that project's
routes (``/api/projects/{project}/…``), ``GET /api/auth/me`` and the server templates; nothing else.
A token never manages sign-ins, tokens or passwords (``/api/auth/…``): those need a real sign-in.
The token acts as its user: the user's role in each project still applies on every route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

PAT_PREFIX = "mcpat_"
Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_ALWAYS = frozenset({("GET", "/api/auth/me")})
_PROJECT_FREE = frozenset({("GET", "/api/server-templates")})


@dataclass(frozen=True)
class TokenGrant:
    """The restrictions of the personal access token a request came with."""

    id: UUID
    scopes: frozenset[str]
    project_id: UUID | None
    project_slug: str | None


def refusal(grant: TokenGrant, method: str, path: str, project_ref: str | None) -> str | None:
    """Why the token may not make this request (``None``: it may)."""
    method = method.upper()
    path = path.rstrip("/") or "/"
    if (method, path) in _ALWAYS:
        return None
    return _scope_refusal(grant, method, path) or _project_refusal(grant, method, path, project_ref)


def _scope_refusal(grant: TokenGrant, method: str, path: str) -> str | None:
    if path == "/api/auth" or path.startswith("/api/auth/"):
        return "Personal access tokens cannot manage sign-ins, tokens or passwords; sign in to do that"
    if path == "/api/admin" or path.startswith("/api/admin/"):
        needed = "admin" if "admin" not in grant.scopes else None
    elif method in _SAFE:
        needed = "read" if not grant.scopes & {"read", "write"} else None
    else:
        needed = "write" if "write" not in grant.scopes else None
    return None if needed is None else f"This token lacks the {needed} scope"


def _project_refusal(grant: TokenGrant, method: str, path: str, project_ref: str | None) -> str | None:
    if grant.project_id is None or (method, path) in _PROJECT_FREE:
        return None
    if project_ref is None:
        return "This token is restricted to one project"
    if project_ref.lower() not in {str(grant.project_id), (grant.project_slug or "").lower()}:
        return "This token is restricted to another project"
    return None
