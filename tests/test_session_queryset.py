"""sandbox/session_queryset.py: bulk writes of sessions say so, as saves do through Django."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxSession
from sandbox.session_queryset import sessions_written
from tests.factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    senders = []

    def listen(sender, **kwargs):
        senders.append(sender)

    sessions_written.connect(listen, dispatch_uid="test-heard")
    yield senders
    sessions_written.disconnect(dispatch_uid="test-heard")


def test_update_bulk_update_and_bulk_create_each_say_so_once(kapso, alice, heard):
    session = make_session(alice)
    heard.clear()
    SandboxSession.objects.filter(pk=session.pk).update(status="active")
    SandboxSession.objects.bulk_update([session], ["status"])
    SandboxSession.objects.bulk_create(
        [SandboxSession(kapso_id="bulk-1", agent=session.agent, raw_payload={})]
    )
    assert heard == [SandboxSession] * 3


def test_reading_says_nothing(kapso, alice, heard):
    make_session(alice)
    heard.clear()
    list(SandboxSession.objects.all())
    SandboxSession.objects.count()
    assert heard == []
