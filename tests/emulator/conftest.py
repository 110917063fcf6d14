"""Fixtures for the emulator's own tests: fresh emulators on ports the OS picks, a fake clock.

`emulator` here shadows the suite-wide session emulator of tests/conftest.py: these tests
need one per test, with a clock they control.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kapso_emulator import EmulatorServer
from tests.emulator.helpers import FakeClock


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., EmulatorServer]]:
    servers = []

    def make(**kwargs) -> EmulatorServer:
        kwargs.setdefault("port", 0)
        srv = EmulatorServer(**kwargs).start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(make_emulator, clock) -> EmulatorServer:
    return make_emulator(clock=clock)
