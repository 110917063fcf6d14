"""Template context every page needs."""

from django.conf import settings


def kapso_mode(request):
    # Pages say when their data comes from the local emulator, so nobody mistakes a demo
    # code for a real one.
    return {"kapso_demo_mode": settings.KAPSO_DEMO_MODE}
