"""A logging filter that keeps the Kapso API key out of every log line."""

from __future__ import annotations

import logging

from django.conf import settings

REDACTED = "[redacted]"


class RedactKapsoKey(logging.Filter):
    """Last line of defence: nothing of ours logs the key, but a library might."""

    def filter(self, record: logging.LogRecord) -> bool:
        key = getattr(settings, "KAPSO_API_KEY", "")
        if key and len(key) >= 4:
            message = record.getMessage()
            if key in message:
                record.msg = message.replace(key, REDACTED)
                record.args = None
            if record.exc_info and record.exc_info[1] and key in str(record.exc_info[1]):
                record.exc_text = (
                    logging.Formatter().formatException(record.exc_info).replace(key, REDACTED)
                )
        return True
