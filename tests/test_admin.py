"""The Django admin is the whole session history for admins."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sandbox.admin import SESSION_FIELDS
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
    assert set(SESSION_FIELDS) >= {"raw_payload", "kapso_id", "activation_code", "created_by"}
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


def test_lapsed_sessions_show_and_filter_as_expired(kapso, admin_client_, alice):
    from datetime import timedelta

    from django.utils import timezone

    lapsed = make_session(alice, "+14155552671")
    lapsed.expires_at = timezone.now() - timedelta(minutes=1)
    lapsed.save()
    make_session(alice, "+14155552672")
    url = reverse("admin:sandbox_sandboxsession_changelist")
    expired = admin_client_.get(url, {"status": "expired"})
    assert list(expired.context["cl"].result_list) == [lapsed]
    assert "Expired" in expired.content.decode()
    pending = admin_client_.get(url, {"status": "pending_activation"})
    assert [s.phone_number for s in pending.context["cl"].result_list] == ["+14155552672"]


def test_refresh_action_pulls_kapsos_state(kapso, admin_client_, alice):
    from tests.conftest import emulator_control

    session = make_session(alice)
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    response = admin_client_.post(
        reverse("admin:sandbox_sandboxsession_changelist"),
        {"action": "refresh_from_kapso", "_selected_action": [session.pk]},
        follow=True,
    )
    assert "Refreshed 1 session(s) from Kapso." in response.content.decode()
    session.refresh_from_db()
    assert session.status == "active"


def test_csv_export_of_the_selection_defuses_formulas(kapso, admin_client_, alice):
    import csv
    import io

    first = make_session(alice, "+14155552671")
    second = make_session(alice, "+14155552672")
    second.agent.name = '=HYPERLINK("http://evil")'
    second.agent.save()
    response = admin_client_.post(
        reverse("admin:sandbox_sandboxsession_changelist"),
        {"action": "export_csv", "_selected_action": [first.pk, second.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["kapso_id"] for r in rows} == {first.kapso_id, second.kapso_id}
    by_id = {r["kapso_id"]: r for r in rows}
    assert by_id[first.kapso_id]["phone_number"] == "+14155552671"  # phones stay as they are
    assert by_id[second.kapso_id]["agent"].startswith("'=HYPERLINK")
    assert by_id[first.kapso_id]["activation_link"] == first.activation_link
    assert by_id[first.kapso_id]["created_by"] == "alice"
