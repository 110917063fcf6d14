"""The Django admin is the whole session history for admins."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sandbox.admin import KAPSO_FIELDS
from sandbox.models import FailedSessionAttempt
from tests.factories import make_session
from tests.qr_decode import decode_svg

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "", "pw"))
    return client


def test_changelist_has_columns_filters_search_and_dates(kapso, admin_client_, alice, bob):
    make_session(alice, "+14155552671")
    make_session(bob, "+447911123456", agent_index=1)
    response = admin_client_.get(reverse("admin:sandbox_sandboxsession_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    for column in ("Phone number", "Agent", "Status", "Created by", "Created at", "Expires at"):
        assert column in html
    assert "+14155552671" in html and "+447911123456" in html
    changelist = response.context["cl"]
    assert [spec.title for spec in changelist.filter_specs] == [
        "status",
        "agent",
        "created by",
        "created at",
    ]
    assert changelist.date_hierarchy == "created_at"
    searched = admin_client_.get(
        reverse("admin:sandbox_sandboxsession_changelist"), {"q": "+4479"}
    ).content.decode()
    assert "+447911123456" in searched and "+14155552671" not in searched


def test_search_by_code_and_kapso_id(kapso, admin_client_, alice):
    session = make_session(alice)
    url = reverse("admin:sandbox_sandboxsession_changelist")
    for term in (session.activation_code, session.kapso_id):
        assert session.phone_number in admin_client_.get(url, {"q": term}).content.decode()


def test_change_page_is_read_only_with_a_qr_preview(kapso, admin_client_, alice):
    session = make_session(alice)
    response = admin_client_.get(reverse("admin:sandbox_sandboxsession_change", args=[session.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="phone_number"' not in html and 'name="status"' not in html
    svg = re.search(r'<svg[^>]*role="img".*?</svg>', html, re.S).group(0)
    assert decode_svg(svg) == [session.activation_link]
    assert set(KAPSO_FIELDS) >= {"raw_payload", "kapso_id", "activation_code", "created_by"}
    # A POST cannot change what Kapso said.
    admin_client_.post(
        reverse("admin:sandbox_sandboxsession_change", args=[session.pk]),
        {"phone_number": "+10000000000", "status": "active"},
    )
    session.refresh_from_db()
    assert (session.phone_number, session.status) == ("+14155552671", "pending_activation")


def test_agents_and_failed_attempts_are_in_the_admin(kapso, admin_client_, alice):
    make_session(alice)
    FailedSessionAttempt.objects.create(
        created_by=alice,
        phone_number="+14155552671",
        agent_id="x",
        error_kind="timeout",
        error_message="Kapso did not answer",
    )
    agents = admin_client_.get(reverse("admin:sandbox_agent_changelist")).content.decode()
    assert kapso.store.list_agents()[0]["name"] in agents
    failed = admin_client_.get(
        reverse("admin:sandbox_failedsessionattempt_changelist")
    ).content.decode()
    assert "+14155552671" in failed and "timeout" in failed
