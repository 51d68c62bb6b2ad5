"""Session ids that carry the session: an authenticated-encrypted token in ``Mcp-Session-Id``.

A handshake-era Streamable HTTP session (and a legacy SSE session, through ``?session_id=``) is
named by a token that only the replicas can read (AES-GCM under a key they share). It holds what
another replica needs to serve the session — the view, the credential, the replica that opened it
(the owner), whether the session is pinned there, and the client's handshake — so no shared table
is needed: a replica that does not hold the session either rebuilds it (:mod:`adoption`) or
forwards the request to the owner (:mod:`forwarding`). Tampered or foreign ids do not decrypt.

The token is compact visible ASCII (base64url): a version letter, then nonce + ciphertext of a
msgpack array (zlib-compressed when that is shorter).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import zlib
from typing import Any
from uuid import UUID

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION

from backend.mcp.transport.ports import Access

VERSION = "1"
_AAD = b"mcp-orch/session/1"
_NONCE = 12
KEY_BYTES = 32
# Clients and proxies accept headers of a few KiB; beyond this the handshake is left out (pinned).
MAX_TOKEN_CHARS = 2048
_CLIENT_FIELDS = ("name", "version", "title")
_RAW, _ZLIB = b"\x00", b"\x01"


class Handshake(msgspec.Struct, array_like=True, frozen=True):
    """What the client said in ``initialize`` (and the version the SDK negotiates from it)."""

    version: str
    capabilities: dict[str, Any]
    client: dict[str, Any]

    def initialize_params(self) -> dict[str, Any]:
        """The ``initialize`` params that reproduce this handshake."""
        return {"protocolVersion": self.version, "capabilities": self.capabilities, "clientInfo": self.client}


class SessionClaims(msgspec.Struct, array_like=True, frozen=True):
    """Everything a session id says about its session."""

    sid: str  # the session's own id (uuid4 hex): journal, call records, per_session upstreams
    transport: str  # "streamable-http" | "sse"
    project_id: UUID
    server: str | None  # None: the unified view
    scope: bytes | None  # digest of the key's server scope (None: unscoped)
    api_key_id: UUID | None
    user_id: UUID | None
    owner: str  # replica that opened the session
    pinned: bool  # lives on its owner only (per_session upstreams, legacy SSE streams)
    handshake: Handshake | None = None

    def matches(self, access: Access, server: str | None) -> bool:
        """The request names the same view and presents the credential that opened the session."""
        return (
            access.project_id == self.project_id
            and server == self.server
            and scope_digest(access.scope) == self.scope
            and access.api_key_id == self.api_key_id
            and access.user_id == self.user_id
        )


def scope_digest(scope: frozenset[UUID] | None) -> bytes | None:
    """A short, order-free digest of a key's server scope."""
    if scope is None:
        return None
    return hashlib.sha256(b"".join(sorted(u.bytes for u in scope))).digest()[:12]


def handshake_of(params: Any) -> Handshake | None:
    """The handshake of an ``initialize`` request, negotiated as the SDK does; None when malformed."""
    if not isinstance(params, dict):
        return None
    requested, capabilities = params.get("protocolVersion"), params.get("capabilities")
    client = params.get("clientInfo")
    if not (isinstance(requested, str) and isinstance(capabilities, dict) and isinstance(client, dict)):
        return None
    info = {k: client[k] for k in _CLIENT_FIELDS if isinstance(client.get(k), str)}
    if "name" not in info or "version" not in info:
        return None
    version = requested if requested in HANDSHAKE_PROTOCOL_VERSIONS else LATEST_HANDSHAKE_VERSION
    return Handshake(version=version, capabilities=capabilities, client=info)


class SessionTokens:
    """Issues and reads session ids under one key shared by every replica."""

    def __init__(self, key: bytes | None = None) -> None:
        if key is not None and len(key) != KEY_BYTES:
            raise ValueError(f"the session key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key or AESGCM.generate_key(bit_length=KEY_BYTES * 8))
        self._encode = msgspec.msgpack.Encoder(uuid_format="bytes").encode
        self._decode = msgspec.msgpack.Decoder(SessionClaims).decode

    def issue(self, claims: SessionClaims) -> tuple[str, SessionClaims]:
        """The session id for ``claims``; a handshake too large for a header is left out (then pinned)."""
        token = self._seal(claims)
        if len(token) > MAX_TOKEN_CHARS and claims.handshake is not None:
            claims = msgspec.structs.replace(claims, handshake=None, pinned=True)
            token = self._seal(claims)
        return token, claims

    def read(self, token: str | None) -> SessionClaims | None:
        """The claims of a session id issued by any replica; None for anything else."""
        if not token or not token.startswith(VERSION) or len(token) > MAX_TOKEN_CHARS * 2:
            return None
        try:
            sealed = base64.urlsafe_b64decode(token[1:] + "=" * (-len(token[1:]) % 4))
            if len(sealed) <= _NONCE:
                return None
            plain = self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], _AAD)
            body = zlib.decompress(plain[1:]) if plain[:1] == _ZLIB else plain[1:]
            return self._decode(body)
        except (InvalidTag, binascii.Error, ValueError, zlib.error, msgspec.DecodeError):
            return None

    def _seal(self, claims: SessionClaims) -> str:
        raw = self._encode(claims)
        packed = zlib.compress(raw, 9)
        plain = _ZLIB + packed if len(packed) < len(raw) else _RAW + raw
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, plain, _AAD)
        return VERSION + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")
