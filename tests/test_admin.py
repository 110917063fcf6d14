"""sandbox/admin.py: the Django admin is the whole session history for admins, read-only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

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


# What Django's admin puts in any change form of its own; every other control would edit data.
ADMIN_CONTROLS = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew"}
CONTROL_NAMES = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"')


def every_field_value(session) -> dict:
    """All of a stored session but its `updated_at` and `version` (a save without changes
    moves both: the row is written all the same)."""
    return {
        field.attname: getattr(session, field.attname)
        for field in type(session)._meta.concrete_fields
        if field.name not in ("updated_at", "version")
    }


def test_change_page_is_read_only_with_a_qr_preview(kapso, admin_client_, alice):
    session = make_session(alice)
    response = admin_client_.get(reverse("admin:sandbox_sandboxsession_change", args=[session.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="phone_number"' not in html and 'name="status"' not in html
    # No control on the page edits anything: only the admin's own buttons and token.
    assert set(CONTROL_NAMES.findall(html)) <= ADMIN_CONTROLS
    svg = re.search(r'<svg[^>]*role="img".*?</svg>', html, re.S).group(0)
    assert decode_svg(svg) == [session.activation_link]
    # What Kapso said, and who made it, is shown as text for the admin to read.
    for name in ("kapso_id", "activation_code", "raw_payload", "created_by", "phone_number"):
        assert f'class="form-row field-{name}"' in html, name
    readonly = dict(re.findall(r'field-(\w+)">.*?<div class="readonly">(.*?)</div>', html, re.S))
    assert readonly["kapso_id"] == session.kapso_id
    assert readonly["activation_code"] == session.activation_code
    assert re.fullmatch(
        r"<a href=\"/admin/auth/user/\d+/change/\">alice</a>", readonly["created_by"]
    )
    assert f"&quot;id&quot;: &quot;{session.kapso_id}&quot;" in readonly["raw_payload"]
    # A POST cannot change what Kapso said, nor who made it.
    before = every_field_value(session)
    admin_client_.post(
        reverse("admin:sandbox_sandboxsession_change", args=[session.pk]),
        {
            "phone_number": "+10000000000",
            "status": "active",
            "kapso_id": "forged",
            "activation_code": "FORGED",
            "activation_link": "https://evil.example/",
            "raw_payload": "{}",
            "created_by": "",
            "share_nonce": "forged",
            "_save": "Save",
        },
    )
    session.refresh_from_db()
    assert (session.phone_number, session.status) == ("+14155552671", "pending_activation")
    assert every_field_value(session) == before


def test_sessions_cannot_be_added_in_the_admin(kapso, admin_client_):
    url = reverse("admin:sandbox_sandboxsession_add")
    assert admin_client_.get(url).status_code == 403
    admin_client_.post(url, {"kapso_id": "x", "phone_number": "+14155552671"})
    from sandbox.models import SandboxSession

    assert not SandboxSession.objects.exists()


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


# Deleting an account in the admin (issue 21): one, or "Delete selected", is an erasure.
@pytest.mark.parametrize("bulk", [False, True], ids=["delete", "delete selected"])
def test_deleting_an_account_in_the_admin_erases_it_everywhere(bulk, client, root):
    from sandbox.team.models import ErasureLog
    from tests.privacy import audit

    seeded = audit.seed_account(root)
    assert audit.database_hits(seeded.needles)  # the seed named them (else proves nothing)
    client.force_login(root)
    if bulk:
        response = client.post(
            "/admin/auth/user/",
            {"action": "delete_selected", "_selected_action": [seeded.pk], "post": "yes"},
        )
    else:
        response = client.post(f"/admin/auth/user/{seeded.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content[:500]

    # No LogEntry repeats the name, no flash message in the admin's session carries it.
    assert audit.account_leftovers(seeded) == []
    log = ErasureLog.objects.get()
    assert log.kind == ErasureLog.ACCOUNT and log.by == root
    assert client.get("/admin/").status_code == 200  # the admin is still signed in


def test_an_admin_deleting_their_own_account_erases_it_and_logs_no_one(client, root):
    from sandbox.team.models import ErasureLog

    client.force_login(root)
    response = client.post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(root).objects.filter(pk=root.pk).exists()
    assert ErasureLog.objects.get().by is None  # their row is gone with them
    assert client.get("/admin/").status_code == 302  # signed out
