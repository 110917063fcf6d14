"""Fixtures for the team app: a real job worker, the emulator's agents, a roster."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from huey.consumer import Consumer

from sandbox.agents import agent_list_refresh
from sandbox.team.models import Tester

PHONES = [f"+1415555{n:04d}" for n in range(2670, 2770)]


@contextmanager
def running_worker(*, workers: int = 2, periodic: bool = False) -> Iterator[Consumer]:
    """A real Huey consumer on the test queue (a SQLite file), in threads of this process:
    the same code path as `manage.py team_worker`, minus the signal handlers a thread
    cannot install."""
    from sandbox.team import jobs  # noqa: F401  (registers the tasks)
    from sandbox.team.queue import huey

    huey.flush()
    consumer = Consumer(
        huey,
        workers=workers,
        periodic=periodic,
        worker_type="thread",
        initial_delay=0.05,
        max_delay=0.2,
        check_worker_health=False,
    )
    consumer._set_signal_handlers = lambda: None
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        huey.flush()


@pytest.fixture
def worker(kapso) -> Iterator[Consumer]:
    with running_worker() as consumer:
        yield consumer


def wait_until(check: Callable[[], object], timeout: float = 30.0, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"not true within {timeout} s: {check}")


@pytest.fixture
def agents(kapso):
    return agent_list_refresh()


@pytest.fixture
def make_testers(db) -> Callable[..., list[Tester]]:
    def make(count: int, *, email: bool = True, start: int = 0) -> list[Tester]:
        return [
            Tester.objects.create(
                name=f"Tester {n}",
                phone_number=PHONES[n],
                email=f"tester{n}@example.com" if email else "",
            )
            for n in range(start, start + count)
        ]

    return make


@pytest.fixture
def manager_client(client, charlie):
    """Staff may manage the team."""
    client.force_login(charlie)
    return client


class _Inbox:
    """What the SMTP server received: one entry per message, as the server saw it."""

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 Try again later"
        self.messages.append(envelope)
        return "250 OK"

    def bodies(self) -> list[str]:
        return [m.content.decode("utf-8", "replace") for m in self.messages]


@pytest.fixture
def smtp(settings) -> Iterator[_Inbox]:
    """A real SMTP server (aiosmtpd) on a port the OS picked; Django's SMTP backend uses it."""
    import socket

    from aiosmtpd.controller import Controller

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    class OnBoundSocket(Controller):
        def _create_server(self):
            return self.loop.create_server(self._factory_invoker, sock=listener)

    inbox = _Inbox()
    controller = OnBoundSocket(inbox, hostname="127.0.0.1", port=listener.getsockname()[1])
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
        listener.close()


@pytest.fixture
def open_group(charlie, agents, settings):
    """A group with its join link on (cap 20), made by staff; no minimum fill time, so the
    tests that are not about it need not wait."""
    from sandbox.team.models import TesterGroup

    settings.TEAM_JOIN_MIN_FILL_SECONDS = 0
    return TesterGroup.objects.create(
        name="Client pilot",
        agent_ids=[agents[0].kapso_id, agents[1].kapso_id],
        created_by=charlie,
        join_enabled=True,
        join_cap=20,
    )
