import logging

from sandbox.web.log_filters import REDACTED, RedactKapsoKey


def record(msg, *args, exc_info=None):
    return logging.LogRecord("x", logging.ERROR, __file__, 1, msg, args, exc_info)


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
        import sys

        rec = record("failed", exc_info=sys.exc_info())
    RedactKapsoKey().filter(rec)
    assert "sekret-key-123" not in logging.Formatter().format(rec)


def test_other_messages_pass_untouched(settings):
    settings.KAPSO_API_KEY = ""
    rec = record("hello %s", "world")
    assert RedactKapsoKey().filter(rec) and rec.getMessage() == "hello world"
