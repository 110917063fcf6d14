"""Kapso sessions whose personal data was erased: never stored again from Kapso's copy.

Kapso keeps its own copy (deleted in Kapso's dashboard only), so a sync or a refresh
would bring an erased phone number back. They ask here first: `erased(ids)` (refresh) and
`erased_items(items)` (sync, which also sees the phone). A session is erased when its row
was blanked (`SandboxSession.erased_at`, by erasure or retention), when a registered look-up
says so (the team app keeps the ids of rows it no longer has, sandbox.team.erasure), or when
its phone was erased after Kapso made it (sandbox.privacy: a keyed hash, never the number).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

Lookup = Callable[[Collection[str]], set[str]]
_lookups: list[Lookup] = []


def register(lookup: Lookup) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def erased(kapso_ids: Collection[str]) -> set[str]:
    """Those of `kapso_ids` that must not be stored again."""
    from sandbox.models import SandboxSession

    if not kapso_ids:
        return set()
    found = set(
        SandboxSession.objects.filter(
            kapso_id__in=list(kapso_ids), erased_at__isnull=False
        ).values_list("kapso_id", flat=True)
    )
    for lookup in _lookups:
        found |= lookup(kapso_ids)
    return found


def erased_items(items: Iterable[Any]) -> set[str]:
    """Ids of Kapso's sessions (as parsed) that must not be stored: erased ones, and those of
    an erased phone made before its erasure."""
    from sandbox.privacy.erasure import phones_erased_before

    items = list(items)
    return erased([item.id for item in items]) | phones_erased_before(items)
