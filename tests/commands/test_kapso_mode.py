"""`manage.py kapso_mode`: tells `make run` whether to start the bundled emulator."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_kapso_mode_follows_the_api_key(settings):
    settings.KAPSO_API_KEY = ""
    out = StringIO()
    call_command("kapso_mode", stdout=out)
    assert out.getvalue().strip() == "emulator"
    settings.KAPSO_API_KEY = "something"
    out = StringIO()
    call_command("kapso_mode", stdout=out)
    assert out.getvalue().strip() == "real"
