"""sandbox/ensure.py: a live session for a phone and an agent, reused among what the person
may see (no Kapso call), else made for them at their priority in the Kapso budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.ensure import UnknownAgent, ensure_session
from sandbox.kapso import KapsoQuotaError
from sandbox.models import IdempotencyRecord, Origin, SandboxSession
from tests.conftest import arm, emulator_calls
from tests.factories import make_session

pytestmark = pytest.mark.django_db
PHONE = "+14155552671"
AGENT = "agent-support-01"
CREATE = "POST /api/v1/sandbox_sessions"


def ensure(user, phone=PHONE, agent=AGENT):
    return ensure_session(user=user, phone_number=phone, agent_id=agent)


def test_a_live_session_is_reused_without_asking_kapso(kapso, alice):
    session = make_session(alice)
    calls = emulator_calls(kapso)
    ensured = ensure(alice)
    assert (ensured.session, ensured.how, ensured.made) == (session, "reused", False)
    assert emulator_calls(kapso) == calls


def test_without_one_a_session_is_made_for_the_person_by_the_api_door(kapso, alice):
    ensured = ensure(alice)
    assert (ensured.how, ensured.made) == ("created", True)
    session = ensured.session
    assert session.created_by == alice and session.origin == Origin.API
    assert session.charged_to == alice  # the person's share paid, not the team's background
    assert emulator_calls(kapso)[CREATE] == 1


def test_the_person_pays_from_their_own_share_of_the_budget(kapso, alice, settings):
    settings.KAPSO_CREATES_PER_USER_PER_MINUTE = 1
    ensure(alice)
    with pytest.raises(KapsoQuotaError) as refused:
        ensure(alice, phone="+14155552672")
    assert refused.value.whose == "person"


def test_a_pending_session_about_to_lapse_is_not_reused(kapso, alice, settings):
    old = make_session(alice)
    soon = timezone.now() + timedelta(seconds=settings.SANDBOX_LIVE_MIN_REMAINING - 60)
    SandboxSession.objects.filter(pk=old.pk).update(expires_at=soon)
    IdempotencyRecord.objects.update(expires_at=timezone.now())  # not a double submit
    assert ensure(alice).session != old


def test_only_sessions_the_person_may_see_are_reused(kapso, alice, bob, charlie):
    hers = make_session(alice)
    his = ensure(bob).session
    assert his != hers  # a teammate's session is not his to reuse
    staff = ensure(charlie)  # staff see everyone's: the newest live one is reused
    assert (staff.how, staff.session) == ("reused", his)


def test_the_agent_id_the_person_asked_for_counts_as_the_agent(kapso, alice):
    session = make_session(alice)
    SandboxSession.objects.filter(pk=session.pk).update(requested_agent_id="uuid-form-of-it")
    assert ensure(alice, agent="uuid-form-of-it").session == session


def test_an_agent_kapso_does_not_list_is_refused_before_kapso_is_asked(kapso, alice):
    with pytest.raises(UnknownAgent, match="no agent “agent-nope”"):
        ensure(alice, agent="agent-nope")
    assert CREATE not in emulator_calls(kapso)


def test_without_any_agent_list_the_id_is_tried_as_the_forms_text_box_would(faulty, alice):
    arm(faulty, "status", path="/api/v1/agents", method="GET", status=500, times=3)
    ensured = ensure(alice, agent="agent-sales-02")
    assert ensured.made and ensured.session.agent.kapso_id == "agent-sales-02"
