"""sandbox/erased.py: the look-ups other apps register, asked before a Kapso session is stored."""

from __future__ import annotations

import pytest

from sandbox import erased

# erased() also reads the sessions table (rows whose data was erased): a database is needed.
pytestmark = pytest.mark.django_db


@pytest.fixture
def lookups(monkeypatch):
    """A registry of its own, so the team app's registered look-up is left as it was."""
    fresh: list = []
    monkeypatch.setattr(erased, "_lookups", fresh)
    return fresh


def test_the_ids_any_look_up_names_are_erased(lookups):
    erased.register(lambda ids: {i for i in ids if i.startswith("a")})
    erased.register(lambda ids: {"b-2"} & set(ids))
    assert erased.erased(["a-1", "b-2", "c-3"]) == {"a-1", "b-2"}


def test_a_look_up_registered_twice_is_asked_once(lookups):
    asked = []

    def lookup(ids):
        asked.append(list(ids))
        return set()

    erased.register(lookup)
    erased.register(lookup)
    erased.erased(["x"])
    assert asked == [["x"]]


def test_no_ids_asks_no_one(lookups):
    erased.register(lambda ids: pytest.fail("asked for nothing"))
    assert erased.erased([]) == set()


def test_without_look_ups_nothing_is_erased(lookups):
    assert erased.erased(["x"]) == set()


def test_the_team_app_registers_its_list_at_start():
    from sandbox.team.erasure import erased_kapso_ids

    assert erased_kapso_ids in erased._lookups


def test_a_blanked_row_is_erased_without_any_look_up(lookups):
    from django.utils import timezone

    from sandbox.models import Agent, SandboxSession

    agent = Agent.objects.create(kapso_id="agent", name="Agent")
    fields = {"agent": agent, "status": "expired", "raw_payload": {}}
    SandboxSession.objects.create(kapso_id="gone", erased_at=timezone.now(), **fields)
    SandboxSession.objects.create(kapso_id="kept", phone_number="+14155552671", **fields)
    assert erased.erased(["gone", "kept", "unknown"]) == {"gone"}


def test_items_of_a_phone_erased_after_kapso_made_them_are_erased(lookups):
    from datetime import timedelta
    from types import SimpleNamespace

    from django.utils import timezone

    from sandbox import privacy

    privacy.erase_phone("+14155552671", door="test")
    before = timezone.now() - timedelta(minutes=1)
    after = timezone.now() + timedelta(minutes=1)
    items = [
        SimpleNamespace(id="old", phone_number="+14155552671", created_at=before),
        SimpleNamespace(id="undated", phone_number="+14155552671", created_at=None),
        SimpleNamespace(id="new", phone_number="+14155552671", created_at=after),
        SimpleNamespace(id="other", phone_number="+14155552672", created_at=before),
    ]
    assert erased.erased_items(items) == {"old", "undated"}
