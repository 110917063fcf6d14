"""sandbox/web/gunicorn_logging.py: gunicorn's access log (`make serve`) without phone numbers
or e-mail addresses, redacted by the same function as Django's log lines."""

from __future__ import annotations

from pathlib import Path


def test_gunicorns_access_log_is_redacted_by_the_logger_class_make_serve_names():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from sandbox.web.gunicorn_logging import RedactingLogger

    script = (Path(__file__).resolve().parents[2] / "scripts" / "serve.sh").read_text()
    assert "--logger-class sandbox.web.gunicorn_logging.RedactingLogger" in script
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/sessions/?phone=%2B14155552671",
        "PATH_INFO": "/sessions/",
        "QUERY_STRING": "phone=%2B14155552671&q=ann%40example.com",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "http://x/sessions/?phone=%2B14155552671",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(seconds=1))
    for name in ("r", "q", "f"):
        assert "14155552671" not in atoms[name] and "example.com" not in atoms[name], name
