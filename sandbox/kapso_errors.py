"""The one error type the Kapso client raises, and its kinds.

Every failure talking to Kapso becomes a `KapsoError` whose `message` is fit to show a
teammate as it is: it says what happened and what to do. Views catch `KapsoError` only.
No message ever carries the API key: the key lives in a request header, and no header
is ever copied into an error.
"""

from __future__ import annotations


class KapsoError(Exception):
    """Base of every failure talking to Kapso."""

    #: Short machine-readable kind, stored on failed attempts and shown in the admin.
    kind = "error"
    #: True when the request may have reached Kapso and been carried out all the same.
    maybe_sent = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class KapsoConfigurationError(KapsoError):
    kind = "configuration"


class _OutcomeUnknown(KapsoError):
    """A failure after which the request may have reached Kapso and been carried out."""

    def __init__(self, message: str, *, maybe_sent: bool = True) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


class KapsoConnectionError(_OutcomeUnknown):
    kind = "connection"


class KapsoTimeoutError(_OutcomeUnknown):
    kind = "timeout"


class KapsoAuthError(KapsoError):
    kind = "auth"


class KapsoNotFoundError(KapsoError):
    """The thing asked for (an agent, a session) does not exist at Kapso."""

    kind = "not_found"


class KapsoUnavailableError(KapsoError):
    """The sandbox API itself is not offered (404 on the endpoint, or 410 Gone)."""

    kind = "unavailable"


class KapsoValidationError(KapsoError):
    kind = "validation"


class KapsoRateLimitedError(KapsoError):
    kind = "rate_limited"

    def __init__(self, message: str, *, status: int | None = 429, retry_after: int | None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class KapsoServerError(KapsoError):
    kind = "server"


class KapsoResponseError(KapsoError):
    """Kapso answered, but not with something we can trust (garbage, wrong shape)."""

    kind = "bad_response"
