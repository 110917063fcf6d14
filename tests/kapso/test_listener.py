"""sandbox/kapso/listener.py: the protocol the client tells, and the one listener the app
plugs in (sandbox.usage.UsageListener) answers every event of it."""

from __future__ import annotations

import inspect

from sandbox.gateway import get_client
from sandbox.kapso.listener import CallListener
from sandbox.usage import UsageListener


def _events(cls) -> dict[str, list[str]]:
    return {
        name: list(inspect.signature(fn).parameters)
        for name, fn in vars(cls).items()
        if not name.startswith("_") and callable(fn)
    }


def test_the_apps_listener_has_every_event_with_its_arguments():
    assert _events(CallListener) == _events(UsageListener)
    assert set(_events(CallListener)) == {"called", "refused", "waited"}


def test_the_gateways_client_is_given_it(settings):
    settings.KAPSO_API_KEY = "listener-test-key"
    assert isinstance(get_client().listener, UsageListener)
