"""sandbox/api/origins.py: which token made a session; a session keeps its first maker."""

from __future__ import annotations

import pytest

from sandbox.api.models import ApiSessionOrigin
from sandbox.api.origins import record_origin
from sandbox.api.tokens import token_create, token_revoke
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def test_the_first_token_stays_the_maker_and_its_name_outlives_it(kapso, alice):
    session = make_session(alice)
    first = token_create(user=alice, name="ci", expires_in=None).token
    second = token_create(user=alice, name="other", expires_in=None).token
    record_origin(session, first)
    record_origin(session, second)
    origin = ApiSessionOrigin.objects.get(session=session)
    assert (origin.token, origin.token_name) == (first, "ci")
    token_revoke(first)
    first.delete()
    origin.refresh_from_db()
    assert (origin.token, origin.token_name) == (None, "ci")
