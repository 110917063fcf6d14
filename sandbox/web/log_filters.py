"""Logging filters: the Kapso API key and personal data never reach a log line."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

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


# --- personal data ------------------------------------------------------------------------
# Request lines carry query strings (`/sessions/?phone=%2B44+7700+900123`), and errors may
# quote what was typed. One place redacts both, for Django's loggers (the filter below, on
# the console handler) and for gunicorn's access log (sandbox/web/gunicorn_logging.py).
_EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# A query parameter's value, up to the next & or the end of the request target.
_QUERY_VALUE = re.compile(r"([?&][^=&\s\"']+=)([^&\s\"']*)")
# A phone number written out: + or 00 or %2B, then digits with the usual separators.
_PHONE = re.compile(r"(?:\+|%2B|\b00)\d(?:[\d\s().-]|%20|\+){6,}\d", re.IGNORECASE)
_DIGITS_IN_VALUE = 7
# Links that work for whoever holds them (a group's join link, a reminder's renew link, a
# share link): their secret part is as good as a password, so it is never written either.
_CAPABILITY_PATH = re.compile(r"(/(?:join|renew|share)/)([^/?#\s\"']+)")


def _looks_personal(value: str) -> bool:
    # Decoded until it stops changing: a login redirect's `next=` carries the original
    # query string encoded once more (`next=/sessions/%3Fphone%3D%252B44…`).
    decoded = value
    for _ in range(4):
        decoded, before = unquote_plus(decoded), decoded
        if decoded == before:
            break
        if "@" in decoded or redact_personal(decoded) != decoded:
            return True
    digits = sum(ch.isdigit() for ch in decoded)
    return digits >= _DIGITS_IN_VALUE and not re.search(r"[^\d\s().+-]", decoded)


def redact_personal(text: str) -> str:
    """`text` without phone numbers or e-mail addresses (query values, written out), nor
    the secret part of a join, renew or share link."""
    text = _QUERY_VALUE.sub(
        lambda m: m.group(1) + (REDACTED if _looks_personal(m.group(2)) else m.group(2)), text
    )
    text = _EMAIL.sub(REDACTED, text)
    text = _CAPABILITY_PATH.sub(lambda m: m.group(1) + REDACTED, text)
    return _PHONE.sub(REDACTED, text)


class RedactPersonalData(logging.Filter):
    """Nothing personal in a log line: request lines, messages and their tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_personal(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1]:
            # Built on what an earlier filter left (the Kapso key already redacted).
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact_personal(text)
        return True
