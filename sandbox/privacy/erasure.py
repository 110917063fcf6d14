"""The one erasure: a person (a phone number, a tester, later an account) is erased from
every declared store in one transaction, and the phone's keyed hash is remembered so that no
sync, refresh, retried job or replay brings Kapso's older copy back.

Every door calls this: the tester page and the admin (through sandbox.team.erasure), the
`erase_phone` command, and for an account (`Person(user_ids=...)`) the admin's User delete
and the `erase_account` command. Kapso keeps its own copy of
the sessions; only Kapso's dashboard deletes it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox import history
from sandbox.models import ErasedPhone
from sandbox.phones import normalize_phone
from sandbox.privacy import registry
from sandbox.privacy.keys import phone_hash
from sandbox.privacy.person import Person

logger = logging.getLogger(__name__)
KAPSO_KEEPS_A_COPY = "Kapso keeps its own copy of these sessions: delete them in Kapso's dashboard."
RESOLVE_ROUNDS = 3  # a tester gives a phone, a phone gives sessions: each round widens


@dataclass
class Erasure:
    counts: dict[str, int] = field(default_factory=dict)
    records: list[Any] = field(default_factory=list)  # what the recorders wrote (ErasureLog)

    def __getitem__(self, store: str) -> int:
        return self.counts.get(store, 0)


def resolve(person: Person) -> Person:
    """Widen the person until no resolver finds more (a tester's e-mail, their sessions)."""
    for _ in range(RESOLVE_ROUNDS):
        before = repr(person)
        for resolver in registry.resolvers():
            resolver(person)
        if repr(person) == before:
            break
    return person


def erase(person: Person, *, by=None, door: str) -> Erasure:
    """Erase `person` from every store; `door` names who asked ("tester page", "admin")."""
    result = Erasure()
    with transaction.atomic():
        resolve(person)
        for store in registry.stores():
            if store.erase is not None:
                result.counts[store.name] = store.erase(person)
        if person.phone:
            ErasedPhone.objects.update_or_create(
                digest=phone_hash(person.phone), defaults={"erased_at": timezone.now()}
            )
        result.records = record_event("erasure", person, result.counts, by, door)
    history.bump()
    logger.info("erasure through %s: %s", door, summary(result.counts))
    return result


def erase_phone(raw: str, *, by=None, door: str) -> Erasure:
    """Erase one phone number, typed in any common form (a tester with it goes too)."""
    phone = normalize_phone(raw, settings.PHONE_DEFAULT_REGION)
    return erase(Person(phone=phone), by=by, door=door)


def record_event(kind: str, person: Person, counts: dict[str, int], by, door: str) -> list[Any]:
    return [
        recorder(kind=kind, person=person, counts=counts, by=by, door=door)
        for recorder in registry.recorders()
    ]


def summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{name}: {count}" for name, count in counts.items() if count) or "nothing"


def phones_erased_before(items: Iterable[Any]) -> set[str]:
    """Ids of Kapso sessions (`id`, `phone_number`, `created_at`) whose phone was erased
    after Kapso made them. A session made after the erasure is anyone's new session."""
    items = [item for item in items if getattr(item, "phone_number", "")]
    digests = {item.id: phone_hash(item.phone_number) for item in items}
    erased_at = dict(
        ErasedPhone.objects.filter(digest__in=set(digests.values())).values_list(
            "digest", "erased_at"
        )
    )
    return {
        item.id
        for item in items
        if digests[item.id] in erased_at
        and (item.created_at is None or item.created_at <= erased_at[digests[item.id]])
    }
