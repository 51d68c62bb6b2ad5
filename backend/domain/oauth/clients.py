"""OAuth clients as Authlib sees them (:class:`~authlib.oauth2.rfc6749.ClientMixin`), and which redirect URIs a
client may register.

Redirect URIs: ``https``, a private-use scheme of a native app (``cursor://…``), or ``http`` on a
loopback address (RFC 8252 §7.3: then any port matches, the client picks a free one per run).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from authlib.oauth2.rfc6749 import ClientMixin

from backend.domain.oauth.resources import SCOPE
from backend.lib.crypto import hash_api_key, same_digest

DYNAMIC = "dynamic"
METADATA_DOCUMENT = "metadata_document"
GRANT_TYPES = frozenset({"authorization_code", "refresh_token"})
_FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "about", "blob"})


def loopback_host(host: str | None) -> bool:
    """``localhost`` or a loopback IP literal."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` may not be a redirect URI, or ``None`` when it may."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "is not a URL"
    scheme = parts.scheme.lower()
    if not scheme or parts.fragment:
        return "must be absolute and have no fragment"
    if scheme in _FORBIDDEN_SCHEMES:
        return f"uses the {scheme}: scheme"
    if scheme == "http" and not loopback_host(parts.hostname):
        return "uses http on a host that is not loopback"
    if scheme in ("http", "https") and not parts.hostname:
        return "has no host"
    return None


def _same_loopback(registered: str, requested: str) -> bool:
    """RFC 8252 §7.3: a loopback IP redirect URI matches whatever its port."""
    try:
        a, b = urlsplit(registered), urlsplit(requested)
        b.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return (
        a.scheme == b.scheme == "http"
        and a.hostname == b.hostname
        and a.hostname not in (None, "localhost")
        and loopback_host(a.hostname)
        and (a.path or "/") == (b.path or "/")
        and a.query == b.query
    )


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    """A registered client or a client known by its metadata document."""

    pk: UUID
    client_id: str
    kind: str
    metadata: dict[str, Any] = field(default_factory=dict)
    secret_hash: str | None = None

    @property
    def name(self) -> str:
        """What the consent page shows (the client's own word: nothing verifies it)."""
        return str(self.metadata.get("client_name") or self.client_id)

    @property
    def redirect_uris(self) -> list[str]:
        """The registered redirect URIs."""
        return [str(u) for u in self.metadata.get("redirect_uris") or []]

    @property
    def auth_method(self) -> str:
        """How the client authenticates at the token and revocation endpoints."""
        return str(self.metadata.get("token_endpoint_auth_method") or "none")

    def get_client_id(self) -> str:
        """The client identifier."""
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        """The redirect URI when the request names none: only when exactly one is registered."""
        uris = self.redirect_uris
        return uris[0] if len(uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        """Every token opens the endpoint it is bound to as the user's role: the one scope, whatever asked."""
        return SCOPE

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exactly a registered URI (any port for loopback IPs)."""
        return any(uri == redirect_uri or _same_loopback(uri, redirect_uri) for uri in self.redirect_uris)

    def check_client_secret(self, client_secret: str) -> bool:
        """Compare the SHA-256 of the presented secret with the stored one."""
        return self.secret_hash is not None and same_digest(self.secret_hash, hash_api_key(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """The method the client registered, at the token and revocation endpoints alike."""
        return method == self.auth_method

    def check_response_type(self, response_type: str) -> bool:
        """Only ``code``."""
        return response_type == "code" and "code" in (self.metadata.get("response_types") or ["code"])

    def check_grant_type(self, grant_type: str) -> bool:
        """Authorization code, and refresh token when the client registered it."""
        allowed = self.metadata.get("grant_types") or ["authorization_code"]
        return grant_type in GRANT_TYPES and grant_type in allowed
