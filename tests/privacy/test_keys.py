"""sandbox/privacy/keys.py: keyed hashes; no plain digest of a number is kept."""

from __future__ import annotations

import hashlib

from django.core import checks

from sandbox.idempotency import fingerprint
from sandbox.privacy.keys import check_key, keyed_hash, phone_hash


def test_a_keyed_hash_depends_on_the_key_and_is_not_a_plain_digest(settings):
    settings.PRIVACY_HASH_KEY = "one-key"
    first = phone_hash("+14155552671")
    assert first != hashlib.sha256(b"+14155552671").hexdigest()
    assert first == phone_hash("+14155552671")
    settings.PRIVACY_HASH_KEY = "another-key"
    assert phone_hash("+14155552671") != first  # rotating the key forgets erased numbers


def test_the_double_submit_and_api_fingerprints_are_keyed(settings):
    settings.PRIVACY_HASH_KEY = "k"
    plain = hashlib.sha256("\x1f".join(["+14155552671", "agent", ""]).encode()).hexdigest()
    assert fingerprint("+14155552671", "agent", "") == keyed_hash("+14155552671", "agent", "")
    assert fingerprint("+14155552671", "agent", "") != plain


def test_an_unset_key_is_derived_from_the_secret_key_and_warned_about(settings):
    settings.PRIVACY_HASH_KEY = ""
    derived = phone_hash("+14155552671")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789-abcdefghij"
    assert phone_hash("+14155552671") != derived
    assert [w.id for w in check_key()] == ["privacy.W001"]
    settings.PRIVACY_HASH_KEY = "set"
    assert check_key() == [] and isinstance(check_key(), list)
    assert checks.Warning  # the check is registered with the deploy checks
