"""Structured logs print their fields."""

from __future__ import annotations

import logging
import sys

from backend.lib.log import KeyValueFormatter


def _format(message: str, **fields: object) -> str:
    record = logging.LogRecord("mcp_orch.test", logging.INFO, __file__, 1, message, None, None)
    record.__dict__.update(fields)
    return KeyValueFormatter().format(record)


def test_extra_fields_are_printed_as_key_value_pairs_in_order() -> None:
    line = _format("upstream started", server="time", pid=4242, reason="exit code 1 (crash)")
    assert line.endswith(' upstream started server=time pid=4242 reason="exit code 1 (crash)"')
    assert " INFO mcp_orch.test " in line


def test_a_record_without_fields_is_the_plain_line() -> None:
    assert _format("ready").endswith(" INFO mcp_orch.test ready")


def test_fields_stay_on_the_first_line_above_a_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    record.__dict__["job"] = "health"
    first, *rest = KeyValueFormatter().format(record).splitlines()
    assert first.endswith("failed job=health")
    assert rest[0].startswith("Traceback")
    assert rest[-1] == "ValueError: boom"
