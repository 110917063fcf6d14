"""sandbox/team/views/jobs.py: staff see whether a worker runs and each batch's state."""

from __future__ import annotations

import pytest

from sandbox.team import onboarding
from sandbox.team.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_staff_see_the_worker_and_the_batches(manager_client, make_testers, charlie):
    onboarding.batch_start(user=charlie, testers=make_testers(2), agent_ids=["a"])
    page = manager_client.get("/team/jobs/").content.decode()
    assert "none has ever run" in page and "onboarding #" in page and "waiting for a worker" in page
    WorkerHeartbeat.objects.create(name="host:1")
    assert "running (last seen" in manager_client.get("/team/jobs/").content.decode()


def test_others_signed_in_get_the_dashboards_403_not_the_admin_login(client, alice):
    client.force_login(alice)
    response = client.get("/team/jobs/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and "Only staff see this page" in html
    assert 'class="site-header"' in html  # the dashboard's page, with its navigation


def test_signed_out_people_are_sent_to_the_dashboards_login(client):
    response = client.get("/team/jobs/")
    assert response.status_code == 302 and "/admin/" not in response["Location"]
