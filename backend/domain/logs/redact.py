"""Making tool-call payloads safe to store: secret-looking keys redacted, size capped, NULs removed.

PostgreSQL rejects ``\\u0000`` in ``jsonb`` and text columns, so every stored string goes through
:func:`sanitize`; a single bad row must not fail a whole batch.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import msgspec

REDACTED = "[redacted]"
DEFAULT_CAP_BYTES = 64 * 1024
PREVIEW_CHARS = 2048
MAX_DEPTH = 64

# Words that mark a key as secret once the key is split into words ("apiKey" → api, key).
_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "key",
        "apikey",
        "authorization",
        "auth",
        "bearer",
        "credential",
        "credentials",
        "cookie",
        "jwt",
        "otp",
        "pin",
    }
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def is_secret_key(key: str) -> bool:
    """True for keys such as ``password``, ``api_key``, ``accessToken``, ``X-Auth-Token``, ``client_secret``.

    Matching whole words avoids redacting ``keyword``, ``monkey`` or ``max_tokens``. Every logged call
    asks this of its argument and result keys, which repeat: short keys are answered from a cache.
    """
    return _is_secret_key(key) if len(key) <= _CACHED_KEY_CHARS else _secret_words(key)


_CACHED_KEY_CHARS = 64


def _secret_words(key: str) -> bool:
    words = {w.lower() for w in _SPLIT.split(_CAMEL.sub("_", key)) if w}
    return not words.isdisjoint(_SECRET_WORDS)


_is_secret_key = functools.lru_cache(maxsize=4096)(_secret_words)


def strip_nul(text: str) -> str:
    """``text`` without NUL characters (which PostgreSQL cannot store)."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    text = strip_nul(text)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def sanitize(value: Any, *, redact: bool = False, scrub: tuple[str, ...] = (), depth: int = 0) -> Any:
    """A JSON-safe copy of ``value``: NULs replaced, secret-looking keys redacted when asked.

    ``scrub`` lists secret values to blank wherever they appear in strings (a tool that echoes its
    arguments must not leak a password into the stored result).
    """
    if isinstance(value, str):
        return _scrub(value, scrub) if scrub else strip_nul(value)
    if depth >= MAX_DEPTH:
        return "[too deep]"
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = strip_nul(str(key))
            secret = redact and is_secret_key(name)
            out[name] = REDACTED if secret else sanitize(item, redact=redact, scrub=scrub, depth=depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [sanitize(item, redact=redact, scrub=scrub, depth=depth + 1) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return strip_nul(str(value))


def secret_values(value: Any, depth: int = 0) -> tuple[str, ...]:
    """String values (4+ characters) under secret-looking keys anywhere in ``value``."""
    found: list[str] = []
    if depth < MAX_DEPTH and isinstance(value, dict):
        for key, item in value.items():
            if is_secret_key(str(key)) and isinstance(item, str) and len(item) >= 4:
                found.append(item)
            else:
                found.extend(secret_values(item, depth + 1))
    elif depth < MAX_DEPTH and isinstance(value, list):
        for item in value:
            found.extend(secret_values(item, depth + 1))
    return tuple(dict.fromkeys(found))


def capped(value: Any, cap_bytes: int = DEFAULT_CAP_BYTES, *, scrub: tuple[str, ...] = ()) -> Any:
    """``value`` redacted and sanitized; over ``cap_bytes`` of JSON it becomes a truncation marker."""
    if value is None:
        return None
    clean = sanitize(value, redact=True, scrub=scrub)
    raw = msgspec.json.encode(clean)
    if len(raw) <= cap_bytes:
        return clean
    return {
        "_truncated": True,
        "_originalBytes": len(raw),
        "_preview": raw[:PREVIEW_CHARS].decode("utf-8", errors="ignore"),
    }


# Every secret word as bytes, for a search of a lowered JSON text (see :func:`needs_sanitizing`).
_SECRET_WORDS_IN_JSON = re.compile(b"|".join(word.encode() for word in sorted(_SECRET_WORDS, key=len, reverse=True)))
_JSON_NUL = b"\\u0000"
_encode = msgspec.json.Encoder().encode


def json_text(value: Any) -> bytes | None:
    """``value`` as JSON, or None when it is not encodable as it is (then it needs :func:`sanitize`)."""
    try:
        return _encode(value)
    except (TypeError, ValueError, OverflowError):
        return None


def needs_sanitizing(raw: bytes) -> bool:
    """Whether :func:`sanitize` (redacting) could change the value whose JSON text is ``raw``.

    False only when the text holds no NUL, no secret word in any case anywhere (a secret key's words
    are letters and digits, which JSON never escapes, so a secret key shows its word in the text) and
    fewer brackets than :data:`MAX_DEPTH`. Every logged call asks this before walking its payloads:
    most have nothing to redact, and one search of their text is far cheaper than the walk.
    """
    return (
        _JSON_NUL in raw
        or raw.count(b"{") + raw.count(b"[") >= MAX_DEPTH
        or _SECRET_WORDS_IN_JSON.search(raw.lower()) is not None
    )


def stored(value: Any, cap_bytes: int = DEFAULT_CAP_BYTES, *, scrub: tuple[str, ...] = ()) -> Any:
    """:func:`capped`, returning ``value`` itself when there is nothing to redact, scrub or cut."""
    if value is None:
        return None
    if not scrub:
        raw = json_text(value)
        if raw is not None and len(raw) <= cap_bytes and not needs_sanitizing(raw):
            return value
    return capped(value, cap_bytes, scrub=scrub)


def clip(text: str | None, limit: int) -> str | None:
    """``text`` without NULs, cut to ``limit`` characters (with an ellipsis)."""
    if text is None:
        return None
    text = strip_nul(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
