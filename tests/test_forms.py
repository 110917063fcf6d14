"""sandbox/forms.py: the create form, a phone number and an agent."""

from __future__ import annotations

import pytest
from django import forms

from sandbox.forms import SandboxSessionForm
from sandbox.models import Agent

AGENTS = [Agent(kapso_id="agent-support-01", name="Support"), Agent(kapso_id="b", name="Sales")]


def test_with_kapsos_list_the_agent_is_picked_from_it():
    form = SandboxSessionForm(agents=AGENTS)
    field = form.fields["agent_id"]
    assert isinstance(field, forms.ChoiceField) and not form.agent_is_typed
    assert field.choices == [
        ("", "Choose an agent…"),
        ("agent-support-01", "Support"),
        ("b", "Sales"),
    ]


def test_without_a_list_the_agent_id_is_typed():
    form = SandboxSessionForm(agents=[])
    assert form.agent_is_typed
    # Why there is no list is said beside the field, by the one who knows (Kapso's error
    # or the dashboard's own outage); the help text only says what to type (issue 18).
    assert "id of the Kapso agent" in form.fields["agent_id"].help_text


def test_a_valid_form_hands_over_e164_and_the_agent_id():
    form = SandboxSessionForm({"phone_number": "+1 (415) 555-2671", "agent_id": "b"}, agents=AGENTS)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"phone_number": "+14155552671", "agent_id": "b"}


def test_a_typed_agent_id_is_trimmed():
    form = SandboxSessionForm({"phone_number": "+14155552671", "agent_id": "  agent-x  "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["agent_id"] == "agent-x"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"phone_number": "", "agent_id": "b"}, "phone_number", "Enter the phone number"),
        ({"phone_number": "+1 555", "agent_id": "b"}, "phone_number", "not a valid phone"),
        ({"phone_number": "+14155552671", "agent_id": ""}, "agent_id", "Choose the agent"),
        ({"phone_number": "+14155552671", "agent_id": "gone"}, "agent_id", "reload the agents"),
    ],
)
def test_each_mistake_is_named_on_its_field(data, field, message):
    form = SandboxSessionForm(data, agents=AGENTS)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_a_missing_typed_agent_says_to_type_it():
    form = SandboxSessionForm({"phone_number": "+14155552671", "agent_id": ""})
    assert not form.is_valid()
    assert form.errors["agent_id"] == ["Type the id of the Kapso agent to talk to."]


def test_the_default_region_reads_local_numbers(settings):
    settings.PHONE_DEFAULT_REGION = "US"
    form = SandboxSessionForm({"phone_number": "(415) 555 2671", "agent_id": "b"}, agents=AGENTS)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone_number"] == "+14155552671"
    assert "read as US" in form.fields["phone_number"].help_text


def test_an_overlong_phone_is_not_cut_by_the_browser():
    form = SandboxSessionForm(agents=AGENTS)
    assert "maxlength" not in str(form["phone_number"])
    assert 'inputmode="tel"' in str(form["phone_number"])
