"""sandbox/management/commands/erase_phone.py: one phone number erased everywhere from the
command line; the number is not repeated in the output."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sandbox.agents import agent_list_refresh
from sandbox.models import SandboxSession
from sandbox.sessions import sandbox_session_create

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "+14155552690"


@pytest.fixture
def agent(kapso):
    return agent_list_refresh()[0]


def test_erase_phone_command_says_what_it_did_without_repeating_the_number(agent, alice):
    sandbox_session_create(user=alice, phone_number=PHONE, agent_id=agent.kapso_id)
    out = StringIO()
    call_command("erase_phone", "+1 415 555 2690", stdout=out)
    assert "sandbox sessions: 1" in out.getvalue() and "Kapso keeps its own copy" in out.getvalue()
    assert "2690" not in out.getvalue()
    assert not SandboxSession.objects.filter(phone_number=PHONE).exists()
    with pytest.raises(CommandError, match="phone number"):
        call_command("erase_phone", "not a number")
