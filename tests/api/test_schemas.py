"""sandbox/api/schemas.py: what the API accepts; control characters are refused with a message."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from sandbox.api.schemas import PRINTABLE, EnsureIn


def test_a_request_with_a_phone_and_an_agent_is_taken():
    asked = EnsureIn(phone_number="+1 415 555 2671", agent_id="agent-support-01")
    assert (asked.phone_number, asked.agent_id) == ("+1 415 555 2671", "agent-support-01")


@pytest.mark.parametrize("bad", ["agent\x00", "a\x1fb", "del\x7f"])
def test_control_characters_are_refused_with_a_message(bad):
    with pytest.raises(ValidationError, match="Control characters are not allowed here"):
        EnsureIn(phone_number="+14155552671", agent_id=bad)


def test_a_lone_surrogate_is_refused_too():
    with pytest.raises(ValidationError):
        EnsureIn(phone_number="+14155552671", agent_id="lone\ud800")


def test_unknown_fields_and_an_empty_agent_are_refused():
    with pytest.raises(ValidationError):
        EnsureIn(phone_number="+14155552671", agent_id="a", agnet_id="typo")
    with pytest.raises(ValidationError):
        EnsureIn(phone_number="+14155552671", agent_id="")
    with pytest.raises(ValidationError):
        EnsureIn(phone_number="+14155552671", agent_id="a" * 256)


def test_the_published_pattern_says_what_the_validator_does():
    assert re.fullmatch(PRINTABLE, "ok text ünïcode")
    assert not re.fullmatch(PRINTABLE, "no\ttabs")
