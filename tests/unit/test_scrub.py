"""The secret scrubber: which values it hides, where, and under which name."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from backend.domain.logs.events import GatewayEventSink
from backend.domain.logs.recorder import COLUMNS, TOOL_CALL, call_row, copy_record
from backend.mcp.lograte import LogRateLimiter
from backend.mcp.scrub import NO_SCRUBBING, InstanceSecrets, Scrubber, ScrubberCache, spec_secrets
from backend.mcp.types import CallRecord, UpstreamSpec

TOKEN = "tok-4f1c9a7e2b"


def _spec(**fields: object) -> UpstreamSpec:
    fields.setdefault("transport", "stdio")
    return UpstreamSpec(server_id=uuid4(), project_id=uuid4(), name="s", **fields)  # type: ignore[arg-type]


def test_a_secret_is_replaced_by_its_name_inside_longer_text() -> None:
    scrub = Scrubber([("API_TOKEN", TOKEN)])
    assert scrub.text(f"auth failed for {TOKEN}!") == "auth failed for [redacted:API_TOKEN]!"
    assert scrub.text(f"url=https://x/?k={TOKEN}&a=1") == "url=https://x/?k=[redacted:API_TOKEN]&a=1"
    assert scrub.text(f"prefix{TOKEN}suffix") == "prefix[redacted:API_TOKEN]suffix"


def test_several_secrets_in_one_line_are_all_replaced() -> None:
    scrub = Scrubber([("A", "alpha-secret-1"), ("B", "bravo-secret-2")])
    assert scrub.text("alpha-secret-1 and bravo-secret-2 and alpha-secret-1") == (
        "[redacted:A] and [redacted:B] and [redacted:A]"
    )


def test_overlapping_values_prefer_the_longest() -> None:
    scrub = Scrubber([("SHORT", "abcdefgh"), ("LONG", "abcdefgh-ijkl")])
    assert scrub.text("x abcdefgh-ijkl y abcdefgh") == "x [redacted:LONG] y [redacted:SHORT]"


def test_tiny_and_boolean_values_are_never_scrubbed() -> None:
    scrub = Scrubber([("N", "1"), ("M", "one"), ("DEBUG", "true"), ("Q", "OFF"), ("E", "")])
    assert not scrub.active
    text = '{"ok": true, "n": 1, "one": "OFF"}'
    assert scrub.text(text) is text


def test_short_values_are_scrubbed_only_as_whole_words() -> None:
    scrub = Scrubber([("MODE", "test")])
    assert scrub.text("testing the test-suite in test") == "testing the [redacted:MODE]-suite in [redacted:MODE]"
    assert scrub.text("attested") == "attested"


def test_json_like_values_are_scrubbed_everywhere_but_keys() -> None:
    scrub = Scrubber([("API_TOKEN", TOKEN)])
    value = {"harmless": TOKEN, "list": [1, None, TOKEN, {"deep": f"Bearer {TOKEN}"}], TOKEN: "key kept"}
    assert scrub.value(value) == {
        "harmless": "[redacted:API_TOKEN]",
        "list": [1, None, "[redacted:API_TOKEN]", {"deep": "Bearer [redacted:API_TOKEN]"}],
        TOKEN: "key kept",
    }


def test_unchanged_text_is_returned_as_is() -> None:
    scrub = Scrubber([("API_TOKEN", TOKEN)])
    line = "nothing to see here " * 50
    assert scrub.text(line) is line
    assert NO_SCRUBBING.value({"a": TOKEN}) == {"a": TOKEN}


def test_header_credentials_count_with_and_without_their_scheme() -> None:
    spec = _spec(transport="streamable-http", url="http://x", headers=(("Authorization", f"Bearer {TOKEN}"),))
    assert ("Authorization", TOKEN) in spec_secrets(spec)
    scrub = ScrubberCache().for_spec(spec)
    assert scrub.text(f"echo: Bearer {TOKEN}") == "echo: [redacted:Authorization]"
    assert scrub.text(f"token {TOKEN} refused") == "token [redacted:Authorization] refused"


def test_instance_keys_are_scrubbed_for_every_server_and_the_servers_own_names_win() -> None:
    instance = InstanceSecrets(jwt_secret="jwt-" + "j" * 40, encryption_key="enc-" + "e" * 40, database_password="")
    cache = ScrubberCache(instance)
    bare = cache.for_spec(_spec())
    assert bare.text("key jwt-" + "j" * 40) == "key [redacted:instance:jwt]"
    assert bare.names == {"instance:jwt", "instance:encryption"}
    own = cache.for_spec(_spec(env=(("MY_KEY", "enc-" + "e" * 40), ("OTHER", TOKEN))))
    assert own.text("enc-" + "e" * 40) == "[redacted:MY_KEY]"
    assert own.text("jwt-" + "j" * 40) == "[redacted:instance:jwt]"


def test_specs_with_the_same_secrets_share_one_scrubber() -> None:
    cache = ScrubberCache()
    env = (("API_TOKEN", TOKEN),)
    assert cache.for_spec(_spec(env=env)) is cache.for_spec(_spec(env=env, args=("x",)))
    assert cache.for_spec(_spec()) is cache.instance_only


def test_call_rows_scrub_arguments_under_any_key_and_error_messages() -> None:
    scrub = Scrubber([("API_TOKEN", TOKEN)])
    now = datetime.now(tz=UTC)
    call = CallRecord(
        project_id=uuid4(),
        server_id=uuid4(),
        server_name="s",
        tool="t",
        arguments={"query": TOKEN, "note": f"use {TOKEN}", "password": "pw-1234"},
        result={"content": [{"type": "text", "text": "uses pw-1234"}]},
        status="error",
        error_code=None,
        error_message=f"bad token {TOKEN}",
        duration_ms=1.0,
        started_at=now,
        finished_at=now,
    )
    row = call_row(call, scrubber=scrub)
    assert row["arguments"] == {
        "query": "[redacted:API_TOKEN]",
        "note": "use [redacted:API_TOKEN]",
        "password": "[redacted]",
    }
    assert row["error_message"] == "bad token [redacted:API_TOKEN]"
    assert row["result"]["content"][0]["text"] == "uses [redacted]"


def test_values_json_escapes_are_found_in_results_and_arguments_and_clean_ones_are_kept() -> None:
    odd = 'q"uo\\te-\u00e9-9f3a'  # a quote, a backslash, a non-ASCII letter: escaped in JSON text
    scrub = Scrubber([("ODD", odd)])
    result = {"content": [{"type": "text", "text": f"x {odd} y"}], "isError": False}
    assert scrub.value(result) == {"content": [{"type": "text", "text": "x [redacted:ODD] y"}], "isError": False}
    clean = {"content": [{"type": "text", "text": "nothing here"}]}
    assert scrub.value(clean) is clean  # nothing to scrub: not copied
    now = datetime.now(tz=UTC)

    def row(arguments: dict[str, object]) -> dict[str, object]:
        call = CallRecord(uuid4(), uuid4(), "s", "t", arguments, None, "success", None, None, 1.0, now, now)
        return call_row(call, scrubber=scrub)

    assert row({"q": f"say {odd}"})["arguments"] == {"q": "say [redacted:ODD]"}
    plain = {"q": "say hello", "n": [1, 2]}
    assert row(plain)["arguments"] is plain


def test_rate_limiter_admits_the_burst_then_the_rate_and_counts_the_rest() -> None:
    now = [0.0]
    limiter = LogRateLimiter(rate=10, burst=5, clock=lambda: now[0])
    server = uuid4()
    assert [limiter.admit(server) for _ in range(8)] == [True] * 5 + [False] * 3
    now[0] += 0.2  # two more tokens
    assert [limiter.admit(server) for _ in range(3)] == [True, True, False]
    assert limiter.dropped_total == 4
    assert limiter.take_dropped(server) == 4
    assert limiter.take_dropped(server) == 0
    assert "4 lines dropped" in limiter.marker(4)
    other = uuid4()
    assert limiter.admit(other), "each server has its own bucket"
    assert LogRateLimiter(rate=0, burst=1).admit(server), "0 turns limiting off"


def test_one_project_cannot_fill_the_server_log_queue_and_its_losses_are_marked() -> None:
    sink = GatewayEventSink(None, capacity=8)  # type: ignore[arg-type] - nothing is written here
    flooding, quiet = (uuid4(), uuid4()), (uuid4(), uuid4())
    for n in range(5):
        sink.on_log(*flooding, "info", "stderr", f"line {n}")
    sink.on_log(*quiet, "info", "stderr", "still here")
    assert sink.logs.pending == 3, "two of the flooding project's lines (its quarter) and the quiet one"
    assert sink.dropped == 3
    [marker] = sink._loss_markers()
    assert (marker["server_id"], marker["level"], marker["category"]) == (flooding[0], "warning", "lifecycle")
    assert marker["message"].startswith("3 log lines dropped")


def test_copy_records_follow_the_table_columns_with_json_as_text() -> None:
    now = datetime.now(tz=UTC)
    call = CallRecord(
        project_id=uuid4(),
        server_id=None,
        server_name="s",
        tool="t",
        arguments={"n": 1},
        result=None,
        status="success",
        error_code=None,
        error_message=None,
        duration_ms=1.0,
        started_at=now,
        finished_at=now,
    )
    row = call_row(call)
    assert tuple(row) == COLUMNS
    assert set(COLUMNS) <= {column.name for column in TOOL_CALL.columns}
    record = copy_record(row)
    assert record[COLUMNS.index("arguments")] == '{"n":1}'
    assert record[COLUMNS.index("result")] is None
    assert record[COLUMNS.index("project_id")] == call.project_id
