"""sandbox/team/views/personal_data.py: everything held about a tester or a phone number,
downloaded as JSON by managers; recorded without the number; others are refused."""

from __future__ import annotations

import json

import pytest

from sandbox.agents import agent_list_refresh
from sandbox.sessions import sandbox_session_create
from sandbox.team.models import ErasureLog, Tester

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "+14155552680"


@pytest.fixture
def ann(kapso, charlie):
    tester = Tester.objects.create(name="Ann Export", phone_number=PHONE, email="ann@example.com")
    agent = agent_list_refresh()[0]
    sandbox_session_create(user=charlie, phone_number=PHONE, agent_id=agent.kapso_id)
    return tester


def _stores(response) -> dict:
    data = json.loads(response.content)
    return data, {store["store"]: store for store in data["stores"]}


def test_the_tester_page_downloads_everything_held_about_them(ann, client, charlie):
    client.force_login(charlie)
    page = client.get(f"/team/testers/{ann.pk}/")
    assert f"/team/testers/{ann.pk}/data.json".encode() in page.content
    response = client.get(f"/team/testers/{ann.pk}/data.json")
    assert response.status_code == 200
    assert (
        "attachment" in response["Content-Disposition"]
        and PHONE not in response["Content-Disposition"]
    )
    data, stores = _stores(response)
    assert data["phone_number"] == PHONE and data["emails"] == ["ann@example.com"]
    assert stores["testers"]["rows"][0]["name"] == "Ann Export"
    session = stores["sandbox sessions"]["rows"][0]
    assert session["phone_number"] == PHONE and session["created_at"]
    assert "kept" in stores["sandbox sessions"] and "Kapso keeps" in data["not_here"]
    log = ErasureLog.objects.get(kind=ErasureLog.EXPORT)
    assert log.by == charlie and PHONE not in log.detail and "2680" not in log.detail


def test_a_phone_number_is_looked_up_by_a_form_never_a_query_string(ann, client, charlie):
    client.force_login(charlie)
    assert client.get("/team/personal-data/").status_code == 200
    bad = client.post("/team/personal-data/", {"phone_number": "12ab"})
    assert bad.status_code == 400 and b"12ab" in bad.content  # what was typed is kept
    response = client.post("/team/personal-data/", {"phone_number": "+1 (415) 555-2680"})
    _, stores = _stores(response)
    assert stores["testers"]["rows"][0]["email"] == "ann@example.com"
    assert len(stores["sandbox sessions"]["rows"]) == 1
    assert "2680" not in ErasureLog.objects.get(kind=ErasureLog.EXPORT).detail


def test_a_plain_account_cannot_download(ann, client, alice):
    client.force_login(alice)
    assert client.get(f"/team/testers/{ann.pk}/data.json").status_code == 403
    assert client.post("/team/personal-data/", {"phone_number": PHONE}).status_code == 403
    assert not ErasureLog.objects.exists()
