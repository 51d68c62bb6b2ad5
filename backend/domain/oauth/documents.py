"""Client ID Metadata Documents: a client whose ``client_id`` is an https URL is described by the JSON there.

The document is fetched with bounds (``MCP_ORCH_OAUTH_METADATA_MAX_BYTES``, ``…_TIMEOUT_SECONDS``,
no redirects) through the remote-URL network policy (``backend/mcp/netpolicy.py``: never link-local
or cloud metadata; private and loopback networks only as the administrator allows), then validated
with Authlib's RFC 7591 metadata rules plus the document's own: ``client_id`` equals the URL, no
client secret, public client (``token_endpoint_auth_method`` ``none``), at least one redirect URI.
``http://`` on loopback is accepted only with ``MCP_ORCH_OAUTH_METADATA_ALLOW_LOOPBACK_HTTP``
(development and tests).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx2
from authlib.oauth2.rfc7591 import ClientMetadataClaims
from joserfc.errors import JoseError

from backend.domain.oauth.clients import loopback_host, redirect_uri_problem
from backend.domain.oauth.resources import authorization_server_metadata
from backend.lib.settings import Settings
from backend.mcp.guarded_http import guarded_client
from backend.mcp.netpolicy import DestinationError, NetworkPolicy

LOOPBACK_CIDRS = ("127.0.0.0/8", "::1/128")


class MetadataDocumentError(Exception):
    """The client ID URL or its document is not acceptable (the message says why, for the client)."""


def is_metadata_url(client_id: str) -> bool:
    """Does ``client_id`` look like a Client ID Metadata Document URL (rather than a registered id)?"""
    return client_id.startswith(("https://", "http://"))


def check_metadata_url(settings: Settings, client_id: str) -> None:
    """The URL rules: https (or loopback http when allowed), a path, no fragment, credentials or dot segments."""
    try:
        parts = urlsplit(client_id)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise MetadataDocumentError("client_id URL is malformed") from exc
    loopback_http = (
        parts.scheme == "http" and settings.oauth.metadata_allow_loopback_http and loopback_host(parts.hostname)
    )
    if parts.scheme != "https" and not loopback_http:
        raise MetadataDocumentError("client_id URL must use https")
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        raise MetadataDocumentError("client_id URL must have a host and no credentials or fragment")
    segments = parts.path.split("/")
    if parts.path in ("", "/") or "." in segments or ".." in segments:
        raise MetadataDocumentError("client_id URL must have a path without dot segments")


def _policy(settings: Settings, client_id: str) -> NetworkPolicy:
    cidrs = list(settings.gateway.allowed_private_networks)
    if settings.oauth.metadata_allow_loopback_http and loopback_host(urlsplit(client_id).hostname):
        cidrs.extend(LOOPBACK_CIDRS)
    return NetworkPolicy.from_cidrs(cidrs)


async def fetch_metadata_document(settings: Settings, client_id: str) -> dict[str, Any]:
    """Fetch and validate the document at ``client_id``; its RFC 7591 metadata."""
    check_metadata_url(settings, client_id)
    limit = settings.oauth.metadata_max_bytes
    timeout = httpx2.Timeout(settings.oauth.metadata_timeout_seconds)
    try:
        async with (
            guarded_client(_policy(settings, client_id), timeout=timeout) as http,
            http.stream("GET", client_id, headers={"Accept": "application/json"}) as response,
        ):
            if response.status_code != 200:
                raise MetadataDocumentError(f"client metadata document answered HTTP {response.status_code}")
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > limit:
                    raise MetadataDocumentError(f"client metadata document is larger than {limit} bytes")
    except (httpx2.HTTPError, httpx2.InvalidURL, UnicodeError) as exc:
        raise MetadataDocumentError(f"client metadata document could not be fetched ({type(exc).__name__})") from exc
    except DestinationError as exc:  # the network policy refused the address
        raise MetadataDocumentError(f"client metadata document host refused: {exc}") from exc
    return validate_metadata_document(client_id, body)


def validate_metadata_document(client_id: str, body: bytes) -> dict[str, Any]:
    """The RFC 7591 metadata of a document served at ``client_id`` (``MetadataDocumentError`` when unfit)."""
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise MetadataDocumentError("client metadata document is not JSON") from exc
    if not isinstance(document, dict):
        raise MetadataDocumentError("client metadata document is not a JSON object")
    if document.get("client_id") != client_id:
        raise MetadataDocumentError("client metadata document's client_id differs from its URL")
    if "client_secret" in document or "client_secret_expires_at" in document:
        raise MetadataDocumentError("client metadata document must not carry a client secret")
    document.setdefault("token_endpoint_auth_method", "none")
    return client_metadata(document, public_only=True)


def client_metadata(document: dict[str, Any], *, public_only: bool = False) -> dict[str, Any]:
    """RFC 7591 metadata checked with Authlib's claims rules against this server's metadata, plus redirect URIs."""
    server = authorization_server_metadata("https://unused.invalid")
    options = ClientMetadataClaims.get_claims_options(server)
    if public_only:
        options["token_endpoint_auth_method"] = {"values": ["none"]}
    claims = ClientMetadataClaims(document, {}, options, server)
    try:
        claims.validate()
    except JoseError as exc:
        raise MetadataDocumentError(f"invalid client metadata: {exc.description or exc.error}") from exc
    metadata = dict(claims.get_registered_claims())
    uris = metadata.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris):
        raise MetadataDocumentError("redirect_uris must be a non-empty list of URLs")
    for uri in uris:
        problem = redirect_uri_problem(uri)
        if problem is not None:
            raise MetadataDocumentError(f"redirect URI {uri} {problem}")
    return metadata
