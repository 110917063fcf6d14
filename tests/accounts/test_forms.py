"""sandbox/accounts/forms.py: the invite form reads a pasted list and names wrong
addresses; the accept form checks the username and the password like the rest of Django."""

from __future__ import annotations

import pytest

from sandbox.accounts.forms import MAX_INVITES, AcceptForm, InviteForm

pytestmark = pytest.mark.django_db


def test_a_pasted_list_in_any_separator_without_repeats():
    form = InviteForm({"emails": "a@x.com, B@x.com;c@x.com\n a@x.com", "role": "teammate"})
    assert form.is_valid()
    assert form.cleaned_data["emails"] == ["a@x.com", "b@x.com", "c@x.com"]


def test_wrong_addresses_are_named_and_too_many_refused():
    form = InviteForm({"emails": "a@x.com nope also-nope", "role": "teammate"})
    assert not form.is_valid()
    assert form.errors["emails"] == ["Not e-mail addresses: nope, also-nope"]
    many = " ".join(f"p{i}@x.com" for i in range(MAX_INVITES + 1))
    assert not InviteForm({"emails": many, "role": "teammate"}).is_valid()


def test_an_unknown_role_is_refused():
    assert not InviteForm({"emails": "a@x.com", "role": "admin"}).is_valid()


def test_accept_refuses_a_taken_username_and_a_weak_password(alice):
    form = AcceptForm(
        {"username": "ALICE", "password1": "short", "password2": "short"}, email="d@x.com"
    )
    assert not form.is_valid()
    assert "taken" in form.errors["username"][0]
    assert form.errors["password1"]
