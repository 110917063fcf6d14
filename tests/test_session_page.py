"""sandbox/session_page.py: what a session's page is made of. The row's version moves
with every write to it, by any path (the database's trigger, migration 0012); the narrow
read and the whole row give the same fingerprint; the words' moment is never late."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from sandbox import session_page
from sandbox.models import SandboxSession
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def raw_sql(session):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sandbox_sandboxsession SET status = %s WHERE id = %s", ["active", session.pk]
        )


WRITES = {
    "save": lambda s: s.save(),
    "save of some fields": lambda s: s.save(update_fields=["status"]),
    "update": lambda s: SandboxSession.objects.filter(pk=s.pk).update(last_sync_error="x"),
    "bulk_update": lambda s: SandboxSession.objects.bulk_update([s], ["status"]),
    "raw SQL": raw_sql,
}


def version(session) -> int:
    return SandboxSession.objects.values_list("version", flat=True).get(pk=session.pk)


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_to_the_row_moves_its_version(kapso, alice, write):
    session = make_session(alice)
    before = version(session)
    write(session)
    assert version(session) == before + 1


def test_an_old_copy_saved_over_the_row_cannot_bring_an_earlier_version_back(kapso, alice):
    session = make_session(alice)
    stale = SandboxSession.objects.get(pk=session.pk)
    for _ in range(3):
        session.save()
    stale.save()  # still holds the version it was read with
    assert version(session) == stale.version + 4


def test_the_narrow_read_and_the_whole_row_give_the_same_fingerprint(kapso, alice, bob):
    session = make_session(alice)
    request = RequestFactory().get("/")
    request.user = alice
    whole = SandboxSession.objects.select_related("agent", "created_by").get(pk=session.pk)
    narrow = SandboxSession.objects.filter(pk=session.pk).values_list(*session_page.PROBE).get()
    fingerprint = session_page.fingerprint(request, narrow)
    assert fingerprint == session_page.fingerprint(request, session_page.probed(whole))
    request.user = bob  # another viewer: another page
    assert session_page.fingerprint(request, narrow) != fingerprint


def test_a_page_holds_until_its_first_word_turns_and_never_past_the_expiry(kapso, alice):
    session = make_session(alice)
    session.expires_at = timezone.now() + timedelta(seconds=20)
    assert session_page.valid_until(session) <= session.expires_at.timestamp()
    session.expires_at = timezone.now() + timedelta(hours=3)
    until = session_page.valid_until(session) - timezone.now().timestamp()
    assert 0 < until <= 60


def test_the_probe_reads_what_the_orm_reads(kapso, alice):
    session = make_session(alice)
    by_orm = SandboxSession.objects.values_list(*session_page.PROBE).get(pk=session.pk)
    assert session_page.probe(session.pk) == by_orm
    assert session_page.probe(session.pk + 1000) is None


def _columns(session) -> dict:
    """READ's values, following agent__name and the like."""
    values = {}
    for path in session_page.READ:
        value = session
        for part in path.split("__"):
            value = getattr(value, part) if value is not None else None
        values[path] = value
    return values


@pytest.mark.parametrize("creator", ["alice", None])
def test_the_read_by_compiled_sql_gives_what_the_orm_gives(kapso, alice, root, creator):
    session = make_session(alice)
    SandboxSession.objects.filter(pk=session.pk).update(
        created_by=alice if creator else None, activated_at=timezone.now()
    )
    request = RequestFactory().get("/")
    request.user = root  # staff: answered by the compiled SQL
    by_orm = SandboxSession.objects.select_related("agent", "created_by").get(pk=session.pk)
    read = session_page.read(request, session.pk)
    assert _columns(read) == _columns(by_orm)
    assert read.expires_at.tzinfo is not None  # SQLite's dates converted, as the ORM does
    assert session_page.read(request, session.pk + 1000) is None


def test_the_read_answers_only_whom_the_access_rule_admits(kapso, alice, bob):
    session = make_session(alice)
    request = RequestFactory().get("/")
    request.user = alice
    assert session_page.read(request, session.pk).pk == session.pk
    request.user = bob  # neither staff, nor its creator, nor linked to its phone
    assert session_page.read(request, session.pk) is None
