"""kapso_emulator/errors.py: each error carries Kapso's status and documented JSON body."""

from __future__ import annotations

from kapso_emulator.errors import (
    ApiError,
    bad_request,
    not_found,
    not_implemented,
    validation_failed,
)


def test_the_body_has_the_error_the_message_and_any_extra_fields():
    error = ApiError(429, "Rate limit exceeded", "Slow down", headers={"Retry-After": "7"}, at=1)
    assert (error.status, str(error)) == (429, "429 Rate limit exceeded")
    assert error.body() == {"error": "Rate limit exceeded", "message": "Slow down", "at": 1}
    assert error.headers == {"Retry-After": "7"}


def test_without_a_message_the_body_has_none():
    assert not_found("Agent not found").body() == {"error": "Agent not found"}
    assert not_found("Agent not found").status == 404


def test_the_named_errors_and_their_statuses():
    assert (bad_request("no JSON").status, bad_request("no JSON").body()["message"]) == (
        400,
        "no JSON",
    )
    failed = validation_failed({"phone_number": ["is invalid"]}, "Phone number is invalid")
    assert failed.status == 422
    # Rails-style, as Kapso's own CLI reads it: {field: [messages]}.
    assert failed.body()["errors"] == {"phone_number": ["is invalid"]}
    assert not_implemented("PUT", "/x").body() == {
        "error": "Not implemented by the Kapso emulator",
        "message": "PUT /x",
    }
