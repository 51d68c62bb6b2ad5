"""The product's exception handlers on a real Litestar app: every error keeps one JSON shape, and a
500 is logged with its traceback (Litestar alone logs unhandled errors only in debug mode)."""

from __future__ import annotations

import logging

import pytest
from litestar import Litestar, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.testing import TestClient

from backend.lib.exceptions import EXCEPTION_HANDLERS, NotFoundError

DSN = "postgresql://app:" + "s3cret-pw" + "@db/app"  # a value an exception message may quote


@get("/boom", sync_to_thread=False)
def boom() -> None:
    raise RuntimeError(f"cannot reach {DSN}")


@get("/missing", sync_to_thread=False)
def missing() -> None:
    raise NotFoundError("No such project")


@get("/denied", sync_to_thread=False)
def denied() -> None:
    raise NotAuthorizedException("Sign in first", headers={"WWW-Authenticate": "Bearer"})


@post("/only-post", sync_to_thread=False)
def only_post() -> None:
    return None


def _client() -> TestClient[Litestar]:
    app = Litestar([boom, missing, denied, only_post], exception_handlers=EXCEPTION_HANDLERS, logging_config=None)
    return TestClient(app, raise_server_exceptions=False)


def test_an_unhandled_error_is_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="mcp_orch.errors"), _client() as client:
        answer = client.get("/boom")
    assert answer.status_code == 500
    assert answer.json() == {"status_code": 500, "detail": "Internal Server Error"}
    assert "s3cret" not in answer.text
    [record] = [r for r in caplog.records if r.name == "mcp_orch.errors"]
    assert record.getMessage() == "unhandled error"
    assert record.__dict__["error_type"] == "RuntimeError"
    assert record.__dict__["path"] == "/boom"
    assert "raise RuntimeError" in record.__dict__["trace"]
    assert "s3cret" not in record.getMessage() + record.__dict__["trace"], "the message may quote a secret"


def test_http_errors_keep_their_status_shape_and_headers(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="mcp_orch.errors"), _client() as client:
        missing_answer = client.get("/missing")
        denied_answer = client.get("/denied")
        wrong_method = client.get("/only-post")
        no_route = client.get("/nowhere")
    assert missing_answer.status_code == 404
    assert missing_answer.json() == {"status_code": 404, "detail": "No such project"}
    assert denied_answer.status_code == 401
    assert denied_answer.headers["www-authenticate"] == "Bearer"
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.headers["allow"]
    assert no_route.status_code == 404
    assert no_route.json()["status_code"] == 404
    assert not [r for r in caplog.records if r.name == "mcp_orch.errors"], "client errors are not logged as errors"
