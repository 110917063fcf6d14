"""The dashboard's one way to write times and phones, as template filters:
`{{ moment|ago }}`, `|left`, `|expiry`, `|when` (sandbox/timewords.py) and `{{ e164|phone }}`
(sandbox/phones.format_phone: "+1 415-555-2671")."""

from __future__ import annotations

from django import template

from sandbox import timewords
from sandbox.phones import format_phone

register = template.Library()


@register.filter
def ago(moment) -> str:
    return timewords.time_ago(moment) if moment else ""


@register.filter
def left(moment) -> str:
    return timewords.time_left(moment) if moment else ""


@register.filter
def expiry(moment) -> str:
    return timewords.expiry_words(moment) if moment else ""


@register.filter
def when(moment) -> str:
    return timewords.when(moment) if moment else ""


@register.filter
def phone(e164) -> str:
    return format_phone(e164) if e164 else ""
