"""sandbox/api/present.py: a session as the API shows it, with absolute links."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from sandbox.api.origins import record_origin
from sandbox.api.present import LINKS, session_out, token_name
from sandbox.api.tokens import token_create
from sandbox.models import SandboxSession
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def test_every_field_and_link_of_a_session(kapso, alice):
    session = make_session(alice)
    body = session_out(RequestFactory().get("/"), session)
    assert body["id"] == session.pk and body["kapso_id"] == session.kapso_id
    assert body["phone_number"] == "+14155552671"
    assert body["agent"] == {"id": session.agent.kapso_id, "name": session.agent.name}
    assert (body["status"], body["kapso_status"]) == (session.display_status, session.status)
    assert body["live"] is True and body["created_by"] == "alice"
    assert (body["origin"], body["token_name"], body["kapso_error"]) == ("form", None, None)
    assert set(body["links"]) == {*LINKS, "page"}
    assert body["links"]["self"] == f"http://testserver/api/v1/sessions/{session.pk}"
    assert body["links"]["page"] == f"http://testserver/sessions/{session.pk}/"


def test_a_session_made_through_the_api_names_its_token(kapso, alice):
    session = make_session(alice)
    token = token_create(user=alice, name="deploy bot", expires_in=None).token
    record_origin(session, token)
    again = SandboxSession.objects.select_related("api_origin").get(pk=session.pk)
    assert token_name(again) == "deploy bot"
    assert session_out(RequestFactory().get("/"), again)["token_name"] == "deploy bot"


def test_a_sync_error_and_a_deleted_maker_are_shown_as_such(kapso, alice):
    session = make_session(alice)
    SandboxSession.objects.filter(pk=session.pk).update(last_sync_error="Kapso said no")
    alice.delete()
    body = session_out(RequestFactory().get("/"), SandboxSession.objects.get(pk=session.pk))
    assert (body["kapso_error"], body["created_by"]) == ("Kapso said no", None)
