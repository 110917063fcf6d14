"""sandbox/team/views/sheet.py: a card per tester and agent, each QR code its own link."""

from __future__ import annotations

import re

import pytest

from sandbox.team import onboarding

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_card_per_pair_with_name_agent_code_expiry_and_qr(
    manager_client, agents, make_testers, charlie
):
    testers = make_testers(2)
    batch = onboarding.batch_start(
        user=charlie, testers=testers, agent_ids=[a.kapso_id for a in agents[:2]]
    )
    onboarding.batch_run(batch)
    page = manager_client.get(f"/onboard/{batch.pk}/sheet/").content.decode()
    assert page.count('class="sheet-card"') == 4
    for pair in batch.pairs.select_related("session__agent", "tester"):
        assert pair.session.activation_code in page and pair.tester.name in page
    assert len(re.findall(r"<svg[^>]*role=\"img\"", page)) == 4
    assert "Scan before" in page and "css/team.css" in page
