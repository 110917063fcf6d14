"""sandbox/gateway.py: the door to Kapso from the dashboard, a client built from settings."""

from __future__ import annotations

import threading

import pytest

from sandbox.gateway import get_client, joiner, person, watcher
from sandbox.kapso.quota import Priority
from tests.conftest import TEST_API_KEY


def test_the_client_follows_the_settings(settings):
    settings.KAPSO_API_BASE_URL = "http://kapso.invalid/api/v1/"
    settings.KAPSO_API_KEY = TEST_API_KEY
    settings.KAPSO_TIMEOUT = 7.0
    client = get_client()
    assert client.base_url == "http://kapso.invalid/api/v1"
    assert client.timeout == 7.0
    settings.KAPSO_TIMEOUT = 3.0
    assert get_client().timeout == 3.0  # a changed setting is a new client
    assert get_client() is get_client()  # the same one is reused (its connections too)


def test_a_short_call_can_only_lower_the_timeout(settings):
    settings.KAPSO_TIMEOUT = 10.0
    assert get_client(timeout=2.5).timeout == 2.5
    settings.KAPSO_TIMEOUT = 1.0
    assert get_client(timeout=2.5).timeout == 1.0


def test_each_thread_has_its_own_client(settings):
    settings.KAPSO_API_BASE_URL = "http://kapso.invalid/api/v1"
    here = get_client()
    there = []
    thread = threading.Thread(target=lambda: there.append(get_client()))
    thread.start()
    thread.join()
    assert there[0] is not here and there[0].base_url == here.base_url


@pytest.mark.django_db
def test_callers_say_who_asks_and_how_urgently(alice, bob):
    assert person(alice).priority == Priority.PERSON
    assert watcher(alice).priority == Priority.WATCH
    # Everyone joining through a group's link shares one share, below people's.
    assert joiner() == joiner() and joiner().priority == Priority.JOIN
    # The same person's form and pages share one identity; two people never do.
    assert person(alice).who == watcher(alice).who != person(bob).who


def test_the_budgets_words_a_door_needs_are_the_clients_own():
    # Doors take them from here (they may not import sandbox.kapso).
    from sandbox import gateway, kapso

    for name in ("Caller", "Priority", "BACKGROUND", "with_rate_limit_waits"):
        assert getattr(gateway, name) is getattr(kapso, name), name
        assert name in gateway.__all__
