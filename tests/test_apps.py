"""sandbox/apps.py: at start, a written or deleted session invalidates the history's cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from sandbox.history import VERSION_KEY
from sandbox.models import SandboxSession
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def test_saving_or_deleting_a_session_bumps_the_history_version(kapso, alice):
    session = make_session(alice)
    versions = [cache.get(VERSION_KEY, 0)]
    session.save()
    versions.append(cache.get(VERSION_KEY, 0))
    session.delete()
    versions.append(cache.get(VERSION_KEY, 0))
    assert versions[0] < versions[1] < versions[2]


def test_a_bulk_update_fires_no_signal_which_is_why_sync_bumps_itself(kapso, alice):
    make_session(alice)
    before = cache.get(VERSION_KEY, 0)
    SandboxSession.objects.update(last_sync_error="x")
    assert cache.get(VERSION_KEY, 0) == before
