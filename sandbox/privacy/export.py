"""Access, not only erasure: everything the dashboard holds about one person, as JSON-ready
data (what, where, since when). The download is recorded without the number."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sandbox.privacy import registry
from sandbox.privacy.erasure import record_event, resolve
from sandbox.privacy.person import Person


def export(person: Person, *, by=None, door: str) -> dict[str, Any]:
    resolve(person)
    stores = []
    for store in registry.stores():
        rows = store.export(person) if store.export is not None else []
        stores.append(
            {
                "store": store.name,
                "where": list(store.columns),
                "holds": store.holds,
                "kept": store.kept,
                "rows": rows,
            }
        )
    record_event("export", person, {s["store"]: len(s["rows"]) for s in stores}, by, door)
    return {
        "generated_at": timezone.now(),
        "phone_number": person.phone,
        "names": sorted(person.names),
        "emails": sorted(person.emails),
        "stores": stores,
        "not_here": "Kapso keeps its own copy of the sessions; ask Kapso for it.",
    }
