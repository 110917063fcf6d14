"""sandbox/api/views/common.py: what the token's owner may see, and unknown query parameters
refused with a message. (The problems an operation lists moved to problem_codes.py, proved
by test_problem_codes.py.)"""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from sandbox.api.problems import ApiProblem
from sandbox.api.views.common import only_query, visible_session
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def request_of(user, query: str = ""):
    request = RequestFactory().get(f"/api/v1/sessions/1{query}")
    request.user = user
    return request


def test_a_session_is_visible_to_its_maker_and_staff_only(kapso, alice, bob, charlie):
    session = make_session(alice)
    assert visible_session(request_of(alice), session.pk) == session
    assert visible_session(request_of(charlie), session.pk) == session  # staff
    with pytest.raises(ApiProblem) as refused:
        visible_session(request_of(bob), session.pk)
    # Not "forbidden": another person's session is not found, so its existence is not told.
    assert refused.value.code == "not_found"


def test_a_missing_session_is_not_found(alice):
    with pytest.raises(ApiProblem) as refused:
        visible_session(request_of(alice), 999_999)
    assert refused.value.code == "not_found"


def test_known_query_parameters_pass(alice):
    only_query(request_of(alice, "?timeout=5"), "timeout")
    only_query(request_of(alice))


def test_an_unknown_query_parameter_is_refused_by_name(alice):
    with pytest.raises(ApiProblem) as refused:
        only_query(request_of(alice, "?timout=5&zz=1"), "timeout")
    problem = refused.value
    assert problem.code == "invalid_request"
    assert "“timout”" in problem.detail and "takes timeout" in problem.detail
    assert [e["field"] for e in problem.extra["errors"]] == ["timout", "zz"]


def test_an_operation_without_parameters_says_so(alice):
    with pytest.raises(ApiProblem) as refused:
        only_query(request_of(alice, "?page=2"))
    assert "takes no query parameters" in refused.value.detail
