"""sandbox/team/forms.py: the roster import, a tester, bulk onboarding, renew and auto-renew."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sandbox.models import Agent
from sandbox.team import forms
from sandbox.team.forms import AutoRenewForm, OnboardForm, RenewExpiringForm, RosterImportForm
from sandbox.team.models import Tester
from sandbox.team.roster import MAX_BYTES

pytestmark = pytest.mark.django_db
AGENTS = [Agent(kapso_id="agent-1", name="Support"), Agent(kapso_id="agent-2", name="Sales")]


def test_an_import_needs_a_file_or_a_pasted_list():
    assert RosterImportForm({"pasted": "Ann, +14155552671"}).is_valid()
    form = RosterImportForm({"pasted": "   "})
    assert not form.is_valid()
    assert form.non_field_errors() == ["Choose a CSV file or paste a list."]


def test_a_file_over_the_limit_says_how_big_it_is_and_what_to_do():
    upload = SimpleUploadedFile("roster.csv", b"x" * (MAX_BYTES + 1024))
    form = RosterImportForm({}, {"file": upload})
    assert not form.is_valid()
    message = form.non_field_errors()[0]
    assert f"{(MAX_BYTES + 1024) // 1024} KB" in message and "Split it" in message


def test_a_testers_phone_is_stored_in_e164_and_a_bad_one_is_explained(settings):
    settings.PHONE_DEFAULT_REGION = "US"
    form = forms.TesterForm({"name": "Ann", "phone_number": "(415) 555-2671", "email": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone_number"] == "+14155552671"
    bad = forms.TesterForm({"name": "Ann", "phone_number": "12", "email": ""})
    assert not bad.is_valid() and bad.errors["phone_number"]


def test_onboarding_needs_testers_or_phones_and_known_agents():
    Tester.objects.create(name="Ann", phone_number="+14155552671")
    testers = Tester.objects.all()
    form = OnboardForm({"agents": ["agent-1"]}, testers=testers, agents=AGENTS)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Pick at least one tester or paste phones."]
    ok = OnboardForm(
        {"testers": [testers[0].pk], "agents": ["agent-2"]}, testers=testers, agents=AGENTS
    )
    assert ok.is_valid(), ok.errors
    unknown = OnboardForm(
        {"pasted": "+1415", "agents": ["agent-9"]}, testers=testers, agents=AGENTS
    )
    assert "agents" in unknown.errors


@pytest.mark.parametrize(
    ("hours", "valid"), [("1", True), ("48", True), ("0", False), ("49", False)]
)
def test_renew_expiring_looks_one_to_48_hours_ahead(hours, valid):
    assert RenewExpiringForm({"hours": hours}).is_valid() is valid


def test_auto_renew_offers_the_listed_agents_and_may_be_emptied():
    form = AutoRenewForm({"agents": ["agent-1"]}, agents=AGENTS)
    assert form.is_valid() and form.cleaned_data["agents"] == ["agent-1"]
    assert AutoRenewForm({}, agents=AGENTS).is_valid()
    assert not AutoRenewForm({"agents": ["agent-9"]}, agents=AGENTS).is_valid()
