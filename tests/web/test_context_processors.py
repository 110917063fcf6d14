"""sandbox/web/context_processors.py: every page says when its data is not from Kapso."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_demo_banner_only_in_demo_mode(client, settings):
    settings.KAPSO_DEMO_MODE = True
    assert "Demo mode" in client.get(reverse("account_login")).content.decode()
    settings.KAPSO_DEMO_MODE = False
    assert "Demo mode" not in client.get(reverse("account_login")).content.decode()


def test_the_banner_is_on_the_pages_behind_the_login_too(kapso, alice_client, settings):
    settings.KAPSO_DEMO_MODE = True
    for url in ("/", "/sessions/"):
        assert "Demo mode" in alice_client.get(url).content.decode(), url
