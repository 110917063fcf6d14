"""The erasure audit's tools: one person seeded through every door, and a search of every
table and column (by introspection), the queue's store and the log lines for every written
form of them. Used by test_erasure_audit.py."""

from __future__ import annotations

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
