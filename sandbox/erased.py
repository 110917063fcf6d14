"""Kapso sessions whose personal data was erased: never stored again from Kapso's copy.

Kapso keeps its own copy (deleted in Kapso's dashboard only), so a sync or a refresh
would bring an erased phone number back. They ask `erased(ids)` first. The team app keeps
the list (sandbox.team.erasure) and registers its look-up here, so that sandbox/ imports
nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

Lookup = Callable[[Collection[str]], set[str]]
_lookups: list[Lookup] = []


def register(lookup: Lookup) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def erased(kapso_ids: Collection[str]) -> set[str]:
    """Those of `kapso_ids` that must not be stored again."""
    if not kapso_ids:
        return set()
    found: set[str] = set()
    for lookup in _lookups:
        found |= lookup(kapso_ids)
    return found
