"""sandbox/web/request_id.py: every request has an id, taken from a safe X-Request-ID or made,
sent back on the response, and written on every log line the request causes, the Kapso
client's lines included."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from sandbox.web.request_id import HEADER, JsonFormatter, RequestIdFilter
from tests.conftest import TEST_API_KEY, console_output
from tests.processes import run_python

pytestmark = pytest.mark.django_db


def test_each_response_gets_a_fresh_id(client):
    first = client.get("/healthz")[HEADER]
    second = client.get("/accounts/login/")[HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second


@pytest.mark.parametrize(
    "given", ["3f2c9a1e-5b7d-4c2e-9f0a-1b2c3d4e5f60", "Root=1-67891233-abcdef012345678912345678"]
)
def test_a_safe_incoming_id_is_kept(client, given):
    assert client.get("/healthz", headers={HEADER: given})[HEADER] == given


@pytest.mark.parametrize(
    "given",
    ["", "a b", "x\nforged log line", "a" * 129, "<script>", "-starts-with-a-dash", "ü-id"],
)
def test_an_unsafe_incoming_id_is_replaced(client, given):
    answered = client.get("/healthz", headers={HEADER: given})[HEADER]
    assert answered != given
    assert re.fullmatch(r"[0-9a-f]{32}", answered)


def test_the_kapso_call_log_line_names_the_request(kapso, alice_client):
    """The create page loads agents from Kapso: that call's log line carries the page's id."""
    with console_output() as output:
        response = alice_client.get("/", headers={HEADER: "req-from-the-proxy-42"})
    assert response.status_code == 200
    assert response[HEADER] == "req-from-the-proxy-42"
    lines = [line for line in output.getvalue().splitlines() if "kapso GET /agents -> 200" in line]
    assert len(lines) == 1, output.getvalue()
    assert "[req-from-the-proxy-42] sandbox.kapso kapso GET /agents -> 200 in" in lines[0]
    assert TEST_API_KEY not in output.getvalue()


def test_the_kapso_log_record_carries_the_generated_id(kapso, alice_client, caplog):
    caplog.set_level(logging.INFO, logger="sandbox.kapso")
    with console_output():
        response = alice_client.get("/")
    records = [r for r in caplog.records if r.getMessage().startswith("kapso GET /agents")]
    assert len(records) == 1
    # The same record object went through the console handler, whose filter stamped it.
    assert records[0].request_id == response[HEADER]


def test_a_4xx_logged_after_the_middleware_still_names_its_request(alice_client):
    with console_output() as output:
        response = alice_client.get("/sessions/999999/")
    assert response.status_code == 404
    assert f"WARNING [{response[HEADER]}] django.request Not Found: /sessions/999999/" in (
        output.getvalue()
    )


def test_outside_a_request_the_id_is_a_dash():
    with console_output() as output:
        logging.getLogger("sandbox.test").warning("no request here")
    assert "WARNING [-] sandbox.test no request here" in output.getvalue()


def test_json_lines_are_one_object_each_with_the_key_redacted(settings):
    settings.KAPSO_API_KEY = TEST_API_KEY
    from sandbox.web.log_filters import RedactKapsoKey

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactKapsoKey())
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("sandbox.json-test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.info("kapso GET /agents -> %s with %s", 401, TEST_API_KEY)
        try:
            raise RuntimeError(f"boom {TEST_API_KEY}\nsecond line")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2  # a multi-line traceback stays inside its one JSON line
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "kapso GET /agents -> 401 with [redacted]"
    assert first["request_id"] == "-" and first["level"] == "INFO"
    assert first["logger"] == "sandbox.json-test"
    assert "RuntimeError" in second["exception"]
    assert TEST_API_KEY not in stream.getvalue()


def test_log_format_json_setting_configures_the_console_handler():
    """A fresh process with LOG_FORMAT=json logs one JSON object per line on stderr."""
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('sandbox.kapso').info('kapso GET /agents -> 200 in 3 ms')"
    )
    done = run_python(script, LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stderr.strip().splitlines()[-1])
    assert entry["message"] == "kapso GET /agents -> 200 in 3 ms"
    assert entry["request_id"] == "-" and entry["logger"] == "sandbox.kapso"
