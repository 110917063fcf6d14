"""Whole pages kept in the shared cache: never served stale, unreadable once erased.

A page is kept under what it is (session 7's page as user 3 sees it) together with a
*fingerprint* of everything it was made from: the session's row exactly as this request
read it, the viewer, the history version. A request reads its data anyway; it serves
the kept page only when the fingerprint is the same and the page's words are still true
now (`valid_until`: the next moment a "5 min ago" turns, or the session expires). So
whatever changed the data (a save, `.update()`, `bulk_update`, another process), the
next view finds another fingerprint and renders anew: no write path has to remember us.

Pages hold phone numbers. Each is sealed (AES-GCM) under one secret kept in the same
cache, and the fingerprint is keyed by it too. Erasure, deletion and retention delete
that secret (`forget_all`), which makes every kept page unreadable at once; the entries
themselves expire within a minute. The secret is read before the data a page is made
of, so a page made from data read before an erasure is sealed under the secret that
erasure deleted (the erasure deletes it again once it commits).

Kept only in a cache every process shares (settings.PAGES_CACHED): a per-process one
would outlive an erasure made in another process. The CSRF token is never kept: pages
are kept with a placeholder that each response fills with its own token.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)
SECRET_CACHE_KEY = "sandbox:page-cache:secret"  # noqa: S105 - where the secret is, not it
SECRET_TTL = 24 * 3600  # a new one each day even without an erasure
MAX_TTL = 60  # seconds a kept page may live, whatever its words allow


def _keyed(*parts: object, secret: bytes | str) -> str:
    """An HMAC of `parts`: keys and fingerprints hold typed filters and rows, and an
    unkeyed digest of a phone number is as good as the number."""
    return salted_hmac(__name__, repr(parts), secret=secret, algorithm="sha256").hexdigest()


def csrf_placeholder() -> str:
    """What a kept page holds where its CSRF token goes: the same in every process, and
    never text a page could show by chance."""
    return "csrf-" + _keyed("csrf", secret=settings.SECRET_KEY)[:40]


def fill_csrf(request, html: str) -> str:
    """The kept page with this request's own CSRF token (a new mask each response)."""
    return html.replace(csrf_placeholder(), get_token(request))


def viewer(request) -> tuple:
    """Who looks and at which site: part of every kept page's fingerprint (pages name the
    viewer and hold absolute links)."""
    user = request.user
    return (user.pk, user.get_username(), user.is_staff, request.scheme, request.get_host())


def one_time_message(request) -> bool:
    """Whether the page about to be made shows a flash message ("Session created"): such
    a page is shown once and never kept. Asked before the page reads (and so ends) them."""
    return len(messages.get_messages(request)) > 0


@dataclass
class Lookup:
    """One page's entry and the secret, read in one round trip; `also` holds the other
    keys asked for with them (the history version)."""

    key: str = ""
    secret: bytes | None = None
    entry: tuple | None = None
    also: dict = field(default_factory=dict)

    def page(self, fingerprint: tuple) -> str | None:
        """The kept page if it was made from the same data and its words still hold."""
        if self.secret is None or self.entry is None:
            return None
        valid_until, kept_print, nonce, sealed = self.entry
        if time.time() >= valid_until or kept_print != self._print(fingerprint):
            return None
        try:
            return AESGCM(self.secret).decrypt(nonce, sealed, self.key.encode()).decode()
        except InvalidTag:  # sealed under a secret since forgotten: not a page any more
            return None

    def keep(self, html: str, fingerprint: tuple, valid_until: float) -> None:
        """Keep `html` until `valid_until` (at most MAX_TTL s from now); never raises."""
        ttl = min(MAX_TTL, int(valid_until - time.time()))
        if self.secret is None or ttl < 1:
            return
        nonce = os.urandom(12)
        sealed = AESGCM(self.secret).encrypt(nonce, html.encode(), self.key.encode())
        entry = (valid_until, self._print(fingerprint), nonce, sealed)
        try:
            cache.set(self.key, entry, ttl)
        except Exception:  # only a speed-up: the page was served all the same
            logger.warning("page cache unreachable: page not kept", exc_info=True)

    def _print(self, fingerprint: tuple) -> str:
        return _keyed(self.key, fingerprint, secret=self.secret or b"")


def lookup(kind: str, identity: tuple, *, also: tuple[str, ...] = ()) -> Lookup:
    """The page `kind` for `identity` (whose page, seen by whom), the secret, and `also`.

    Call it before reading the page's data (see the module's note on erasure)."""
    if not settings.PAGES_CACHED:
        return Lookup()
    key = f"sandbox:page:{kind}:{_keyed(kind, identity, secret=_key_secret())[:32]}"
    try:
        found = cache.get_many([SECRET_CACHE_KEY, key, *also])
        secret = found.get(SECRET_CACHE_KEY) or _new_secret()
    except Exception:  # the page is made as if nothing were kept
        logger.warning("page cache unreachable: page made anew", exc_info=True)
        return Lookup()
    return Lookup(key, secret, found.get(key), {k: found.get(k) for k in also})


def _new_secret() -> bytes | None:
    cache.add(SECRET_CACHE_KEY, AESGCM.generate_key(bit_length=256), SECRET_TTL)
    return cache.get(SECRET_CACHE_KEY)


def _key_secret() -> str:
    return settings.PRIVACY_HASH_KEY or settings.SECRET_KEY


def forget_all() -> None:
    """Every kept page becomes unreadable: now, and again when the current transaction
    commits (a page made in between read the data before the change)."""
    _forget()
    transaction.on_commit(_forget)


def _forget() -> None:
    try:
        cache.delete(SECRET_CACHE_KEY)
    except Exception:  # pages then stay readable until they expire, within MAX_TTL s
        logger.warning("page cache unreachable: kept pages left to expire", exc_info=True)
