"""gunicorn's access log without phone numbers or e-mail addresses (`make serve`).

gunicorn formats its access lines itself, outside Django's logging, so its request line,
query string and referrer are redacted here by the same function as Django's log lines
(log_filters.redact_personal). `make serve` passes `--logger-class` naming this class.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from sandbox.web.log_filters import redact_personal


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str):
                atoms[name] = redact_personal(value)
        if atoms.get("q"):  # the bare query string, without its "?"
            atoms["q"] = redact_personal("?" + atoms["q"])[1:]
        return atoms
