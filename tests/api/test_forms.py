"""sandbox/api/forms.py: the token form's name, expiry and access."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.api.forms import TokenForm
from sandbox.api.models import NAME_MAX_LENGTH, ApiToken


@pytest.mark.parametrize(
    ("expires", "expires_in"),
    [("7", timedelta(days=7)), ("365", timedelta(days=365)), ("never", None)],
)
def test_the_expiry_is_a_span_or_never(expires, expires_in):
    form = TokenForm({"name": "ci", "expires": expires, "access": ApiToken.READ})
    assert form.is_valid(), form.errors
    assert form.expires_in() == expires_in
    assert form.cleaned_data["access"] == ApiToken.READ


def test_a_missing_name_says_what_to_call_it():
    form = TokenForm({"name": "", "expires": "90", "access": ApiToken.WRITE})
    assert not form.is_valid()
    assert form.errors["name"] == ["Name the token after the job or script that will use it."]


def test_a_name_too_long_or_an_unknown_choice_is_refused():
    form = TokenForm({"name": "x" * (NAME_MAX_LENGTH + 1), "expires": "3", "access": "admin"})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "expires", "access"}


def test_the_defaults_are_90_days_and_write():
    form = TokenForm()
    assert (form["expires"].initial, form["access"].initial) == ("90", ApiToken.WRITE)
