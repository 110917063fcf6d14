"""The team's doors to erasure (tester page, admin) and retention, on sandbox.privacy.

Erasing keeps the history's rows (so counts stay true) but blanks what identifies the
person everywhere it is declared (sandbox/privacy/, and this app's privacy_stores.py). The
erased Kapso ids are remembered so that `sync_kapso` and refreshes never store Kapso's copy
again (sandbox/erased.py asks `erased_kapso_ids`). Kapso keeps its own copy; only Kapso's
dashboard deletes it.
"""

from __future__ import annotations

from collections.abc import Collection

from sandbox import privacy
from sandbox.privacy import retention
from sandbox.team.models import ErasedKapsoSession, ErasureLog, Tester

CHUNK = 500
KAPSO_KEEPS_A_COPY = privacy.KAPSO_KEEPS_A_COPY


def erased_kapso_ids(kapso_ids: Collection[str]) -> set[str]:
    found: set[str] = set()
    ids = list(kapso_ids)
    for start in range(0, len(ids), CHUNK):
        found.update(
            ErasedKapsoSession.objects.filter(kapso_id__in=ids[start : start + CHUNK]).values_list(
                "kapso_id", flat=True
            )
        )
    return found


def erase_tester(tester: Tester, *, by=None, door: str = "the tester page") -> ErasureLog:
    """Remove the tester and every trace of their phone and e-mail; log what was done."""
    done = privacy.erase(privacy.Person(tester_ids={tester.pk}), by=by, door=door)
    return next(r for r in done.records if isinstance(r, ErasureLog))


def purge_retention(*, by=None) -> ErasureLog:
    """What has outlived its window goes (SANDBOX_RETENTION_DAYS and the others)."""
    done = retention.run(by=by)
    return next(r for r in done.records if isinstance(r, ErasureLog))
