"""Each hole found by probing (issue 11), proven closed over the real stack."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.urls import reverse

from sandbox import sharing
from sandbox.models import SandboxSession
from sandbox.phones import InvalidPhoneNumber, normalize_phone
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def test_the_public_share_page_asks_not_to_be_indexed(kapso, alice, client):
    token = sharing.share_link_create(make_session(alice))
    for url in (reverse("sandbox:shared", args=[token]), reverse("sandbox:shared", args=["x"])):
        response = client.get(url)
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


@pytest.mark.parametrize("page", ["create", "list", "detail", "qr_svg", "qr_png"])
def test_pages_with_phone_numbers_and_codes_are_not_stored(kapso, alice, alice_client, page):
    session = make_session(alice)
    args = [session.pk] if page in ("detail", "qr_svg", "qr_png") else []
    response = alice_client.get(reverse(f"sandbox:{page}", args=args))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_view_only_staff_cannot_refresh_from_kapso(kapso, alice, django_user_model, client):
    session = make_session(alice)
    viewer = django_user_model.objects.create_user("vera", password="vera-password-1")
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_sandboxsession"))
    client.force_login(viewer)
    url = reverse("admin:sandbox_sandboxsession_changelist")
    page = client.get(url).content.decode()
    assert 'value="export_csv"' in page  # export stays view-only
    assert 'value="refresh_from_kapso"' not in page
    before = SandboxSession.objects.get(pk=session.pk).last_synced_at
    client.post(url, {"action": "refresh_from_kapso", "_selected_action": [session.pk]})
    assert SandboxSession.objects.get(pk=session.pk).last_synced_at == before


def test_share_tokens_name_no_database_id(kapso, alice, client):
    session = make_session(alice)
    token = sharing.share_link_create(session)
    # The token is the random nonce, a timestamp and a signature: nothing else.
    assert signing.TimestampSigner(salt=sharing.SALT).unsign(token) == session.share_nonce
    assert "{" not in token and '"s"' not in token
    assert sharing.shared_session(token) == session
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert sharing.shared_session(forged) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("\uff0b1 415 555 2671", "+14155552671"),  # a fullwidth plus
        ("\uff0b\uff14\uff14 \uff12\uff10 7946 0958", "+442079460958"),  # and digits
    ],
)
def test_fullwidth_input_is_read_as_people_mean_it(typed, expected):
    assert normalize_phone(typed, None) == expected


@pytest.mark.parametrize("typed", ["+1 415 CALL NOW", "+1 415 555 267l"])
def test_letters_are_refused_not_read_as_keypad_digits(typed):
    with pytest.raises(InvalidPhoneNumber, match="letters are not read as digits"):
        normalize_phone(typed, None)


@pytest.mark.parametrize(
    "typed", ["+1 415 555 2671 ext. 123", "+1 415 555 2671 x123", "+1 415 555 2671 #12"]
)
def test_extensions_are_refused_with_words_not_dropped(typed):
    with pytest.raises(InvalidPhoneNumber, match="no extension"):
        normalize_phone(typed, None)
