"""The encrypted columns' backend: a cipher per key, decryptions remembered, a new key honoured at once."""

from __future__ import annotations

import pytest
from advanced_alchemy.types import EncryptedText
from cryptography.fernet import InvalidToken

from backend.lib import keys
from backend.lib.keys import KeyedFernetBackend


def test_values_round_trip_and_a_token_is_decrypted_once() -> None:
    backend = KeyedFernetBackend()
    backend.mount_vault("key-one")
    token = backend.encrypt('{"API_KEY": "s3cret"}')
    assert backend.decrypt(token) == '{"API_KEY": "s3cret"}'
    fernet = backend.fernet
    backend.mount_vault("key-one")
    assert backend.fernet is fernet  # the same key: no new cipher
    calls: list[str] = []
    original = fernet.decrypt
    backend.fernet.decrypt = lambda data: calls.append(data) or original(data)  # type: ignore[method-assign]
    assert backend.decrypt(token) == '{"API_KEY": "s3cret"}'
    assert calls == []  # remembered


def test_a_new_key_takes_effect_at_once_and_forgets_what_the_old_one_decrypted() -> None:
    backend = KeyedFernetBackend()
    backend.mount_vault("key-one")
    token = backend.encrypt("value")
    assert backend.decrypt(token) == "value"
    backend.mount_vault("key-two")
    with pytest.raises(InvalidToken):
        backend.decrypt(token)  # not answered from memory


def test_columns_read_the_mounted_key_through_the_backend() -> None:
    column = EncryptedText(key=keys.encryption_key, backend=KeyedFernetBackend)
    saved = dict(keys._state)
    try:
        keys.mount_encryption_key("first-key")
        stored = column.process_bind_param("{}", dialect=None)  # type: ignore[arg-type]
        assert column.process_result_value(stored, dialect=None) == "{}"  # type: ignore[arg-type]
        keys.mount_encryption_key("second-key")
        with pytest.raises(InvalidToken):
            column.process_result_value(stored, dialect=None)  # type: ignore[arg-type]
    finally:
        keys._state.clear()
        keys._state.update(saved)
