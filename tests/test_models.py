"""sandbox/models.py: what is kept, the one map from Kapso's session to our fields, the shown
status, and the constraint that is the whole double-submit guard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox.kapso.types import parse_session
from sandbox.models import (
    KAPSO_SESSION_FIELDS,
    Agent,
    IdempotencyRecord,
    SandboxSession,
    kapso_session_fields,
    status_label,
)
from tests.conftest import load_fixture

pytestmark = pytest.mark.django_db
DOCUMENTED = load_fixture("create_sandbox_session.response.json")["data"]


def session(**fields) -> SandboxSession:
    agent, _ = Agent.objects.get_or_create(kapso_id="agent-1", defaults={"name": "Agent"})
    values = {
        "kapso_id": "s-1",
        "agent": agent,
        "phone_number": "+14155552671",
        "status": SandboxSession.PENDING,
        "activation_code": "ABC123",
        "activation_message": "Send ABC123",
        "activation_link": "https://wa.me/15550001111?text=ABC123",
        "raw_payload": {},
        **fields,
    }
    return SandboxSession(**values)


def test_the_one_map_copies_every_field_kapso_describes():
    data = parse_session(DOCUMENTED)
    agent = Agent(kapso_id=data.agent.id, name=data.agent.name)
    fields = kapso_session_fields(data, agent)
    assert set(fields) == set(KAPSO_SESSION_FIELDS)
    assert fields["agent"] is agent
    assert fields["raw_payload"] is data.raw
    assert fields["phone_number"] == "+12345678901"
    assert fields["activation_link"] == "https://wa.me/12345678901?text=ABC123"
    assert fields["kapso_created_at"] == data.created_at
    assert fields["kapso_updated_at"] == data.updated_at
    # Every name is a real field of the model: the map cannot drift from it.
    model_fields = {f.name for f in SandboxSession._meta.get_fields()}
    assert set(fields) <= model_fields


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("pending_activation", "Pending activation"),
        ("active", "Active"),
        ("paused_by_kapso", "Paused by kapso"),
        ("_odd_", "Odd"),
    ],
)
def test_status_labels_read_as_words(status, label):
    assert status_label(status) == label


def test_a_session_past_its_expiry_shows_as_expired_and_final():
    now = timezone.now()
    lapsed = session(expires_at=now - timedelta(seconds=1))
    assert lapsed.is_expired() and lapsed.display_status == "expired"
    assert lapsed.status_label == "Expired" and lapsed.is_final
    assert lapsed.status == SandboxSession.PENDING  # what Kapso said is kept
    pending = session(expires_at=now + timedelta(hours=1))
    assert not pending.is_expired() and pending.display_status == "pending_activation"
    assert not pending.is_final
    assert pending.is_expired(now + timedelta(hours=2))
    assert not session(expires_at=None).is_expired()  # Kapso gave no expiry
    assert session(status="expired", expires_at=None).is_expired()
    assert session(status="active").is_final
    assert not session(status="paused_by_kapso").is_final


def test_sessions_are_newest_first_and_link_to_their_page():
    older = session(kapso_id="old", created_at=timezone.now() - timedelta(minutes=1))
    older.save()
    newer = session(kapso_id="new")
    newer.save()
    assert list(SandboxSession.objects.all()) == [newer, older]
    assert newer.get_absolute_url() == f"/sessions/{newer.pk}/"


def record(user, scope="form", key="k") -> IdempotencyRecord:
    with transaction.atomic():
        return IdempotencyRecord.objects.create(
            user=user,
            scope=scope,
            key=key,
            fingerprint="f",
            expires_at=timezone.now() + timedelta(minutes=1),
        )


def test_one_request_per_user_scope_and_key(alice, bob):
    record(alice)
    with pytest.raises(IntegrityError):
        record(alice)
    # Another teammate, or another door, with the same key is another request.
    record(bob)
    record(alice, scope="api")
    record(alice, key="other")
    assert IdempotencyRecord.objects.count() == 4


def test_a_session_url_is_remembered_but_follows_the_script_prefix():
    from django.urls import reverse, set_script_prefix

    saved = session(kapso_id="url")
    saved.save()
    assert saved.get_absolute_url() == reverse("sandbox:detail", args=[saved.pk])
    set_script_prefix("/dashboard/")  # served under a path: the remembered URL is not reused
    try:
        assert saved.get_absolute_url() == f"/dashboard/sessions/{saved.pk}/"
    finally:
        set_script_prefix("/")
    assert saved.get_absolute_url() == f"/sessions/{saved.pk}/"
