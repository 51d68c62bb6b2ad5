"""Process secrets: from the environment, or generated once into the data folder (mode 0600).

A generated secret is never regenerated silently: if its file exists but cannot be read, start-up
fails instead of minting a new key (which would make encrypted data unreadable).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet


class SecretFileError(RuntimeError):
    """A secret file exists but is unusable."""


def _read_or_create(path: Path, make: str) -> str:
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if not value:
            raise SecretFileError(f"{path} is empty; restore it from backup or set the variable explicitly")
        return value
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Written whole to a private temporary file, then linked into place: link() fails if the name
    # exists, so two processes starting at once never write two keys, and nobody reads a half-written one.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(make + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            return _read_or_create(path, make)
    finally:
        Path(tmp).unlink()
    return make


def jwt_secret(configured: str, data_dir: Path) -> str:
    """The JWT signing secret: ``MCP_ORCH_JWT_SECRET`` or ``<data>/secrets/jwt.key``."""
    if configured:
        return configured
    return _read_or_create(data_dir / "secrets" / "jwt.key", secrets.token_urlsafe(48))


def metrics_token(configured: str, data_dir: Path) -> str:
    """The bearer token for ``/metrics``: ``MCP_ORCH_METRICS_TOKEN`` or ``<data>/secrets/metrics.token``."""
    if configured:
        return configured
    return _read_or_create(data_dir / "secrets" / "metrics.token", secrets.token_urlsafe(32))


def ui_token(configured: str, data_dir: Path) -> str:
    """The token the UI's server side presents to forward the browser's address (``MCP_ORCH_UI_TOKEN``)."""
    if configured:
        return configured
    return _read_or_create(data_dir / "secrets" / "ui.token", secrets.token_urlsafe(32))


def postgres_password_file(data_dir: Path) -> Path:
    """Where the embedded PostgreSQL's generated password lives (mode 0600)."""
    return data_dir / "secrets" / "postgres.password"


def postgres_password(data_dir: Path, *, create: bool) -> str:
    """The embedded PostgreSQL password; generated once when ``create`` (a fresh cluster), else it must exist."""
    path = postgres_password_file(data_dir)
    if not create and not path.exists():
        raise SecretFileError(
            f"{path} is missing but the embedded database already requires a password; restore it from backup"
        )
    return _read_or_create(path, secrets.token_hex(24))


def encryption_key(configured: str, data_dir: Path) -> str:
    """The at-rest encryption key: ``MCP_ORCH_ENCRYPTION_KEY`` or ``<data>/secrets/encryption.key``."""
    if configured:
        return configured
    return _read_or_create(data_dir / "secrets" / "encryption.key", Fernet.generate_key().decode())
