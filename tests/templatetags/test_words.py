"""sandbox/templatetags/words.py: the page filters write times and phones one way."""

from __future__ import annotations

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone


def render(text: str, **context) -> str:
    return Template("{% load words %}" + text).render(Context(context))


def test_ago_left_expiry_and_phone():
    now = timezone.now()
    assert render("{{ t|ago }}", t=now) == "just now"
    assert render("{{ t|ago }}", t=now - timedelta(minutes=5, seconds=5)) == "5 min ago"
    assert render("{{ t|left }}", t=now + timedelta(hours=2, seconds=30)) == "2 h 0 min left"
    gone = now - timedelta(hours=1, seconds=5)
    assert render("{{ t|expiry }}", t=gone) == "expired 1 h 0 min ago"
    assert render("{{ p|phone }}", p="+14155552671") == "+1 415-555-2671"
    assert render("{{ p|phone }}", p="+442079460958") == "+44 20 7946 0958"


def test_nothing_in_nothing_out():
    assert render("{{ t|ago }}{{ t|left }}{{ t|expiry }}{{ t|when }}{{ t|phone }}", t=None) == ""
