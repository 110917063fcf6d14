"""manage.py flush_kapso_usage: the cron way to save the quota history."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from sandbox import usage
from sandbox.models import KapsoUsageHour

pytestmark = pytest.mark.django_db


def test_saves_what_the_cache_counted():
    usage.count("calls")
    usage.count("waits")
    out = StringIO()
    call_command("flush_kapso_usage", stdout=out)
    assert "1 hour(s)" in out.getvalue()
    row = KapsoUsageHour.objects.get()
    assert (row.calls, row.waits) == (1, 1)
