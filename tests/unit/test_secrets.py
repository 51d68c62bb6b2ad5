"""Secrets are generated once into the data folder (mode 0600) and never silently regenerated."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest

from backend.lib import secrets
from backend.lib.crypto import create_access_token, decode_access_token


def test_generated_secrets_are_private_and_reused(tmp_path: Path) -> None:
    first = secrets.jwt_secret("", tmp_path)
    key = secrets.encryption_key("", tmp_path)
    for name in ("jwt.key", "encryption.key"):
        mode = stat.S_IMODE((tmp_path / "secrets" / name).stat().st_mode)
        assert mode == 0o600
    assert secrets.jwt_secret("", tmp_path) == first
    assert secrets.encryption_key("", tmp_path) == key


def test_environment_wins_and_writes_nothing(tmp_path: Path) -> None:
    assert secrets.jwt_secret("from-env", tmp_path) == "from-env"
    assert not (tmp_path / "secrets").exists()


def test_an_emptied_key_file_fails_instead_of_regenerating(tmp_path: Path) -> None:
    secrets.encryption_key("", tmp_path)
    (tmp_path / "secrets" / "encryption.key").write_text("")
    with pytest.raises(secrets.SecretFileError):
        secrets.encryption_key("", tmp_path)


def test_access_tokens_round_trip_and_reject_other_secrets() -> None:
    user_id, sid = uuid.uuid4(), uuid.uuid4()
    token, _ = create_access_token(user_id, "secret-one-" + "x" * 32, 5, sid=sid)
    assert decode_access_token(token, "secret-one-" + "x" * 32) == (user_id, sid)
    assert decode_access_token(token, "secret-two-" + "x" * 32) is None
