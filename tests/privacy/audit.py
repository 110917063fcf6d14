"""The erasure audit's tools: one person seeded through every door, and a search of every
table and column (by introspection), the queue's store and the log lines for every written
form of them. Used by test_erasure_audit.py."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from sandbox.privacy.person import phone_forms

PHONE = "+447911123456"
TYPED = "+44 7911 123456"
NAME = "Annabel Auditperson"
EMAIL = "annabel.audit@example.com"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Needles:
    """What must be gone: written forms of the phone, the name, the e-mail, and unkeyed
    digests of them (and of what the old fingerprints mixed them with)."""

    agents: list[str]
    api_bodies: list[str] = field(default_factory=list)

    def all(self) -> dict[str, str]:
        found = {form: "phone" for form in phone_forms(PHONE)}
        found |= {NAME: "name", EMAIL: "e-mail", EMAIL.upper(): "e-mail"}
        for text in (PHONE, PHONE.lstrip("+"), EMAIL, NAME):
            found[_sha(text)] = f"unkeyed digest of {text[:3]}…"
            found[hashlib.md5(text.encode()).hexdigest()] = "unkeyed md5"  # noqa: S324
        for agent in self.agents:  # the create form's old double-submit key
            found[_sha("\x1f".join((PHONE, agent, "")))] = "unkeyed form fingerprint"
        for body in self.api_bodies:  # the API's old request fingerprint
            found[_sha("\x1f".join(("POST", "/api/v1/sessions/ensure", body)))] = "api digest"
        return found


def _text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return "" if value is None else str(value)


def database_hits(needles: dict[str, str]) -> list[str]:
    """ "table.column: what" for every cell of every table that holds a needle."""
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _text(value)
                    if table == "django_session" and column == "session_data":
                        text += json.dumps(SessionStore().decode(text), default=str)
                    hits += [
                        f"{table}.{column}: {what}" for n, what in needles.items() if _has(text, n)
                    ]
    return sorted(set(hits))


def _has(text: str, needle: str) -> bool:
    return needle.lower() in text.lower()


def queue_hits(needles: dict[str, str]) -> list[str]:
    from sandbox.team.queue import huey

    storage = huey.storage
    blobs = [*storage.enqueued_items(), *storage.scheduled_items()]
    blobs += [repr(item) for item in storage.result_items().items()]
    text = " ".join(_text(blob) for blob in blobs)
    return sorted({f"queue: {what}" for n, what in needles.items() if _has(text, n)})


def kept_page_hits(needles: dict[str, str]) -> list[str]:
    """Every kept page still in the cache (local memory or Redis), opened with the secret
    the cache holds now: an erased person must be in none that still opens."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.core.cache import cache

    from sandbox import page_cache

    secret = cache.get(page_cache.SECRET_CACHE_KEY)
    if secret is None:
        return []
    texts = []
    for key in _page_keys(cache):
        entry = cache.get(key)
        if entry is not None:
            _, _, nonce, sealed = entry
            with contextlib.suppress(InvalidTag):
                texts.append(AESGCM(secret).decrypt(nonce, sealed, key.encode()).decode())
    return text_hits("kept pages", " ".join(texts), needles)


def _page_keys(cache) -> list[str]:
    """The kept pages' keys, as the page cache names them (no version prefix)."""
    pattern = "sandbox:page:"
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # local memory
        raw = list(cache._cache)
    else:  # Redis
        raw = [k.decode() for k in cache._cache.get_client().scan_iter(f"*{pattern}*")]
    return [k.split(":", 2)[2] for k in raw if pattern in k]


def text_hits(where: str, text: str, needles: dict[str, str]) -> list[str]:
    return sorted({f"{where}: {what} ({n})" for n, what in needles.items() if _has(text, n)})


@contextmanager
def development_server() -> Iterator[str]:
    """The development server's own request handler (`make run`), on a free port, so its
    request lines (query strings included) reach the configured log handler."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    # WSGIHandler itself: get_wsgi_application() would run django.setup() again, which
    # configures logging anew and detaches the handler the test reads.
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# An account to erase (issue 21): every store the account doors write its person into.
USERNAME = "wendy.erasable"
FIRST, LAST = "Wendolyn", "Erasewell"
USER_EMAIL = "wendy.erase@example.com"
PASSWORD = "wendy-password-1"


@dataclass
class SeededAccount:
    pk: int
    browsers: list  # test clients signed in as them
    api_secret: str
    needles: dict[str, str]


def seed_account(root) -> SeededAccount:
    """The account signed in twice (the sign-in form, a forced login), with an API token, a
    verified address, an invitation it accepted and one to its address, a tester linked to
    it, and the admin's history naming it."""
    from allauth.account.models import EmailAddress
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.test import Client
    from django.utils import timezone

    from sandbox.accounts.models import Invitation
    from sandbox.team.models import Tester
    from tests.api.conftest import make_token

    user = get_user_model().objects.create_user(
        USERNAME, USER_EMAIL, PASSWORD, first_name=FIRST, last_name=LAST
    )
    EmailAddress.objects.create(user=user, email=USER_EMAIL, verified=True, primary=True)
    later = timezone.now() + timezone.timedelta(days=7)
    Invitation.objects.create(
        email=USER_EMAIL, token_hash="used", expires_at=later, accepted_by=user, invited_by=root
    )
    Invitation.objects.create(email=USER_EMAIL.upper(), token_hash="again", expires_at=later)
    Tester.objects.create(name=f"{FIRST} {LAST}", phone_number="+447700900321", account=user)
    LogEntry.objects.create(
        user=root,
        content_type=ContentType.objects.get_for_model(user),
        object_id=str(user.pk),
        object_repr=USERNAME,
        action_flag=CHANGE,
        change_message=f"Changed email to {USER_EMAIL}.",
    )
    form, forced = Client(), Client()
    form.post("/accounts/login/", {"login": USERNAME, "password": PASSWORD})
    forced.force_login(user)
    needles = {USERNAME: "user name", FIRST: "first name", LAST: "last name"}
    needles |= {USER_EMAIL: "e-mail"}
    return SeededAccount(user.pk, [form, forced], make_token(user), needles)


def account_leftovers(seeded: SeededAccount) -> list[str]:
    """What is left of the account: cells naming it, its tokens, its signed-in browsers."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from sandbox.api.models import ApiToken
    from tests.api.conftest import Api

    left = database_hits(seeded.needles)
    if get_user_model().objects.filter(pk=seeded.pk).exists():
        left.append(f"auth_user: #{seeded.pk}")
    tokens = ApiToken.objects.filter(user_id=seeded.pk, revoked_at__isnull=True)
    left += [f"api token: #{pk}" for pk in tokens.values_list("pk", flat=True)]
    if Api(seeded.api_secret).get("/api/v1/sessions").status_code != 401:
        left.append("api token: still answered")
    logins = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    left += ["django_session: a login of theirs"] * logins.count(str(seeded.pk))
    for n, browser in enumerate(seeded.browsers):
        if browser.get("/").status_code == 200:
            left.append(f"browser {n}: still signed in")
    return left
