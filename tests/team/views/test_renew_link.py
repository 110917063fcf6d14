"""sandbox/team/views/renew_link.py: no login needed, nothing renewed by a GET, never cached.
(The whole flow with a real SMTP server is in tests/team/test_reminders.py.)"""

from __future__ import annotations

import pytest

from sandbox.models import SandboxSession
from sandbox.team import onboarding, reminders
from sandbox.team.models import Reminder

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_confirm_page_needs_no_login_and_renews_nothing(client, agents, make_testers, alice):
    batch = onboarding.batch_start(
        user=alice, testers=make_testers(1), agent_ids=[agents[0].kapso_id]
    )
    onboarding.batch_run(batch)
    reminder = Reminder.objects.create(
        session=batch.pairs.get().session, kind=Reminder.MAIL, recipient="t@example.com", nonce="n1"
    )
    path = f"/renew/{reminders.renew_token(reminder)}/"
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200 and b"Renew now" in response.content
        assert "no-cache" in response["Cache-Control"]
    assert SandboxSession.objects.count() == 1


def test_an_unknown_link_is_gone(client):
    assert client.get("/renew/not-a-token/").status_code == 410
