"""Sessions' bulk writes announce themselves, as saves and deletes do through Django.

`QuerySet.update()`, `bulk_update()` and `bulk_create()` send no signal, so a cache
keyed by "sessions changed" (the history's version, sandbox/history.py) would miss them.
Every bulk write of sessions goes through this queryset and sends `sessions_written`
once it has run. (The session page needs none of this: its rows carry a version the
database moves, migration 0012.)
"""

from __future__ import annotations

from django.db import models
from django.dispatch import Signal

# Sent after a bulk write of sessions; receivers take `sender` (the model) and **kwargs.
sessions_written = Signal()


class SessionQuerySet(models.QuerySet):
    # `bulk_update` writes through `update` (once per batch), so it says so through it.
    def update(self, **kwargs):
        rows = super().update(**kwargs)
        sessions_written.send(sender=self.model)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        made = super().bulk_create(objs, *args, **kwargs)
        sessions_written.send(sender=self.model)
        return made
