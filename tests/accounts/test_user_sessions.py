"""allauth's user sessions as configured: a person sees where they are signed in (with the
address and browser) and can end the other sessions, which are then signed out."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_see_and_end_ones_other_sessions(alice, bob):
    laptop = Client(HTTP_USER_AGENT="Laptop browser", REMOTE_ADDR="10.0.0.1")
    phone = Client(HTTP_USER_AGENT="Phone browser", REMOTE_ADDR="10.0.0.2")
    other = Client()
    for client, name in ((laptop, "alice"), (phone, "alice"), (other, "bob")):
        sign_in(client, name, f"{name}-password-1")
    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert "Laptop browser" in page and "Phone browser" in page and "10.0.0.2" in page
    assert UserSession.objects.filter(user=alice).count() == 2
    ended = laptop.post(reverse("usersessions_list"))
    assert ended.status_code == 302
    assert laptop.get(reverse("sandbox:create")).status_code == 200  # this one stays
    assert phone.get(reverse("sandbox:create")).status_code == 302  # the other is out
    assert other.get(reverse("sandbox:create")).status_code == 200  # nobody else's
