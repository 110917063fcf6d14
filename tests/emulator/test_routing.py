"""kapso_emulator/routing.py: method + path templates, and the request's query and JSON body."""

from __future__ import annotations

import pytest

from kapso_emulator.errors import ApiError
from kapso_emulator.routing import Reply, Request, Router


def handler_a(app, request):
    return Reply(200, {"a": True})


def handler_b(app, request):
    return Reply(200, {"b": True})


ROUTER = Router(
    [("get", "/things", handler_a), ("GET", "/things/{thing_id}", handler_b)], prefix="/api/v1"
)


def request(body: bytes = b"", query: dict | None = None) -> Request:
    return Request("POST", "/", query or {}, {}, body, "127.0.0.1")


def test_a_template_matches_one_segment_and_decodes_it():
    assert ROUTER.match("GET", "/api/v1/things") == (handler_a, {})
    assert ROUTER.match("GET", "/api/v1/things/a%20b") == (handler_b, {"thing_id": "a b"})


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/things"),
        ("GET", "/api/v1/things/a/b"),
        ("GET", "/things"),
        ("GET", "/api/v1/thingsX"),
    ],
)
def test_another_method_a_deeper_path_or_no_prefix_is_no_match(method, path):
    assert ROUTER.match(method, path) is None


def test_template_characters_are_literal():
    router = Router([("GET", "/a.b", handler_a)])
    assert router.match("GET", "/a.b") and router.match("GET", "/aXb") is None


def test_the_last_of_a_repeated_query_value_wins():
    assert request(query={"page": ["1", "3"]}).query_value("page") == "3"
    assert request().query_value("page") is None


def test_the_body_must_be_a_json_object():
    assert request(b'{"a": 1}').json_object() == {"a": 1}
    for bad in (b"", b"  ", b"[1]", b"{nope", b"\xff\xfe", b"[" * 100_000):
        with pytest.raises(ApiError) as refused:
            request(bad).json_object()
        assert refused.value.status == 400
