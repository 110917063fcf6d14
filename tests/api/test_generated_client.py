"""A client generated from /api/v1/openapi.json, as a team's CI would make one, against a live
dashboard that talks HTTP to the Kapso emulator.

openapi-python-client (pinned in requirements-dev.txt) writes the client offline into a
temporary folder; it must do so without a warning (a warning means a part of the API left
out of the client). Then every operation is called through it, and made to answer every
problem the one table of what each may answer lists (sandbox/api/views/problem_codes.py):
the JSON parses into the generated models, the QR codes come back as files, and every error
parses as a `Problem` with the code the table names. A code added to the table without a
way to provoke it here fails the test (`TRIGGERS`).

What is provoked for real: tokens revoked, expired or of a deactivated owner; Kapso's
failures by the emulator's fault injection; the budget's refusals; the cache and the
database unreachable (their addresses changed for every thread). Two things cannot happen
on their own and are forced: a bug (500: the token check made to raise) and a lost create
adopted by a teammate first (409 session_taken: the race staged as tests/test_sessions.py
stages it). The generated functions cannot send a wrong method or a body the operation
does not take, so for 405 and for renew's 413 the generated module's own request is sent
with that changed, and its answer read by the generated module's own parser.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connections
from django.utils import timezone

from sandbox import idempotency, lost_creates, sessions
from sandbox.api import auth
from sandbox.api.models import ApiToken
from sandbox.api.problems import KINDS
from sandbox.api.tokens import token_revoke
from sandbox.api.views.problem_codes import MAY_ANSWER
from sandbox.models import SandboxSession
from tests.api.conftest import AGENT, make_token
from tests.conftest import arm, emulator_control
from tests.factories import make_session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "kapso_sandbox_client"
# The generator knows JSON, text and octet-stream answers; images are files to it only
# when told so (its documented `content_type_overrides`). No formatter runs afterwards.
CONFIG = """\
post_hooks: []
content_type_overrides:
  image/svg+xml: application/octet-stream
  image/png: application/octet-stream
