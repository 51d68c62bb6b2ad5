"""Resources (RFC 8707) and discovery documents: every MCP endpoint is a protected resource of its own.

A resource is the endpoint's URL under the public base URL: ``{base}/projects/{p}/unified/mcp``,
``…/unified/sse``, ``…/servers/{s}/mcp`` or ``…/servers/{s}/sse`` (``…/messages`` belongs to its
``…/sse``). A token is bound to one: the same server and transport of the same project (named by
slug or id), nothing else. The key-only variant (``/projects/{p}/key-only/…``) is no resource.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from backend.mcp.transport import paths

SCOPE = "mcp"
SCOPES_SUPPORTED = [SCOPE]
PROTECTED_RESOURCE_PATH = "/.well-known/oauth-protected-resource"
AUTHORIZATION_SERVER_PATH = "/.well-known/oauth-authorization-server"


def canonical(url: str) -> str:
    """RFC 8707's comparison form: lowercase scheme and host, no fragment, no trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def parse_resource(base_url: str, url: str | None) -> paths.McpPath | None:
    """The MCP endpoint a resource URL names, or ``None`` when it is not one of ours."""
    if not url:
        return None
    resource = canonical(url)
    base = canonical(base_url)
    if not resource.startswith(base + paths.PREFIX + "/") or "?" in resource:
        return None
    mcp = paths.parse(resource[len(base) :])
    if mcp is None or mcp.key_only or mcp.endpoint not in ("mcp", "sse"):
        return None
    return mcp


def same_endpoint(bound: paths.McpPath, requested: paths.McpPath) -> bool:
    """Does a request's endpoint equal the one a token was bound to (the project is compared by id apart)?"""
    return (
        not requested.key_only
        and requested.endpoint != "discovery"
        and bound.server == requested.server
        and bound.resource_path.rsplit("/", 1)[-1] == requested.resource_path.rsplit("/", 1)[-1]
    )


def protected_resource_metadata(base_url: str, path: str) -> dict[str, Any] | None:
    """RFC 9728 metadata of the endpoint at ``path`` (``None`` when ``path`` names no resource).

    It names no project or server data, so it is public: the same answer whether the project exists.
    """
    mcp = parse_resource(base_url, base_url + path)
    if mcp is None:
        return None
    view = "the unified endpoint" if mcp.server is None else f"server {mcp.server}"
    return {
        "resource": canonical(base_url + path),
        "authorization_servers": [base_url],
        "scopes_supported": SCOPES_SUPPORTED,
        "bearer_methods_supported": ["header"],
        "resource_name": f"MCP Orchestrator: {view} of project {mcp.project}",
    }


def authorization_server_metadata(base_url: str) -> dict[str, Any]:
    """RFC 8414 metadata: authorization code + PKCE S256 only, rotating refresh tokens, RFC 7009
    revocation, RFC 7591 registration, Client ID Metadata Documents, RFC 9207 ``iss``."""
    auth_methods = ["none", "client_secret_basic", "client_secret_post"]
    return {
        "issuer": base_url,
        "authorization_endpoint": f"{base_url}/oauth/authorize",
        "token_endpoint": f"{base_url}/oauth/token",
        "registration_endpoint": f"{base_url}/oauth/register",
        "revocation_endpoint": f"{base_url}/oauth/revoke",
        "scopes_supported": SCOPES_SUPPORTED,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "code_challenge_methods_supported": ["S256"],
        "client_id_metadata_document_supported": True,
        "authorization_response_iss_parameter_supported": True,
        "service_documentation": f"{base_url}/api/docs",
    }
