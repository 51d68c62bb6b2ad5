"""API error bodies in people's words: the message, and each offending field's own message.

The API answers bad input with ``{"detail": ..., "extra": [{"key": field, "message": ...}]}``; request
validation says ``Validation failed for POST /api/...`` and msgspec's terse ``Expected `str` of length <= 48``.
People read neither API paths nor raw validation strings: these turn them into sentences.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

# API messages that name a route where the UI has a screen for it: people read the screen's name.
_UI_PLACES = {"(PUT /api/admin/allowed-commands)": "(Administration → Allowed commands, /admin/commands)"}

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Expected `str` of length <= (\d+)$"), r"At most \1 characters"),
    (re.compile(r"^Expected `str` of length >= 1$"), "Required"),
    (re.compile(r"^Expected `str` of length >= (\d+)$"), r"At least \1 characters"),
    (re.compile(r"^Expected `(?:int|float)` >= (\S+)$"), r"\1 or more"),
    (re.compile(r"^Expected `(?:int|float)` <= (\S+)$"), r"\1 or less"),
    (re.compile(r"^Expected `(?:int|float)` > (\S+)$"), r"More than \1"),
    (re.compile(r"^Expected `str` matching regex .*$"), "Not in the expected form"),
    (re.compile(r"^Expected `int`, got .*$"), "A whole number"),
    (re.compile(r"^Expected `(?:float|number)`, got .*$"), "A number"),
    (re.compile(r"^Object missing required field `(\w+)`$"), "Required"),
    (re.compile(r"^Invalid enum value .*$"), "Not one of the choices"),
    (re.compile(r"^Object contains unknown field `(\w+)`$"), r"Unknown field \1"),
    (re.compile(r"^Expected `(\w+)`, got `(\w+)`$"), "Not the expected kind of value"),
]
_VALIDATION = re.compile(r"^Validation failed for [A-Z]+ \S+")
_API_PATH = re.compile(r"\s*\(?\b(?:GET|POST|PUT|PATCH|DELETE) /api/\S*\)?")


def in_words(message: str) -> str:
    """One message without API paths and with msgspec's phrasing turned into a sentence."""
    text = message.strip()
    for api_words, ui_words in _UI_PLACES.items():
        text = text.replace(api_words, ui_words)
    for pattern, words in _RULES:
        if pattern.match(text):
            return pattern.sub(words, text)
    text = _VALIDATION.sub("Some values are not valid", text)
    text = _API_PATH.sub("", text).replace("`", "")
    text = re.sub(r"^url\b", "URL", text)  # "url refused: …" -> "URL refused: …"
    if text and text[0].islower():  # "cwd must …" -> "Cwd must …"
        text = text[0].upper() + text[1:]
    return text


def _key(raw: Any) -> str:
    """``$.name``, ``body.name``, ``name`` and ``$.spec.url`` -> the last part (``name``, ``url``)."""
    key = str(raw or "").strip()
    return re.split(r"[.\[\]]+", key.strip("$.[]"))[-1] if key else ""


def fields_of(body: Any) -> dict[str, str]:
    """The offending fields named by ``extra`` (field -> message in words); a field's first message wins."""
    extra = body.get("extra") if isinstance(body, dict) else None
    found: dict[str, str] = {}
    if isinstance(extra, list):
        for entry in extra:
            if isinstance(entry, dict) and _key(entry.get("key")):
                found.setdefault(_key(entry.get("key")), in_words(str(entry.get("message", ""))))
    return found


def detail_of(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The error's message in words (with the fields' messages when it only says validation failed)."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "error", {}
    if not isinstance(body, dict):
        return in_words(str(body)), {}
    fields = fields_of(body)
    raw = str(body.get("detail", ""))
    detail = in_words(raw) if raw else "Something went wrong"
    if fields and _VALIDATION.match(raw):
        detail = "; ".join(f"{name}: {message}" for name, message in fields.items())
    return detail, fields
