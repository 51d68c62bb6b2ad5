"""The at-rest encryption key, mounted once per process before the database is used.

``EncryptedString`` columns read the key through :func:`encryption_key` lazily, so models can be
imported before settings are known (tests, Alembic, the CLI), with :class:`KeyedFernetBackend`.
"""

from __future__ import annotations

from typing import Any

from advanced_alchemy.types.encrypted_string import FernetBackend

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


class KeyedFernetBackend(FernetBackend):
    """advanced-alchemy's Fernet backend, its cipher derived once per key, its decryptions remembered.

    With a callable key, ``EncryptedString`` mounts the vault again for every value it encrypts or
    decrypts, and the stock backend then hashes the key and builds a new ``Fernet`` each time: a
    third of the API's CPU listing a 100-server project (two encrypted columns a row). The key is
    still read on every value, so a new mounted key takes effect at once. A Fernet token has its own
    random IV, so a token always decrypts to the same text: the last :data:`DECRYPTED` decryptions are
    kept (cleared when the key changes). The gateway holds these values decrypted anyway.
    """

    def __init__(self) -> None:
        super().__init__()
        self._mounted: str | bytes | None = None
        self._plain: dict[str, str] = {}

    def mount_vault(self, key: str | bytes) -> None:
        """Derive the cipher unless ``key`` is the one already mounted."""
        if key != self._mounted:
            super().mount_vault(key)
            self._mounted = key
            self._plain = {}

    def decrypt(self, value: Any) -> str:
        """The text of a token (remembered)."""
        token = value if isinstance(value, str) else str(value)
        plain = self._plain.get(token)
        if plain is None:
            plain = super().decrypt(token)
            if len(self._plain) >= DECRYPTED:
                self._plain.clear()
            self._plain[token] = plain
        return plain


DECRYPTED = 4096  # decryptions remembered per column type
