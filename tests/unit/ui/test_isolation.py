"""The server form's isolation field: every mode the API takes, in plain words, sent as the API spells it."""

from __future__ import annotations

import json
from typing import get_args

import msgspec

from backend.domain.servers import schemas as s
from ui.state.server_spec import spec_from_form
from ui.views.project.server_isolation import ISOLATION_MODES, isolation_field


def test_the_form_offers_exactly_the_modes_the_api_takes_each_explained_in_words() -> None:
    accepted = get_args(get_args(s.Isolation)[0])
    assert set(ISOLATION_MODES) == set(accepted)
    for value, (name, meaning) in ISOLATION_MODES.items():
        assert "_" not in name, f"{value} is shown by name, not by its raw value"
        assert len(meaning.split()) >= 6, f"{value} says what it does"
    assert isolation_field("shared") is not None


def test_a_per_user_choice_reaches_the_api_as_per_user() -> None:
    form = {"name": "memo", "timeout": "60", "isolation": "per_user", "command": "python", "args": "-V"}
    body = spec_from_form(form, [], [], editing=False)
    created = msgspec.json.decode(json.dumps(body), type=s.ServerCreate)
    assert created.isolation == "per_user"
