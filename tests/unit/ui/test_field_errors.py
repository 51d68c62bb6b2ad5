"""API errors in people's words, placed beside the field at fault."""

from __future__ import annotations

import httpx

from ui.api import ApiError
from ui.api._errors import detail_of, in_words
from ui.state.form_errors import field_errors


def _response(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request("POST", "http://api/x"))


def test_msgspec_phrases_read_as_sentences() -> None:
    assert in_words("Expected `str` of length <= 48") == "At most 48 characters"
    assert in_words("Expected `int` >= 1") == "1 or more"
    assert in_words("Object missing required field `name`") == "Required"
    assert in_words("Invalid enum value 'bogus'") == "Not one of the choices"


def test_no_api_path_reaches_a_message() -> None:
    assert "/api/" not in in_words("Validation failed for POST /api/projects/p/servers")
    text = in_words("Command 'x' is not allowed. An administrator can add commands (PUT /api/admin/allowed-commands).")
    assert "/api/" not in text
    assert "Allowed commands" in text
    assert in_words("url refused: address not allowed: 10.0.0.1").startswith("URL refused")


def test_a_validation_failure_names_its_fields_in_words() -> None:
    body = {
        "status_code": 400,
        "detail": "Validation failed for POST /api/projects/p/servers",
        "extra": [{"key": "name", "message": "Expected `str` of length <= 48", "source": "body"}],
    }
    detail, fields = detail_of(_response(400, body))
    assert fields == {"name": "At most 48 characters"}
    assert "/api/" not in detail
    assert "At most 48 characters" in detail


def test_a_refused_field_goes_beside_it_and_a_taken_name_beside_the_name() -> None:
    refused = ApiError(422, "Command 'x' is not allowed", {"command": "Command 'x' is not allowed"})
    assert field_errors(refused, {"name", "command"}) == {"command": "Command 'x' is not allowed"}
    taken = ApiError(409, "A server named 'echo' already exists in this project")
    assert field_errors(taken, {"name", "command"}) == {"name": taken.detail}
    slug = ApiError(409, "The slug 'p' is already taken")
    assert field_errors(slug, {"name", "slug"}) == {"slug": slug.detail}
    invited = ApiError(409, "a@b.c is already a member of this project")
    assert field_errors(invited, {"email"}, taken="email") == {"email": invited.detail}


def test_an_error_about_no_field_of_the_form_is_left_to_a_toast() -> None:
    assert field_errors(ApiError(403, "Only owners may do this"), {"name"}) == {}
    assert field_errors(ApiError(422, "bad", {"other": "bad"}), {"name"}) == {}
    assert field_errors(ApiError(422, "bad", {"timeoutSeconds": "3600 or less"}), {"timeout"}) == {
        "timeout": "3600 or less"
    }
