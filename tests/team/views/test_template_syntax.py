"""No team page shows template syntax (a `{# ... #}` across two lines is printed as text)."""

from __future__ import annotations

import pytest

from sandbox.team import onboarding, reminders
from sandbox.team.models import Reminder
from tests.flows.test_template_syntax import leftovers

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_team_page_renders_clean(
    manager_client, client, alice, agents, make_testers, charlie
):
    testers = make_testers(2)
    batch = onboarding.batch_start(user=charlie, testers=testers, agent_ids=[agents[0].kapso_id])
    onboarding.batch_run(batch)
    reminder = Reminder.objects.create(
        session=batch.pairs.first().session, kind="mail", recipient="t@example.com", nonce="n"
    )
    pages = {
        url: manager_client.get(url)
        for url in (
            "/team/",
            "/team/testers/",
            f"/team/testers/{testers[0].pk}/",
            f"/team/testers/{testers[0].pk}/erase/",
            "/onboard/",
            f"/onboard/{batch.pk}/",
            f"/onboard/{batch.pk}/sheet/",
            "/team/jobs/",
            f"/renew/{reminders.renew_token(reminder)}/",
            "/renew/nonsense/",
        )
    }
    client.force_login(alice)
    pages["403"] = client.get("/team/testers/")
    pages["plain team"] = client.get("/team/")
    found = {url: leftovers(page.content.decode()) for url, page in pages.items()}
    assert found == {url: [] for url in pages}
