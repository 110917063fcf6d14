"""sandbox/privacy/erasure.py: one erasure for a phone or a tester; erased stays erased
(Kapso's older sessions are skipped by sync) without banning the person (what Kapso makes
later, and the form, work as for anyone)."""

from __future__ import annotations

import pytest

from sandbox import privacy
from sandbox.agents import agent_list_refresh
from sandbox.models import ErasedPhone, FailedSessionAttempt, SandboxSession
from sandbox.privacy.keys import phone_hash
from sandbox.sessions import sandbox_session_create
from sandbox.sync import sync_kapso
from sandbox.team.models import ErasureLog, Tester
from tests.conftest import emulator_control
from tests.factories import make_lost_attempt

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "+14155552690"


@pytest.fixture
def agent(kapso):
    return agent_list_refresh()[0]


def test_a_phone_without_a_tester_is_erased_and_remembered_only_as_a_keyed_hash(
    agent, alice, kapso
):
    sandbox_session_create(user=alice, phone_number=PHONE, agent_id=agent.kapso_id)
    make_lost_attempt(alice, phone=PHONE)
    done = privacy.erase_phone("+1 415 555 2690", door="test")
    assert done["sandbox sessions"] == 1 and done["failed attempts"] == 1
    assert not SandboxSession.objects.filter(phone_number=PHONE).exists()
    assert not FailedSessionAttempt.objects.filter(phone_number=PHONE).exists()
    stored = ErasedPhone.objects.get()
    assert stored.digest == phone_hash(PHONE) and PHONE.lstrip("+") not in stored.digest
    assert ErasureLog.objects.get().kind == ErasureLog.PHONE


def test_erased_stays_erased_but_the_person_can_come_back(agent, alice, kapso):
    emulator_control(kapso, "sessions", {"phone_number": PHONE, "agent_id": agent.kapso_id})
    privacy.erase_phone(PHONE, door="test")  # Kapso made it before: never imported
    assert sync_kapso().created == 0
    # Later (Kapso's clock moved on: its timestamps are whole seconds), the person is added
    # again: the form and Kapso's new sessions work as for anyone.
    emulator_control(kapso, "clock", {"advance_seconds": 60})
    again = sandbox_session_create(user=alice, phone_number=PHONE, agent_id=agent.kapso_id)
    assert again.session.phone_number == PHONE
    emulator_control(kapso, "sessions", {"phone_number": PHONE, "agent_id": agent.kapso_id})
    assert sync_kapso().created == 1
    assert SandboxSession.objects.filter(phone_number=PHONE).count() == 2
    Tester.objects.create(name="Back again", phone_number=PHONE)


def test_a_tester_erased_through_the_service_takes_their_phone_with_them(agent, alice, kapso):
    tester = Tester.objects.create(name="Dora Example", phone_number=PHONE, email="d@example.com")
    sandbox_session_create(user=alice, phone_number=PHONE, agent_id=agent.kapso_id)
    done = privacy.erase(privacy.Person(tester_ids={tester.pk}), door="test")
    assert done["testers"] == 1 and done["sandbox sessions"] == 1
    assert ErasedPhone.objects.filter(digest=phone_hash(PHONE)).exists()
