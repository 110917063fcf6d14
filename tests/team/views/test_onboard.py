"""sandbox/team/views/onboard.py: start a batch, its progress (waiting for a worker, for
quota), "retry failed"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.team import onboarding
from sandbox.team.models import OnboardingBatch, PairState, Tester, WorkerHeartbeat
from tests.team.conftest import running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_onboarding_runs_on_the_worker_and_the_progress_says_done(
    manager_client, agents, make_testers
):
    testers = make_testers(2)
    with running_worker():
        response = manager_client.post(
            "/onboard/",
            {"testers": [t.pk for t in testers], "agents": [a.kapso_id for a in agents[:2]]},
        )
        batch = OnboardingBatch.objects.get()
        assert response.url == f"/onboard/{batch.pk}/"
        url = f"/onboard/{batch.pk}/progress.json"
        progress = wait_until(lambda: (p := manager_client.get(url).json())["finished"] and p)
    assert (progress["done"], progress["failed"], progress["percent"]) == (4, 0, 100)
    assert progress["state"] == "Finished"


def test_pasted_phones_join_the_roster_and_the_batch(manager_client, agents):
    manager_client.post(
        "/onboard/",
        {"pasted": "Ann, +44 20 7946 0958\n+1 415 555 2671", "agents": [agents[0].kapso_id]},
    )
    batch = OnboardingBatch.objects.get()
    assert batch.pairs.count() == 2 and Tester.objects.count() == 2


def test_a_bad_pasted_line_starts_nothing_and_keeps_the_good_ones(manager_client, agents):
    page = manager_client.post(
        "/onboard/", {"pasted": "Ann, +44 20 7946 0958\nBob, nope", "agents": [agents[0].kapso_id]}
    ).content.decode()
    assert "Line 2" in page and not OnboardingBatch.objects.exists()
    assert Tester.objects.count() == 1


def test_nothing_picked_says_so(manager_client, agents):
    page = manager_client.post("/onboard/", {"agents": [agents[0].kapso_id]}).content.decode()
    assert "Pick at least one tester or paste phones." in page


def test_with_no_worker_the_page_says_the_work_waits_for_one(
    manager_client, agents, make_testers, charlie
):
    WorkerHeartbeat.objects.all().delete()
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(1), agent_ids=[agents[0].kapso_id]
    )
    state = manager_client.get(f"/onboard/{batch.pk}/progress.json").json()["state"]
    assert state.startswith("Waiting for a worker")
    assert b"Waiting for a worker" in manager_client.get(f"/onboard/{batch.pk}/").content


def test_waiting_for_quota_shows_the_wait(manager_client, agents, make_testers, charlie):
    WorkerHeartbeat.objects.create(name="w")
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(1), agent_ids=[agents[0].kapso_id]
    )
    OnboardingBatch.objects.filter(pk=batch.pk).update(
        waiting_until=timezone.now() + timedelta(seconds=42)
    )
    state = manager_client.get(f"/onboard/{batch.pk}/progress.json").json()["state"]
    assert state.startswith("Waiting for quota, 4")  # 42 s, or 41 by the time it is read


def test_retry_failed_puts_back_only_the_failed(manager_client, agents, make_testers, charlie):
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(3), agent_ids=[agents[0].kapso_id]
    )
    onboarding.batch_run(batch)
    batch.pairs.filter(pk=batch.pairs.first().pk).update(state=PairState.FAILED, error="boom")
    progress = manager_client.get(f"/onboard/{batch.pk}/progress.json").json()
    assert progress["failures"][0]["error"] == "boom"
    manager_client.post(f"/onboard/{batch.pk}/retry/")
    assert list(batch.pairs.values_list("state", flat=True)).count(PairState.PENDING) == 1


def test_plain_accounts_cannot_see_batches(client, alice, agents, make_testers, charlie):
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(1), agent_ids=[agents[0].kapso_id]
    )
    client.force_login(alice)
    for url in (
        f"/onboard/{batch.pk}/",
        f"/onboard/{batch.pk}/progress.json",
        "/onboard/",
        f"/onboard/{batch.pk}/sheet/",
    ):
        assert client.get(url).status_code == 403, url
