"""The dashboard's own errors: conditions of its services, not failures of Kapso's API.

Views and the API show `message` as it is, beside a `KapsoError`'s. Each is raised where
the fact is known and never edited afterwards.

It also re-exports the Kapso client's error kinds under their own names: a door (a view,
the API, the admin, a command) takes them from here, because the import contracts
(pyproject.toml) forbid a door to import `sandbox.kapso` itself.
"""

from __future__ import annotations

# Every error kind of the client (sandbox.kapso.errors.__all__), for the doors.
from sandbox.kapso.errors import *  # noqa: F403
from sandbox.kapso.errors import KapsoError


class ServiceError(Exception):
    """Base of the services' own errors; `message` is fit to show a person."""

    kind = "service"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CreateOutcomeUnknown(ServiceError):
    """Kapso may have made the session, but its answer was lost and the look-up found none.

    `cause` is the client's error that lost the answer.
    """

    kind = "outcome_unknown"

    def __init__(self, message: str, *, cause: KapsoError | None = None) -> None:
        super().__init__(message)
        self.cause = cause


class CreateInProgress(ServiceError):
    """The same create is still waiting for Kapso in another request."""

    kind = "in_progress"


class LostSessionTaken(ServiceError):
    """The session matching a lost create already belongs to another teammate."""

    kind = "taken"


class IdempotencyKeyReused(ServiceError):
    """The same idempotency key came back with a different request."""

    kind = "key_reused"


#: What a view catches around a service call: everything a person can act on.
USER_FACING_ERRORS = (KapsoError, ServiceError)
