"""Logins kept in the database and cached in Redis, readable while Redis is down.

Django's cached_db store falls back to the database when the cache cannot be read, but then
writes the row back to the cache unguarded, so a Redis outage turned every logged-in page
into an error. Here the cache is only a speed-up: the write-back is skipped when it fails.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDbStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # the cache is down (or the key is invalid): read the database
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:  # only a speed-up
            logger.warning("session cache unreachable; login read from the database")
        return data
