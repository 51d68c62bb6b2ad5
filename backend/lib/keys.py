"""The at-rest encryption key, mounted once per process before the database is used.

``EncryptedString`` columns read the key through :func:`encryption_key` lazily, so models can be
imported before settings are known (tests, Alembic, the CLI).
"""

from __future__ import annotations

_state: dict[str, str] = {}


def mount_encryption_key(key: str) -> None:
    """Set the key used by every encrypted column in this process."""
    _state["key"] = key


def encryption_key() -> str:
    """The mounted key; failing loudly beats encrypting with a default key."""
    try:
        return _state["key"]
    except KeyError:
        raise RuntimeError("encryption key not mounted: call mount_encryption_key() at start-up") from None
