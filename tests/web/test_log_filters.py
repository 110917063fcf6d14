"""sandbox/web/log_filters.py: the Kapso key is redacted from every log line, by the filter
and by the filter as settings.LOGGING attaches it to the console."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.test import Client
from django.urls import resolve

from sandbox import ensure
from sandbox.web.log_filters import REDACTED, RedactKapsoKey
from tests.conftest import TEST_API_KEY, console_output
from tests.processes import run_python


def record(msg, *args, exc_info=None):
    return logging.LogRecord("x", logging.ERROR, __file__, 1, msg, args, exc_info)


# --- the filter --------------------------------------------------------------------------
def test_key_in_a_message_or_its_args_is_redacted(settings):
    settings.KAPSO_API_KEY = "sekret-key-123"
    for rec in (record("key is sekret-key-123"), record("key is %s", "sekret-key-123")):
        RedactKapsoKey().filter(rec)
        assert rec.getMessage() == f"key is {REDACTED}"


def test_key_in_an_exception_is_redacted(settings):
    settings.KAPSO_API_KEY = "sekret-key-123"
    try:
        raise RuntimeError("boom sekret-key-123")
    except RuntimeError:
        rec = record("failed", exc_info=sys.exc_info())
    RedactKapsoKey().filter(rec)
    assert "sekret-key-123" not in logging.Formatter().format(rec)


def test_other_messages_pass_untouched(settings):
    settings.KAPSO_API_KEY = ""
    rec = record("hello %s", "world")
    assert RedactKapsoKey().filter(rec) and rec.getMessage() == "hello world"


# --- the filter where settings put it ------------------------------------------------------
def log_with_the_key(logger_name: str = "urllib3.connectionpool") -> None:
    """What a library might log: the key in a message, in its args, and in an exception."""
    logger = logging.getLogger(logger_name)
    logger.warning("header X-API-Key: " + TEST_API_KEY)
    logger.warning("sent %s to Kapso", TEST_API_KEY)
    try:
        raise ValueError(f"rejected key {TEST_API_KEY}")
    except ValueError:
        logger.exception("call failed")


def test_the_configured_console_redacts_a_line_carrying_the_key(settings):
    settings.KAPSO_API_KEY = TEST_API_KEY
    with console_output() as output:
        log_with_the_key()
    text = output.getvalue()
    assert "header X-API-Key: [redacted]" in text
    assert "sent [redacted] to Kapso" in text
    assert "ValueError: rejected key [redacted]" in text  # the traceback is still there
    assert TEST_API_KEY not in text


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_fresh_process_logs_no_key(log_format):
    """settings.LOGGING as a real process sets it up, with the key in the environment."""
    script = (
        "import django; django.setup(); "
        "from tests.web.test_log_filters import log_with_the_key; log_with_the_key()"
    )
    done = run_python(script, KAPSO_API_KEY=TEST_API_KEY, LOG_FORMAT=log_format)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    if log_format == "json":
        entries = [json.loads(line) for line in lines]
        said = [e["message"] for e in entries]
        assert said[:3] == [
            "header X-API-Key: [redacted]",
            "sent [redacted] to Kapso",
            "call failed",
        ]
        assert "ValueError: rejected key [redacted]" in entries[2]["exception"]
    else:
        assert any(line.endswith("header X-API-Key: [redacted]") for line in lines), lines
        assert any(line.endswith("sent [redacted] to Kapso") for line in lines), lines
        assert "ValueError: rejected key [redacted]" in done.stderr
    assert TEST_API_KEY not in done.stderr + done.stdout


@pytest.mark.django_db
def test_an_unexpected_error_carrying_the_key_is_logged_redacted(
    kapso, alice, settings, monkeypatch
):
    """The second layer that keeps the key out of what admins read: a 500 that Django logs
    with its traceback (here an error whose text holds the key) reaches the log redacted."""
    settings.KAPSO_API_KEY = TEST_API_KEY

    def broken(**kwargs):
        raise RuntimeError(f"something echoed {TEST_API_KEY}")

    # Load the URLconf first: modules it imports (sandbox.ensure) bind the real function
    # by name, and must not keep the broken one after this test.
    resolve("/")
    # The create form's one service call (ensure.live_or_create, since issue 20).
    monkeypatch.setattr(ensure, "live_or_create", broken)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    with console_output() as output:
        response = client.post(
            "/", {"phone_number": "+14155552671", "agent_id": "agent-support-01"}
        )
    assert response.status_code == 500
    text = output.getvalue()
    assert "ERROR" in text and "django.request Internal Server Error: /" in text
    assert "RuntimeError: something echoed [redacted]" in text
    assert TEST_API_KEY not in text


# --- personal data (issue 19) -------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        '"GET /sessions/?phone=%2B44+7911+123456 HTTP/1.1" 200 1234',
        '"GET /api/v1/sessions?phone=447911123456&status=active HTTP/1.1" 200 99',
        '"GET /accounts/login/?next=/sessions/%3Fphone%3D%252B44%2B7911%2B123456 HTTP/1.1" 200 1',
        '"GET /sessions/?q=ann%40example.com HTTP/1.1" 200 1',
        "Kapso said: the number +44 7911 123456 cannot use the sandbox",
        "mail for ann@example.com refused",
    ],
)
def test_phone_numbers_and_email_addresses_are_redacted(line):
    from sandbox.web.log_filters import REDACTED, redact_personal

    redacted = redact_personal(line)
    assert REDACTED in redacted
    for leak in ("7911", "123456", "example.com"):
        assert leak not in redacted


@pytest.mark.parametrize(
    "path",
    ["/join/kJ3x9QpZr2Ls/", "/renew/AbC.def-123:xyz/", "/share/q8Zt0Lm4Yp/?x=1"],
)
def test_the_secret_of_a_join_renew_or_share_link_is_not_written(path):
    from sandbox.web.log_filters import REDACTED, redact_personal

    secret = path.split("/")[2]
    line = f"Bad Request: {path}"
    redacted = redact_personal(line)
    assert secret not in redacted and REDACTED in redacted
    assert redacted.startswith("Bad Request: /" + path.split("/")[1] + "/")


def test_what_is_not_personal_is_left_alone():
    from sandbox.web.log_filters import redact_personal

    for line in (
        '"GET /sessions/?page=2&status=active HTTP/1.1" 200 5321',
        '"GET /sessions/12345678/ HTTP/1.1" 200 5321',
        "2026-12-04 17:20:13,123 INFO [abc] sandbox.sync sync: 100 new",
    ):
        assert redact_personal(line) == line


def test_the_console_handler_redacts_request_lines():
    with console_output() as out:
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /sessions/?phone=%2B14155552671 HTTP/1.1", "200", "12"
        )
    assert "14155552671" not in out.getvalue() and "phone=[redacted]" in out.getvalue()
