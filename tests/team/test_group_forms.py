"""sandbox/team/group_forms.py: the join form (phone, calling codes, consent, the agent
choice) and the join link's settings."""

from __future__ import annotations

import pytest

from sandbox.team.group_forms import GroupAddForm, GroupForm, JoinForm, JoinLinkForm
from sandbox.team.models import Tester, TesterGroup

pytestmark = pytest.mark.django_db


class _Agent:
    def __init__(self, kapso_id, name):
        self.kapso_id, self.name = kapso_id, name


AGENTS = [_Agent("agent-1", "Support"), _Agent("agent-2", "Sales")]


def join_form(data, *, codes="", agents=AGENTS):
    group = TesterGroup(name="G", agent_ids=[a.kapso_id for a in agents], join_calling_codes=codes)
    return JoinForm(data, group=group, agents=agents)


def test_the_join_form_reads_the_phone_and_needs_consent():
    data = {"name": "  Ann   Lee ", "phone": "0044 20 7946 0958", "agent": "agent-2"}
    form = join_form({**data, "consent": "on"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["name"], form.cleaned_data["phone"]) == ("Ann Lee", "+442079460958")
    assert not join_form(data).is_valid()


def test_the_calling_codes_of_the_group_are_enforced():
    data = {"name": "Ann", "phone": "+1 415 555 2671", "agent": "agent-1", "consent": "on"}
    form = join_form(data, codes="44 353")
    assert not form.is_valid()
    assert form.errors["phone"] == ["This group is for phone numbers starting +44, +353."]
    assert join_form(data, codes="1").is_valid()


def test_one_agent_is_not_asked_for():
    form = join_form({}, agents=AGENTS[:1])
    assert form.fields["agent"].widget.is_hidden
    assert form.fields["agent"].initial == "agent-1"
    data = {"name": "Ann", "phone": "+1 415 555 2671", "consent": "on"}
    form = join_form(data, agents=AGENTS[:1])
    assert form.is_valid() and form.cleaned_data["agent"] == "agent-1"
    assert not join_form(data).is_valid()  # two agents: which one must be said
    assert not join_form({}).fields["agent"].widget.is_hidden


def test_link_settings_check_codes_and_cap():
    group = TesterGroup(name="G", agent_ids=["a"])
    form = JoinLinkForm(
        {"join_enabled": "on", "join_cap": "0", "join_calling_codes": "44 x"}, instance=group
    )
    assert not form.is_valid()
    assert "join_cap" in form.errors and "join_calling_codes" in form.errors
    form = JoinLinkForm({"join_cap": "5", "join_calling_codes": "+44,1"}, instance=group)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["join_calling_codes"] == "44 1"


def test_group_forms_need_a_name_agents_and_someone_to_add():
    assert not GroupForm({"name": "G"}, agents=AGENTS).is_valid()
    assert GroupForm({"name": "G", "agents": ["agent-1"]}, agents=AGENTS).is_valid()
    assert not GroupAddForm({}, testers=Tester.objects.all()).is_valid()
    assert GroupAddForm({"pasted": "+1 415 555 2671"}, testers=Tester.objects.all()).is_valid()
