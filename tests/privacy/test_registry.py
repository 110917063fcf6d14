"""sandbox/privacy/registry.py: the extension point later doors register their stores in."""

from __future__ import annotations

import pytest

from sandbox import privacy
from sandbox.privacy import registry


@pytest.fixture
def fresh(monkeypatch):
    empty = registry.Registry()
    monkeypatch.setattr(registry, "_registry", empty)
    return empty


def test_a_store_registered_again_replaces_itself_and_stores_come_in_their_order(fresh):
    late = privacy.Store(
        "join links", "e-mail", "deleted", "a week", ("join.Link.email",), order=60
    )
    early = privacy.Store("accounts", "names", "deleted", "until deleted", order=5)
    privacy.register(late, early)
    privacy.register(late)
    assert [s.name for s in privacy.stores()] == ["accounts", "join links"]
    assert registry.declared_columns() == {"join.Link.email": "join links"}


def test_exemptions_resolvers_and_recorders_are_kept_once(fresh):
    def resolver(person):
        return None

    privacy.exempt("join.Link.token", "a random token")
    privacy.register_resolver(resolver)
    privacy.register_resolver(resolver)
    privacy.register_recorder(print)
    privacy.register_recorder(print)
    assert registry.exemptions() == {"join.Link.token": "a random token"}
    assert registry.resolvers() == [resolver] and registry.recorders() == [print]