"""
OTHER_PHONE = "+1 415 555 2680"  # no session yet: ensure asks Kapso
TAGS = {
    **{op: "sessions" for op in MAY_ANSWER},
    "list_agents": "agents",
    "list_groups": "groups",
    "list_group_members": "groups",
}


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("generated")
    schema = requests.get(f"{live_server.url}/api/v1/openapi.json", timeout=10)
    (folder / "openapi.json").write_bytes(schema.content)
    (folder / "config.yaml").write_text(CONFIG)
    done = subprocess.run(  # noqa: S603 - the pinned generator, from this virtualenv
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(folder / "openapi.json"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(folder / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=folder,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@dataclass
class World:
    """Alice, her token and live session, and the client generated for her."""

    package: ModuleType
    url: str
    user: object
    token: ApiToken
    secret: str
    session: SandboxSession
    emulator: object
    settings: object
    monkeypatch: pytest.MonkeyPatch
    bob: object
    refused_port: int
    tmp_path: Path

    def client(self, secret: str | None = None, **httpx_args):
        return self.package.AuthenticatedClient(
            base_url=self.url, token=secret or self.secret, httpx_args=httpx_args
        )

    def operation(self, op: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.api.{TAGS[op]}.{op}")

    def model(self, name: str):
        return getattr(importlib.import_module(f"{PACKAGE}.models"), name)

    def ensure_body(self, phone: str = OTHER_PHONE, agent: str = AGENT):
        return self.model("EnsureIn")(phone_number=phone, agent_id=agent)

    def arguments(self, op: str) -> dict:
        if op == "ensure_session":
            return {"body": self.ensure_body()}
        if op in ("list_sessions", "list_agents", "list_groups"):
            return {}
        if op == "list_group_members":
            return {"group_id": 1}  # Alice manages no group: any id is not found
        if op == "wait_for_session":
            return {"session_id": self.session.pk, "timeout": 0.5}
        return {"session_id": self.session.pk}

    def call(self, op: str, client=None, **arguments):
        arguments = {**self.arguments(op), **arguments}
        return self.operation(op).sync_detailed(client=client or self.client(), **arguments)

    def call_changed(self, op: str, *, method: str | None = None, content=None, **arguments):
        """The generated module's own request with its method or body changed, sent by the
        generated client and read by the generated parser."""
        module = self.operation(op)
        kwargs = module._get_kwargs(**{**self.arguments(op), **arguments})
        if method is not None:
            kwargs["method"] = method
            kwargs.pop("json", None)
        if content is not None:
            kwargs["content"] = content
        client = self.client()
        sent = client.get_httpx_client().request(**kwargs)
        return module._build_response(client=client, response=sent)


@pytest.fixture
def world(
    generated, live_server, faulty, settings, monkeypatch, alice, bob, refused_port, tmp_path
) -> World:
    settings.API_WAIT_MAX_SECONDS = 0.5
    session = make_session(alice)
    secret = make_token(alice, "generated client")
    token = ApiToken.objects.get(name="generated client")
    return World(
        generated,
        live_server.url,
        alice,
        token,
        secret,
        session,
        faulty,
        settings,
        monkeypatch,
        bob,
        refused_port,
        tmp_path,
    )


@contextmanager
def database_unreachable(refused_port: int, tmp_path: Path) -> Iterator[None]:
    """The database's address changed for every thread (the live server's too): each
    connection opened meanwhile fails, as when the database is down."""
    shared = connections.settings["default"]  # the dict every thread's connection reads
    before = dict(shared)
    if shared["ENGINE"].endswith("sqlite3"):
        shared["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
    else:
        shared.update(HOST="127.0.0.1", PORT=refused_port)
    try:
        yield
    finally:
        shared.clear()
        shared.update(before)


# --- how to make each problem happen ----------------------------------------------------------
def _unknown_query(w: World, op: str):
    return w.call(op, client=w.client(params={"typo": "1"}))


def _no_token(w: World, op: str):
    return w.call(op, client=w.package.Client(base_url=w.url))


def _unknown_token(w: World, op: str):
    return w.call(op, client=w.client("kst_" + "x" * 43))


def _revoked(w: World, op: str):
    token_revoke(w.token)
    return w.call(op)


def _expired(w: World, op: str):
    ApiToken.objects.filter(pk=w.token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    return w.call(op)


def _owner_deactivated(w: World, op: str):
    type(w.user).objects.filter(pk=w.user.pk).update(is_active=False)
    return w.call(op)


def _wrong_method(w: World, op: str):
    return w.call_changed(op, method="delete")


def _bug(w: World, op: str):
    def broken(secret):
        raise ZeroDivisionError("a bug behind the token check")

    w.monkeypatch.setattr(auth, "token_authenticate", broken)
    return w.call(op)


def _database_down(w: World, op: str):
    with database_unreachable(w.refused_port, w.tmp_path):
        return w.call(op)


def _not_found(w: World, op: str):
    if op == "list_group_members":
        return w.call(op, group_id=10**9)
    return w.call(op, session_id=10**9)


def _expired_session(w: World, op: str):
    SandboxSession.objects.filter(pk=w.session.pk).update(expires_at=timezone.now())
    return w.call(op)


def _bad_phone(w: World, op: str):
    return w.call(op, body=w.ensure_body(phone="12"))


def _unknown_agent(w: World, op: str):
    return w.call(op, body=w.ensure_body(agent="no-such-agent"))


def _read_only(w: World, op: str):
    return w.call(op, client=w.client(make_token(w.user, "reader", access=ApiToken.READ)))


def _too_big(w: World, op: str):
    over = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    if op == "ensure_session":
        return w.call(op, body=w.ensure_body(phone="1" * over))
    # renew takes no body: with an Idempotency-Key it is read all the same (its fingerprint)
    return w.call_changed(op, content=b"x" * over, idempotency_key="too-big")


def _still_running(w: World, op: str):
    # A create for the same phone and agent that never finished (its worker died): the
    # repeat waits as long as such a create can take, then gives up.
    w.settings.KAPSO_TIMEOUT = 0.2
    if op == "ensure_session":
        asked = idempotency.fingerprint("+14155552680", AGENT, "")
    else:
        asked = idempotency.fingerprint(
            w.session.phone_number, w.session.requested_agent_id, w.session.pk
        )
    idempotency.IdempotencyRecord.objects.create(
        user=w.user,
        scope=sessions.FORM_SCOPE,
        key=asked,
        fingerprint=asked,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    return w.call(op)


def _lost_then_repeated(w: World, op: str):
    arm(w.emulator, "status", status=502)  # Kapso's gateway: made or not, nobody knows
    first = w.call(op)
    assert first.parsed.code == "kapso_error" and first.parsed.outcome_unknown is True
    return w.call(op)


def _taken_by_a_teammate(w: World, op: str):
    real_find = lost_creates.find_for_create

    def bob_gets_there_first(*args, **kwargs):
        found = real_find(*args, **kwargs)
        sessions.sandbox_session_upsert(found, created_by=w.bob)
        return found

    w.monkeypatch.setattr(lost_creates, "find_for_create", bob_gets_there_first)
    arm(w.emulator, "drop")
    return w.call(op)


def _key_reused(w: World, op: str):
    assert w.call(op, idempotency_key="run-42").status_code == 201
    if op == "ensure_session":
        return w.call(op, idempotency_key="run-42", body=w.ensure_body(phone="+14155552681"))
    other = make_session(w.user, phone="+14155552682")
    return w.call(op, idempotency_key="run-42", session_id=other.pk)


def _share_used_up(w: World, op: str):
    w.settings.KAPSO_CREATES_PER_USER_PER_MINUTE = 1
    w.call("ensure_session", body=w.ensure_body(phone="+14155552683"))  # the one create
    return w.call(op)


def _kapso_rate_limits(w: World, op: str):
    arm(w.emulator, "rate_limit", retry_after=42)
    return w.call(op)


def _kapso_fails(w: World, op: str):
    arm(w.emulator, "status", status=500, body={"error": "boom"})
    return w.call(op)


def _cache_down(w: World, op: str):
    w.settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{w.refused_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    return w.call(op)


def _kapso_too_slow(w: World, op: str):
    arm(w.emulator, "delay", delay=2)  # past KAPSO_TIMEOUT (1 s)
    arm(w.emulator, "status", path="/api/v1/sandbox_sessions", method="GET", status=503, times=5)
    return w.call(op)


TRIGGERS: dict[str, Callable[[World, str], object]] = {
    "invalid_request": _unknown_query,
    "token_missing": _no_token,
    "token_invalid": _unknown_token,
    "token_revoked": _revoked,
    "token_expired": _expired,
    "account_inactive": _owner_deactivated,
    "method_not_allowed": _wrong_method,
    "internal_error": _bug,
    "service_unavailable": _database_down,
    "not_found": _not_found,
    "session_expired": _expired_session,
    "invalid_phone": _bad_phone,
    "unknown_agent": _unknown_agent,
    "read_only_token": _read_only,
    "body_too_large": _too_big,
    "in_progress": _still_running,
    "outcome_unknown": _lost_then_repeated,
    "session_taken": _taken_by_a_teammate,
    "idempotency_key_reused": _key_reused,
    "quota": _share_used_up,
    "kapso_rate_limited": _kapso_rate_limits,
    "kapso_error": _kapso_fails,
    "budget_unavailable": _cache_down,
    "kapso_timeout": _kapso_too_slow,
}
# Answered with this header every time (others carry theirs only where they apply).
ALWAYS_SENT = {
    **dict.fromkeys(
        ("token_missing", "token_invalid", "token_revoked", "token_expired", "account_inactive"),
        "WWW-Authenticate",
    ),
    "method_not_allowed": "Allow",
    "in_progress": "Retry-After",
    "budget_unavailable": "Retry-After",
    "service_unavailable": "Retry-After",
    "kapso_rate_limited": "Retry-After",
}
CASES = [(op, code) for op, codes in MAY_ANSWER.items() for code in codes]


@pytest.mark.parametrize(("op", "code"), CASES, ids=[f"{op}-{code}" for op, code in CASES])
def test_every_problem_of_every_operation_parses_as_a_problem(world, op, code):
    answer = TRIGGERS[code](world, op)
    status = KINDS[code].status
    assert answer.status_code == status, answer.content[:500]
    problem = answer.parsed
    assert isinstance(problem, world.model("Problem")), answer.content[:500]
    assert (problem.code, problem.status) == (code, status)
    assert problem.type_ == f"/api/v1/docs#problem-{code}" and problem.detail
    if code in ALWAYS_SENT:
        assert ALWAYS_SENT[code] in answer.headers


def test_the_client_is_made_of_the_used_models_and_sends_no_key_unless_given(generated):
    models = {name for name in dir(importlib.import_module(f"{PACKAGE}.models"))}
    assert "Problem" in models and not {"Filters", "WaitParams"} & models
    ensure = importlib.import_module(f"{PACKAGE}.api.sessions.ensure_session")
    key = inspect.signature(ensure.sync_detailed).parameters["idempotency_key"]
    assert "None" not in str(key.annotation)  # optional, never null
    body = importlib.import_module(f"{PACKAGE}.models").EnsureIn(phone_number="1", agent_id="a")
    assert "Idempotency-Key" not in ensure._get_kwargs(body=body)["headers"]


def test_every_operation_answers_its_model(world):
    ensure = world.call("ensure_session")
    assert ensure.status_code == 201 and ensure.parsed.outcome.value == "created"
    assert ensure.headers["Location"] == ensure.parsed.links.self_
    again = world.call("ensure_session")
    assert (again.status_code, again.parsed.outcome.value) == (200, "reused")
    first = world.call("renew_session", idempotency_key="renew-1")
    replay = world.call("renew_session", idempotency_key="renew-1")
    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.parsed.id == first.parsed.id

    one = world.call("get_session")
    assert (one.parsed.id, one.parsed.phone_number) == (world.session.pk, "+14155552671")
    page = world.call("list_sessions", per_page=2)
    assert page.parsed.total_count == 3 and len(page.parsed.items) == 2 and page.parsed.next_
    svg = world.call("session_qr_svg").parsed.payload.read()
    png = world.call("session_qr_png").parsed.payload.read()
    assert svg.startswith(b"<?xml") and png.startswith(b"\x89PNG")
    assert "█" in world.call("session_qr_txt").parsed
    agents = world.call("list_agents").parsed
    assert AGENT in [agent.id for agent in agents.items]

    emulator_control(
        world.emulator, f"sessions/{world.session.kapso_id}/status", {"status": "active"}
    )
    world.settings.KAPSO_REFRESH_SECONDS = 0
    waited = world.call("wait_for_session").parsed
    assert (waited.done, waited.session.status) == (True, "active")
