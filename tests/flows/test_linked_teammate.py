"""A teammate linked to a tester (Tester.account) sees that tester's live sessions on their
pages (history, matrix row, create form, API list), and asking for one that is live shows
it instead of making another. Someone not linked still learns nothing (404, not 403).
docs/decisions.md: "Linked people see their phone's live sessions"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sandbox.models import SandboxSession
from sandbox.team.models import Tester
from tests.api.conftest import Api, make_token
from tests.conftest import emulator_calls
from tests.factories import make_session

pytestmark = pytest.mark.django_db
PHONE = "+14155552671"
CREATE = "POST /api/v1/sandbox_sessions"


@pytest.fixture
def managers_session(kapso, charlie, alice):
    """charlie (a manager) made a session for alice's phone; alice's account is linked."""
    Tester.objects.create(name="Alice", phone_number=PHONE, account=alice)
    return make_session(charlie, PHONE)


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_linked_teammate_sees_it_everywhere(managers_session, alice):
    client = _logged_in(alice)
    detail = reverse("sandbox:detail", args=[managers_session.pk])
    assert client.get(detail).status_code == 200
    assert managers_session in client.get(reverse("sandbox:list")).context["page"].object_list
    assert managers_session.get_absolute_url() in client.get("/").content.decode()  # the form
    matrix = client.get("/team/matrix.json").json()["cells"]
    assert {cell["state"] for cell in matrix.values()} >= {"pending"}
    listed = Api(make_token(alice)).get("/api/v1/sessions").json()
    assert managers_session.kapso_id in str(listed)


def test_create_on_the_form_the_matrix_and_the_api_reuse_the_live_one(
    managers_session, alice, kapso
):
    before = emulator_calls(kapso).get(CREATE)
    client = _logged_in(alice)
    agent_id = managers_session.requested_agent_id
    form = client.post("/", {"phone_number": PHONE, "agent_id": agent_id}, follow=True)
    assert form.redirect_chain[-1][0] == managers_session.get_absolute_url()
    assert "already has a live session" in form.content.decode()
    # The matrix row shows it too, so its button offers a renewal, not a second "Create".
    tester = Tester.objects.get()
    cell = client.get("/team/matrix.json").json()["cells"][
        f"{tester.pk}-{managers_session.agent_id}"
    ]
    assert (cell["action"], cell["session_url"]) == ("Renew", managers_session.get_absolute_url())
    ensured = Api(make_token(alice)).ensure(PHONE, agent_id)
    assert ensured.status_code == 200 and ensured.json()["kapso_id"] == managers_session.kapso_id
    assert emulator_calls(kapso).get(CREATE) == before  # Kapso was asked for nothing
    assert SandboxSession.objects.count() == 1


def test_someone_not_linked_learns_nothing(managers_session, bob):
    client = _logged_in(bob)
    detail = reverse("sandbox:detail", args=[managers_session.pk])
    assert client.get(detail).status_code == 404
    assert managers_session not in client.get(reverse("sandbox:list")).context["page"].object_list


def test_an_expired_session_of_the_linked_phone_is_not_shown(managers_session, alice):
    SandboxSession.objects.filter(pk=managers_session.pk).update(status="expired")
    client = _logged_in(alice)
    detail = reverse("sandbox:detail", args=[managers_session.pk])
    assert client.get(detail).status_code == 404
