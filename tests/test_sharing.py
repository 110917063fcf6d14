"""sandbox/sharing.py: share tokens are opaque, unforgeable, revocable, and die with the
session or after MAX_AGE."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from sandbox import sharing
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def share(client, session, action="create"):
    return client.post(reverse("sandbox:share", args=[session.pk]), {"action": action})


def test_a_token_opens_its_session_and_names_no_database_id(kapso, alice):
    session = make_session(alice)
    token = sharing.share_link_create(session)
    assert sharing.shared_session(token) == session
    # What the token carries is the random nonce, and nothing else.
    assert signing.TimestampSigner(salt=sharing.SALT).unsign(token) == session.share_nonce


def test_no_token_without_a_share(kapso, alice):
    session = make_session(alice)
    assert sharing.share_token(session) is None


def test_a_new_link_replaces_the_old_and_revoking_clears_it(kapso, alice):
    session = make_session(alice)
    first = sharing.share_link_create(session)
    second = sharing.share_link_create(session)
    assert first != second
    assert sharing.shared_session(first) is None
    assert sharing.shared_session(second) == session
    sharing.share_link_revoke(session)
    assert sharing.shared_session(second) is None
    assert sharing.share_token(session) is None


def test_a_link_dies_with_its_session(kapso, alice):
    session = make_session(alice)
    token = sharing.share_link_create(session)
    session.expires_at = timezone.now() - timedelta(seconds=1)
    session.save()
    assert sharing.shared_session(token) is None


def test_forged_tokens_open_nothing(kapso, alice_client, alice, client):
    session = make_session(alice)
    share(alice_client, session)
    session.refresh_from_db()
    token = sharing.share_token(session)
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        signing.TimestampSigner(salt="another-salt").sign(session.share_nonce),
        signing.dumps({"s": session.pk, "n": session.share_nonce}, salt="another-salt"),
        signing.dumps({"s": session.pk, "n": "guessed"}, salt=sharing.SALT),
        signing.TimestampSigner(salt=sharing.SALT).sign("guessed"),
        signing.TimestampSigner(salt=sharing.SALT).sign(""),
        "garbage",
    ]
    for bad in forged:
        assert sharing.shared_session(bad) is None, bad
        assert client.get(reverse("sandbox:shared", args=[bad])).status_code == 404


def test_share_links_have_a_maximum_age(kapso, alice_client, alice):
    session = make_session(alice)
    session.expires_at = None  # Kapso gave no expiry
    session.save()
    share(alice_client, session)
    session.refresh_from_db()
    token = sharing.share_token(session)

    later = time.time() + sharing.MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert alice_client.get(reverse("sandbox:shared", args=[token])).status_code == 404
        assert sharing.shared_session(token) is None
    assert alice_client.get(reverse("sandbox:shared", args=[token])).status_code == 200
    assert sharing.shared_session(token) == session
