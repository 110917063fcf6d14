"""sandbox/api/views/problem_codes.py: the one table of the problems each operation may
answer. That each listed code really happens is proved through a generated client
(tests/api/test_generated_client.py); that no unlisted one does, by every API test
(tests/api/conftest.py `declared`) and schemathesis (tests/api/test_api.py)."""

from __future__ import annotations

from sandbox.api.api import api
from sandbox.api.problems import KINDS
from sandbox.api.schemas import Problem
from sandbox.api.views.problem_codes import MAY_ANSWER, codes_by_status, problem_responses


def test_every_operation_has_its_row_and_every_code_is_known():
    operations = {
        op["operationId"]
        for ops in api.get_openapi_schema()["paths"].values()
        for op in ops.values()
    }
    assert set(MAY_ANSWER) == operations
    listed = {code for codes in MAY_ANSWER.values() for code in codes}
    assert listed == set(KINDS)  # no code is listed that does not exist, or never answered
    for op, codes in MAY_ANSWER.items():
        assert len(codes) == len(set(codes)), op


def test_codes_are_grouped_by_their_status_in_order():
    assert codes_by_status("wait_for_session") == {
        400: ["invalid_request"],
        401: [
            "token_missing",
            "token_invalid",
            "token_revoked",
            "token_expired",
            "account_inactive",
        ],
        404: ["not_found"],
        405: ["method_not_allowed"],
        409: ["session_expired"],
        500: ["internal_error"],
        503: ["service_unavailable"],
    }
    assert 400 in codes_by_status("session_qr_png")
    assert "invalid_phone" not in codes_by_status("session_qr_png")[400]


def test_problem_responses_is_what_a_view_passes_to_response():
    assert problem_responses("list_agents") == dict.fromkeys((400, 401, 405, 500, 503), Problem)
