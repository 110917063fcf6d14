"""sandbox/page_cache.py: a kept page is served only for the same inputs while its words
hold, is sealed in the cache, and is unreadable once an erasure forgets the secret."""

from __future__ import annotations

import pickle
import time

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.test import RequestFactory

from sandbox import page_cache

PHONE = "+14155552671"
PAGE = f"<p>{PHONE}</p><input name=csrfmiddlewaretoken value={page_cache.csrf_placeholder()}>"
INPUTS = ("version 3", "viewer 1")


@pytest.fixture(autouse=True)
def kept_pages(settings):
    settings.PAGES_CACHED = True  # one test process: its local cache stands in for Redis


def later(seconds: float = 30) -> float:
    return time.time() + seconds


def kept_and_found(inputs=INPUTS, until=None) -> str | None:
    page_cache.lookup("session", (7, 1)).keep(PAGE, INPUTS, until or later())
    return page_cache.lookup("session", (7, 1)).page(inputs)


def test_a_kept_page_is_served_for_the_same_inputs_only():
    assert kept_and_found() == PAGE
    assert kept_and_found(inputs=("version 4", "viewer 1")) is None


def test_another_identity_never_finds_it():
    page_cache.lookup("session", (7, 1)).keep(PAGE, INPUTS, later())
    assert page_cache.lookup("session", (7, 2)).page(INPUTS) is None
    assert page_cache.lookup("history", (7, 1)).page(INPUTS) is None


def test_a_page_whose_words_have_turned_is_not_served():
    kept = page_cache.lookup("session", (7, 1))
    kept.keep(PAGE, INPUTS, later(2))
    assert page_cache.lookup("session", (7, 1)).page(INPUTS) == PAGE
    entry = page_cache.lookup("session", (7, 1)).entry
    cache.set(kept.key, (time.time() - 0.001, *entry[1:]), 30)  # its moment has passed
    assert page_cache.lookup("session", (7, 1)).page(INPUTS) is None


def test_a_page_already_past_its_moment_is_not_kept():
    kept = page_cache.lookup("session", (7, 1))
    kept.keep(PAGE, INPUTS, later(0.5))
    assert cache.get(kept.key) is None


def test_it_lives_a_minute_at_most(monkeypatch):
    ttls = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, ttl: ttls.append(ttl) or real_set(key, value, ttl)
    )
    page_cache.lookup("session", (7, 1)).keep(PAGE, INPUTS, later(3600))
    assert ttls == [page_cache.MAX_TTL]


def test_the_cache_holds_it_sealed():
    kept = page_cache.lookup("session", (7, 1))
    kept.keep(PAGE, INPUTS, later())
    stored = pickle.dumps(cache.get(kept.key))
    assert PHONE.encode() not in stored and b"4155552671" not in stored
    assert b"version 3" not in stored  # the inputs are keyed too, not written out


@pytest.mark.django_db  # forgetting again on commit needs a transaction
def test_forgetting_makes_every_kept_page_unreadable():
    kept = page_cache.lookup("session", (7, 1))
    kept.keep(PAGE, INPUTS, later())
    page_cache.forget_all()
    assert cache.get(kept.key) is not None  # the sealed entry is still there...
    assert page_cache.lookup("session", (7, 1)).page(INPUTS) is None  # ...and opens no more


@pytest.mark.django_db  # forgetting again on commit needs a transaction
def test_a_page_made_from_data_read_before_an_erasure_is_sealed_under_the_forgotten_secret():
    kept = page_cache.lookup("session", (7, 1))  # the secret, read first
    page_cache.forget_all()  # an erasure commits while the page is being made
    kept.keep(PAGE, INPUTS, later())  # the page made from the old data
    assert page_cache.lookup("session", (7, 1)).page(INPUTS) is None


def test_nothing_is_kept_or_served_when_pages_are_not_cached(settings):
    settings.PAGES_CACHED = False
    kept = page_cache.lookup("session", (7, 1))
    kept.keep(PAGE, INPUTS, later())
    assert kept.key == "" and page_cache.lookup("session", (7, 1)).page(INPUTS) is None


def test_a_cache_outage_costs_the_page_not_the_request(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    kept = page_cache.lookup("session", (7, 1))
    assert kept.page(INPUTS) is None
    kept.keep(PAGE, INPUTS, later())  # no secret: nothing kept, nothing raised


def test_each_response_fills_in_its_own_csrf_token():
    request = RequestFactory().get("/")
    first = page_cache.fill_csrf(request, PAGE)
    second = page_cache.fill_csrf(request, PAGE)
    assert page_cache.csrf_placeholder() not in first
    tokens = [html.rsplit("value=", 1)[1].rstrip(">") for html in (first, second)]
    assert tokens[0] != tokens[1]  # masked anew each time...
    assert _unmask_cipher_token(tokens[0]) == _unmask_cipher_token(tokens[1])  # ...one secret


def test_a_flash_message_marks_a_page_shown_once():
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    assert not page_cache.one_time_message(request)
    request._messages.add(20, "Session created")
    assert page_cache.one_time_message(request)
