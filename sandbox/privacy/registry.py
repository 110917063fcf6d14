"""The extension point: every store of personal data registers here, with what it holds, how
it is erased, how long it is kept, and the code that erases, exports and expires it.

`sandbox` declares its own stores (`declaration.py`); apps that `sandbox` must not import
(the team app, the API, and later accounts and join links) register theirs in their
`AppConfig.ready`:

    from sandbox import privacy
    privacy.register(privacy.Store(
        name="join links",
        columns=("join.JoinLink.email",),
        holds="the e-mail a tester typed",
        erased="deleted",
        kept="until the link is used or expires (JOIN_LINK_DAYS)",
        erase=lambda person: JoinLink.objects.filter(email__in=person.emails).delete()[0],
        export=lambda person: list(JoinLink.objects.filter(email__in=person.emails).values()),
        retain=lambda now: JoinLink.objects.filter(expires_at__lt=now).delete()[0],
    ))

`columns` names every text or JSON column the store covers ("app_label.Model.field"); the
declaration test fails on any such column of any installed app that no store names and no
`exempt()` excuses. A `resolver` widens the person before erasure (a tester's name and e-mail
once the phone is known); a `recorder` writes the audit row after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.privacy.person import Person

Eraser = Callable[[Person], int]
Exporter = Callable[[Person], list[dict[str, Any]]]
Retainer = Callable[[datetime], int]
Resolver = Callable[[Person], None]


@dataclass(frozen=True)
class Store:
    name: str
    holds: str  # what personal data, in words
    erased: str  # what erasure does to it, in words
    kept: str  # how long it is kept, in words
    columns: tuple[str, ...] = ()  # "app_label.Model.field" it covers
    erase: Eraser | None = None  # returns the rows changed
    export: Exporter | None = None
    retain: Retainer | None = None  # returns the rows changed
    order: int = 50  # erased in this order (low first): who finds rows before who blanks them


@dataclass
class Registry:
    stores: dict[str, Store] = field(default_factory=dict)
    exempt: dict[str, str] = field(default_factory=dict)
    resolvers: list[Resolver] = field(default_factory=list)
    recorders: list[Callable[..., None]] = field(default_factory=list)


_registry = Registry()


def register(*stores: Store) -> None:
    """Declare stores; registering one name again replaces it (app reloads in tests)."""
    for store in stores:
        _registry.stores[store.name] = store


def exempt(column: str, reason: str) -> None:
    """A text or JSON column that cannot hold personal data, and why."""
    _registry.exempt[column] = reason


def register_resolver(resolver: Resolver) -> None:
    if resolver not in _registry.resolvers:
        _registry.resolvers.append(resolver)


def register_recorder(recorder: Callable[..., None]) -> None:
    """`recorder(person=..., counts=..., by=..., door=...)` after each erasure, in its
    transaction; it must write no personal data (counts and who pressed the button)."""
    if recorder not in _registry.recorders:
        _registry.recorders.append(recorder)


def stores() -> list[Store]:
    return sorted(_registry.stores.values(), key=lambda store: (store.order, store.name))


def declared_columns() -> dict[str, str]:
    """Every declared column → the store that covers it."""
    return {column: store.name for store in stores() for column in store.columns}


def exemptions() -> dict[str, str]:
    return dict(_registry.exempt)


def resolvers() -> list[Resolver]:
    return list(_registry.resolvers)


def recorders() -> list[Callable[..., None]]:
    return list(_registry.recorders)
