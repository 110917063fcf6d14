"""Retention that runs by itself: the daily job (sandbox.team.jobs.purge_retention) asks every
declared store to let go of what has outlived its window. Windows are settings, shown on
/privacy/: SANDBOX_RETENTION_DAYS for history, the expiry of idempotency records and logins,
and the end of a session for its reminder."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sandbox import history
from sandbox.privacy import registry
from sandbox.privacy.erasure import Erasure, record_event, summary
from sandbox.privacy.person import Person

logger = logging.getLogger(__name__)


def run(*, now: datetime | None = None, by=None) -> Erasure:
    now = now or timezone.now()
    result = Erasure()
    for store in registry.stores():
        if store.retain is not None:
            with transaction.atomic():
                result.counts[store.name] = store.retain(now)
    with transaction.atomic():
        result.records = record_event("retention", Person(), result.counts, by, "retention")
    if any(result.counts.values()):
        history.bump()
    logger.info("retention: %s", summary(result.counts))
    return result
