"""sandbox/api/views/sessions.py: ensure, read, list and renew, over HTTP to the emulator."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sandbox.api.models import ApiSessionOrigin
from sandbox.models import IdempotencyRecord, Origin, SandboxSession
from tests.api.conftest import AGENT, E164, ENSURE, PHONE, Api, problem
from tests.conftest import emulator_calls, emulator_control
from tests.factories import make_session

pytestmark = pytest.mark.django_db
CREATE = "POST /api/v1/sandbox_sessions"


def test_ensure_makes_a_session_then_reuses_it_without_asking_kapso(kapso, alice_api, alice):
    made = alice_api.ensure()
    assert made.status_code == 201, made.content
    body = made.json()
    session = SandboxSession.objects.get()
    assert body["outcome"] == "created"
    assert body["id"] == session.pk
    assert body["phone_number"] == E164
    assert body["agent"]["id"] == AGENT
    assert body["status"] == "pending_activation" and body["live"] is True
    assert body["activation_code"] == session.activation_code
    assert body["activation_message"] == session.activation_message
    assert body["activation_link"].startswith("https://wa.me/")
    assert body["expires_at"] and body["created_by"] == "alice"
    assert made["Location"] == body["links"]["self"]
    assert body["links"]["page"].endswith(session.get_absolute_url())
    calls = emulator_calls(kapso)[CREATE]

    again = alice_api.ensure(phone="+1 (415) 555-2671")
    assert again.status_code == 200
    assert again.json()["outcome"] == "reused"
    assert again.json()["id"] == session.pk
    assert emulator_calls(kapso)[CREATE] == calls  # reusing asked Kapso nothing
    assert SandboxSession.objects.count() == 1


def test_a_session_made_by_api_is_marked_with_the_token_name(kapso, alice_api):
    alice_api.ensure()
    session = SandboxSession.objects.get()
    assert session.origin == Origin.API
    assert session.charged_to.username == "alice"
    assert ApiSessionOrigin.objects.get(session=session).token_name == "ci"
    assert alice_api.get(f"/api/v1/sessions/{session.pk}").json()["token_name"] == "ci"


def test_the_history_and_the_admin_say_made_by_api_with_the_token_name(
    kapso, alice_api, alice_client, root_client
):
    alice_api.ensure()
    session = SandboxSession.objects.get()
    history = alice_client.get("/sessions/").content.decode()
    assert "by API, token “ci”" in history
    admin = root_client.get("/admin/sandbox/sandboxsession/").content.decode()
    assert "API, token “ci”" in admin
    detail = root_client.get(f"/admin/sandbox/sandboxsession/{session.pk}/change/")
    assert "API, token “ci”" in detail.content.decode()


def test_an_active_session_is_reused_and_an_expired_one_is_not(kapso, alice_api):
    first = alice_api.ensure().json()
    emulator_control(kapso, f"sessions/{first['kapso_id']}/status", {"status": "active"})
    SandboxSession.objects.filter(pk=first["id"]).update(status="active")
    assert alice_api.ensure().json()["id"] == first["id"]
    emulator_control(kapso, f"sessions/{first['kapso_id']}/status", {"status": "expired"})
    SandboxSession.objects.filter(pk=first["id"]).update(expires_at=timezone.now())
    # A day later, not within the create's 30 s double-submit window.
    IdempotencyRecord.objects.update(expires_at=timezone.now())
    renewed = alice_api.ensure()
    assert renewed.status_code == 201
    assert renewed.json()["id"] != first["id"]


def test_phone_numbers_in_any_human_format_and_bad_ones_say_why(kapso, alice_api):
    for typed in ("+1 (415) 555-2671", "0014155552671", "+1.415.555.2671"):
        answer = alice_api.ensure(phone=typed)
        assert answer.status_code in (200, 201)
        assert answer.json()["phone_number"] == E164
    bad = problem(alice_api.ensure(phone="call me"), 400, "invalid_phone")
    assert "letters are not read as digits" in bad["detail"]
    assert bad["errors"] == [{"field": "phone_number", "message": bad["detail"]}]
    no_country = problem(alice_api.ensure(phone="415 555 2671"), 400, "invalid_phone")
    assert "Start the number with +" in no_country["detail"]


def test_an_unknown_agent_is_refused_before_kapso_is_asked(kapso, alice_api):
    answer = problem(alice_api.ensure(agent="agent-nope"), 400, "unknown_agent")
    assert "agent-nope" in answer["detail"] and "/api/v1/agents" in answer["detail"]
    assert CREATE not in emulator_calls(kapso)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"phone_number": "+14155552671"}', "agent_id"),
        ('{"agent_id": "agent-support-01"}', "phone_number"),
        ('{"phone_number": 14155552671, "agent_id": "a"}', "phone_number"),
        ('{"phone_number": "+14155552671", "agent_id": "a", "agentId": "b"}', "agentId"),
        ('{"phone_number": "+14155552671", "agent_id": "a\\u0000"}', "agent_id"),
        ('{"phone_number": "+14155552671", "agent_id": ""}', "agent_id"),
        ("[1, 2]", "body"),
    ],
)
def test_a_malformed_body_is_a_400_naming_the_field(kapso, alice_api, raw, field):
    body = problem(alice_api.post(ENSURE, raw=raw), 400, "invalid_request")
    assert field in [error["field"] for error in body["errors"]], body
    assert field in body["detail"]


def test_a_body_that_is_not_json_is_a_400(kapso, alice_api):
    body = problem(alice_api.post(ENSURE, raw="phone=+1415"), 400, "invalid_request")
    assert "not valid JSON" in body["detail"]


def test_read_one_and_another_persons_session_is_not_found(kapso, alice_api, bob_api, alice):
    session = make_session(alice)
    mine = alice_api.get(f"/api/v1/sessions/{session.pk}")
    assert mine.status_code == 200
    assert mine.json()["kapso_id"] == session.kapso_id
    assert mine.json()["origin"] == "form" and mine.json()["token_name"] is None
    problem(bob_api.get(f"/api/v1/sessions/{session.pk}"), 404, "not_found")
    problem(alice_api.get("/api/v1/sessions/999999"), 404, "not_found")


def test_staff_see_and_reuse_everyones_sessions(kapso, charlie_api, alice):
    session = make_session(alice)
    assert charlie_api.get(f"/api/v1/sessions/{session.pk}").status_code == 200
    reused = charlie_api.ensure()
    assert (reused.status_code, reused.json()["id"]) == (200, session.pk)


def test_a_teammate_does_not_reuse_another_persons_session(kapso, bob_api, alice):
    session = make_session(alice)
    made = bob_api.ensure()
    assert made.status_code == 201
    assert made.json()["id"] != session.pk


def test_list_is_the_history_filtered_and_paged(kapso, alice_api, alice, bob):
    mine = [make_session(alice, phone=f"+1415555267{i}") for i in range(3)]
    make_session(bob, phone="+14155552679")
    listed = alice_api.get("/api/v1/sessions", {"per_page": 2}).json()
    assert [s["id"] for s in listed["items"]] == [mine[2].pk, mine[1].pk]
    assert (listed["total_count"], listed["total_pages"], listed["previous"]) == (3, 2, None)
    second = alice_api.get(listed["next"]).json()
    assert [s["id"] for s in second["items"]] == [mine[0].pk]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/sessions?page=1&per_page=2"
    by_phone = alice_api.get("/api/v1/sessions", {"phone": "+1 415 555 2671"}).json()
    assert [s["id"] for s in by_phone["items"]] == [mine[1].pk]
    by_status = alice_api.get("/api/v1/sessions", {"status": "expired"}).json()
    assert by_status["items"] == [] and by_status["total_count"] == 0
    by_agent = alice_api.get("/api/v1/sessions", {"agent": "agent-sales-02"}).json()
    assert by_agent["total_count"] == 0
    beyond = alice_api.get("/api/v1/sessions", {"page": 9}).json()
    assert beyond["items"] == [] and beyond["total_count"] == 3


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"per_page": 101}, {"page": "x"}, {"phone": "\x00"}]
)
def test_list_refuses_bad_parameters_with_a_400(kapso, alice_api, params):
    problem(alice_api.get("/api/v1/sessions", params), 400, "invalid_request")


def test_renew_makes_a_fresh_session_marked_with_the_token(kapso, alice_api, alice):
    old = make_session(alice)
    renewed = alice_api.post(f"/api/v1/sessions/{old.pk}/renew")
    assert renewed.status_code == 201, renewed.content
    body = renewed.json()
    assert body["id"] != old.pk and body["renewed_from"] == old.pk
    assert body["outcome"] == "created" and body["token_name"] == "ci"
    assert body["phone_number"] == old.phone_number


def test_renew_of_another_persons_session_is_not_found(kapso, bob_api, alice):
    old = make_session(alice)
    problem(bob_api.post(f"/api/v1/sessions/{old.pk}/renew"), 404, "not_found")
    assert SandboxSession.objects.count() == 1


def test_a_read_only_token_reads_but_may_not_create(kapso, reader_api, alice):
    session = make_session(alice)
    assert reader_api.get(f"/api/v1/sessions/{session.pk}").status_code == 200
    refused = problem(reader_api.ensure(phone="+14155552672"), 403, "read_only_token")
    assert "dashboards" in refused["detail"]
    problem(reader_api.post(f"/api/v1/sessions/{session.pk}/renew"), 403, "read_only_token")
    assert SandboxSession.objects.count() == 1


def test_wrong_method_and_unknown_address_are_problems_too(kapso, alice_api):
    wrong = problem(alice_api.get(ENSURE), 405, "method_not_allowed")
    assert "POST" in wrong["detail"]
    problem(alice_api.get("/api/v1/nothing/here"), 404, "not_found")
    problem(Api(None).get("/api/v1/sessions/1/qr.gif"), 404, "not_found")


def test_the_index_says_where_things_are(client):
    index = client.get("/api/v1/")
    assert index.status_code == 200
    assert index.json()["openapi"].endswith("/api/v1/openapi.json")


def test_ensure_with_phone_of_same_digits_but_other_agent_makes_another(kapso, alice_api):
    first = alice_api.ensure().json()
    other = alice_api.ensure(agent="agent-sales-02")
    assert other.status_code == 201 and other.json()["id"] != first["id"]
    assert alice_api.ensure(phone=PHONE).json()["id"] == first["id"]
