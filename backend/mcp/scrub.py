"""Secret scrubbing: a server's own env and header values, and the instance's keys, never leave as text.

Everything an upstream says (stderr, stdout noise, MCP log messages, error texts, tool results) and
everything stored about a call (arguments, results, error messages) passes a :class:`Scrubber`
built for that server's spec. Each known value is replaced by ``[redacted:NAME]``: NAME is the
env variable or header name, or ``instance:<key>`` for the instance's own secrets.

Which values count (the rule, also in README > Security model):

* values shorter than :data:`MIN_SECRET_CHARS` (4) characters, and the words ``true``, ``false``,
  ``yes``, ``no``, ``on``, ``off``, ``null``, ``none`` (any case), are never scrubbed: they carry no
  secret and would blank ordinary text;
* values of 4 to 7 characters are scrubbed as whole tokens only (not next to a letter, digit or
  ``_``): ``MODE=test`` hides "test" but not "testing";
* values of :data:`ANYWHERE_CHARS` (8) characters or more are scrubbed wherever they appear, inside
  longer strings included;
* a header value of the form ``<scheme> <credential>`` (``Bearer abc…``) also adds the credential
  alone. Overlapping values: the longest wins.

Limits: values are matched exactly (a secret re-encoded, e.g. base64 or URL-quoted, is not seen), and
stderr is scrubbed line by line, so a secret split across two lines is missed.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgspec

from backend.mcp.types import UpstreamSpec

MIN_SECRET_CHARS = 4
ANYWHERE_CHARS = 8
MAX_DEPTH = 64
# Up to this many long values, a substring test per value decides whether the regex runs at all.
_PREFILTER_MAX = 32
_NOT_SECRET = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none"})
_AUTH_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*\s+(\S.*)$")
_json_encode = msgspec.json.Encoder().encode


def redaction(name: str) -> str:
    """The marker that replaces a value named ``name``."""
    return f"[redacted:{name}]"


def is_scrubbable(value: str) -> bool:
    """Whether ``value`` is long and specific enough to be treated as a secret (see the module rule)."""
    return len(value) >= MIN_SECRET_CHARS and value.strip().lower() not in _NOT_SECRET


class Scrubber:
    """Replaces known secret values in text and in JSON-like values. Build once, use on every line."""

    def __init__(self, secrets: Iterable[tuple[str, str]]) -> None:
        names: dict[str, str] = {}
        for name, value in secrets:
            if is_scrubbable(value):
                names.setdefault(value, name)
        self._names = names
        # Longest first: with overlapping values the alternation must prefer the longer one. Long and
        # short values are two patterns: a plain literal alternation is fast; word boundaries are not.
        ordered = sorted(names, key=len, reverse=True)
        self._long = tuple(v for v in ordered if len(v) >= ANYWHERE_CHARS)
        self._short = tuple(v for v in ordered if len(v) < ANYWHERE_CHARS)
        self._long_pattern = re.compile("|".join(map(re.escape, self._long))) if self._long else None
        alternation = "|".join(map(re.escape, self._short))
        self._short_pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)") if self._short else None
        self._prefilter = len(self._long) <= _PREFILTER_MAX
        # Each value as it appears inside a JSON string (escaping is per character, so a value inside
        # a longer string shows up as exactly this): a JSON text without any of them needs no walk.
        self._in_json: tuple[bytes, ...] | None
        try:
            self._in_json = tuple(_json_encode(value)[1:-1] for value in ordered)
        except (TypeError, ValueError):  # a value JSON cannot carry (a lone surrogate): always walk
            self._in_json = None

    @property
    def active(self) -> bool:
        """False when there is nothing to scrub (every call is then a no-op)."""
        return bool(self._names)

    @property
    def names(self) -> frozenset[str]:
        """The names of the values this scrubber hides."""
        return frozenset(self._names.values())

    def text(self, text: str) -> str:
        """``text`` with every known value replaced by its marker (the same object when nothing matched)."""
        if not text:
            return text
        long = self._long_pattern
        if long is not None and (not self._prefilter or any(value in text for value in self._long)):
            text = long.sub(self._marker, text)
        short = self._short_pattern
        if short is not None and any(value in text for value in self._short):
            text = short.sub(self._marker, text)
        return text

    def optional(self, text: str | None) -> str | None:
        """:meth:`text` for optional strings."""
        return None if text is None else self.text(text)

    def clear_json(self, raw: bytes) -> bool:
        """True when none of the values occurs in the JSON text ``raw`` (nothing in it to scrub)."""
        return self._in_json is not None and not any(map(raw.__contains__, self._in_json))

    def value(self, value: Any, depth: int = 0) -> Any:
        """A JSON-like value with every string scrubbed (dict keys are kept; unchanged parts are shared).

        Every tool result and logged call passes here: a value whose JSON text holds none of the
        secrets is returned as it is, after one encoding instead of a walk through every string.
        """
        if isinstance(value, str):
            return self.text(value)
        if not self._names or depth >= MAX_DEPTH or (depth == 0 and self._clear(value)):
            return value
        if isinstance(value, dict):
            return {key: self.value(item, depth + 1) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item, depth + 1) for item in value]
        return value

    def _clear(self, value: Any) -> bool:
        """A dict or list whose JSON text holds none of the values (other values are walked)."""
        if not isinstance(value, dict | list):
            return False
        try:
            return self.clear_json(_json_encode(value))
        except (TypeError, ValueError, OverflowError):  # not JSON-encodable as it is: walk it
            return False

    def _marker(self, match: re.Match[str]) -> str:
        return redaction(self._names[match.group(0)])


NO_SCRUBBING = Scrubber(())


@dataclass(frozen=True)
class InstanceSecrets:
    """The instance's own keys, handed to the gateway explicitly (empty strings are ignored).

    Attributes:
        jwt_secret: the access-token signing secret.
        encryption_key: the at-rest encryption key.
        metrics_token: the ``/metrics`` bearer token.
        database_password: the PostgreSQL password (embedded or external).
        queue_password: the queue's Redis password, if any.
        ui_token: the token the UI's server side presents to the API.
    """

    jwt_secret: str = ""
    encryption_key: str = ""
    metrics_token: str = ""
    database_password: str = ""
    queue_password: str = ""
    ui_token: str = ""

    def named(self) -> tuple[tuple[str, str], ...]:
        """``(name, value)`` pairs, names as in the markers (``instance:jwt`` ...)."""
        pairs = (
            ("instance:jwt", self.jwt_secret),
            ("instance:encryption", self.encryption_key),
            ("instance:metrics", self.metrics_token),
            ("instance:database", self.database_password),
            ("instance:queue", self.queue_password),
            ("instance:ui", self.ui_token),
        )
        return tuple((name, value) for name, value in pairs if value)


def spec_secrets(spec: UpstreamSpec) -> list[tuple[str, str]]:
    """A server's own secret values: every env value and header value (plus a header's bare credential)."""
    found = list(spec.env)
    for name, value in spec.headers:
        found.append((name, value))
        credential = _AUTH_SCHEME.match(value.strip())
        if credential:
            found.append((name, credential.group(1)))
    return found


class ScrubberCache:
    """One :class:`Scrubber` per distinct (env, headers), plus the instance's keys; bounded LRU."""

    def __init__(self, instance: InstanceSecrets | None = None, size: int = 512) -> None:
        self._instance = instance.named() if instance is not None else ()
        self._size = max(1, size)
        self._cache: OrderedDict[tuple[Any, ...], Scrubber] = OrderedDict()
        self.instance_only = Scrubber(self._instance)

    def for_spec(self, spec: UpstreamSpec) -> Scrubber:
        """The scrubber for ``spec`` (cheap: a dict lookup once built)."""
        if not spec.env and not spec.headers:
            return self.instance_only
        key = (spec.env, spec.headers)
        scrubber = self._cache.get(key)
        if scrubber is None:
            # The server's own names win over the instance's for the same value.
            scrubber = self._cache[key] = Scrubber([*spec_secrets(spec), *self._instance])
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return scrubber
