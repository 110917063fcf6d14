"""sandbox/apps.py: at start, a written or deleted session (and what a history row shows of
its agent, creator and API origin) invalidates the history's cache and kept pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from sandbox import page_cache
from sandbox.api.models import ApiSessionOrigin
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


@pytest.mark.parametrize(
    "write",
    [
        lambda s: SandboxSession.objects.filter(pk=s.pk).update(last_sync_error="x"),
        lambda s: SandboxSession.objects.bulk_update([s], ["status"]),
        lambda s: SandboxSession.objects.bulk_create(
            [SandboxSession(kapso_id="bulk-1", agent=s.agent, raw_payload={})]
        ),
        lambda s: s.agent.save(),  # its name is in every row of the session
        lambda s: s.created_by.save(update_fields=["username"]),
        lambda s: ApiSessionOrigin.objects.create(session=s, token_name="ci"),
    ],
    ids=["update", "bulk_update", "bulk_create", "agent", "creator's name", "API origin"],
)
def test_every_write_a_history_row_shows_bumps_the_history_version(kapso, alice, write):
    """Bulk writes send no Django signal: the sessions' queryset says so itself."""
    session = make_session(alice)
    before = cache.get(VERSION_KEY, 0)
    write(session)
    assert cache.get(VERSION_KEY, 0) != before


def test_a_login_leaves_the_history_version_alone(kapso, alice):
    before = cache.get(VERSION_KEY, 0)
    alice.save(update_fields=["last_login"])
    assert cache.get(VERSION_KEY, 0) == before


def test_deleting_a_session_forgets_every_kept_page(kapso, alice, settings):
    settings.PAGES_CACHED = True
    page_cache.lookup("session", (1, 1))  # makes the secret
    secret = cache.get(page_cache.SECRET_CACHE_KEY)
    make_session(alice).delete()
    assert secret and cache.get(page_cache.SECRET_CACHE_KEY) is None
