"""The one error type the Kapso client raises, its kinds, and how an answer becomes one.

Every failure talking to Kapso becomes a `KapsoError` whose `message` is fit to show a
teammate as it is: it says what happened and what to do. Each error is made once, where
the fact is known, and never edited afterwards. No message carries the API key: the key
lives in a request header, no header is copied into an error, and Kapso's own words are
redacted before a message is built from them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

# The kinds a caller may catch, listed once: `sandbox.kapso` and `sandbox.errors` (for the
# doors, which may not import this package) re-export exactly these.
__all__ = [
    "KapsoAuthError",
    "KapsoBudgetUnavailable",
    "KapsoConfigurationError",
    "KapsoConnectionError",
    "KapsoError",
    "KapsoNotFoundError",
    "KapsoQuotaError",
    "KapsoRateLimitedError",
    "KapsoResponseError",
    "KapsoServerError",
    "KapsoTimeoutError",
    "KapsoUnavailableError",
    "KapsoValidationError",
]

DEFAULT_RETRY_AFTER = 60
# A gateway's error says nothing about whether Kapso behind it did the work.
GATEWAY_MAYBE_SENT = frozenset({502, 504})


class KapsoError(Exception):
    """Base of every failure talking to Kapso."""

    #: Short machine-readable kind, stored on failed attempts and shown in the admin.
    kind = "error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    @property
    def maybe_sent(self) -> bool:
        """True when the request may have reached Kapso and been carried out all the same."""
        return False

    def __str__(self) -> str:
        return self.message


class KapsoConfigurationError(KapsoError):
    kind = "configuration"


class _OutcomeUnknown(KapsoError):
    """A failure after which the request may have reached Kapso and been carried out."""

    def __init__(self, message: str, *, maybe_sent: bool = True) -> None:
        super().__init__(message)
        self._maybe_sent = maybe_sent

    @property
    def maybe_sent(self) -> bool:
        return self._maybe_sent


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


class KapsoQuotaError(KapsoRateLimitedError):
    """Our own budget for the key (sandbox/kapso/quota.py) says no: no call was made."""

    kind = "quota"

    def __init__(self, message: str, *, whose: str, retry_after: int) -> None:
        super().__init__(message, status=None, retry_after=retry_after)
        self.whose = whose


class KapsoBudgetUnavailable(KapsoError):
    """The budget's store (the shared cache) is down: limits cannot be checked, so no call."""

    kind = "budget_unavailable"


class KapsoServerError(KapsoError):
    kind = "server"

    @property
    def maybe_sent(self) -> bool:
        return self.status in GATEWAY_MAYBE_SENT


class KapsoResponseError(KapsoError):
    """Kapso answered, but not with something we can trust (garbage, wrong shape).

    Unless its status says Kapso refused (a redirect, a 4xx), the request may have been
    carried out: garbage after a 2xx most likely was.
    """

    kind = "bad_response"

    @property
    def maybe_sent(self) -> bool:
        return self.status is None or 200 <= self.status < 300


# --- making errors ---------------------------------------------------------------------
def timeout_error(seconds: float, *, maybe_sent: bool = True) -> KapsoTimeoutError:
    return KapsoTimeoutError(
        f"Kapso did not answer within {seconds:g} s. Try again in a moment.",
        maybe_sent=maybe_sent,
    )


def too_large_error() -> KapsoResponseError:
    return KapsoResponseError(
        "Kapso sent an answer far larger than expected, so the dashboard refused it. "
        "Nothing was saved; check KAPSO_API_BASE_URL."
    )


def quota_error(whose: str, wait: int, limit: int) -> KapsoQuotaError:
    if whose == "person":
        message = f"You have created {limit} sessions this minute; try again in {wait} s."
    elif whose == "watcher":
        message = f"Your pages have checked Kapso {limit} times this minute; next in {wait} s."
    elif whose == "join":
        message = f"Many people are joining right now; try again in {wait} s."
    elif whose == "team":
        message = f"The team's Kapso quota for this minute is used up; try again in {wait} s."
    else:
        message = f"Kapso is rate-limiting this API key; try again in {wait} s."
    return KapsoQuotaError(message, whose=whose, retry_after=wait)


def budget_unavailable_error() -> KapsoBudgetUnavailable:
    return KapsoBudgetUnavailable(
        "The dashboard cannot reach its cache (Redis), so it cannot check limits; try again "
        "in a minute."
    )


def error_for_status(
    status: int, headers: Mapping[str, str], body: Any, path: str, *, secret: str = ""
) -> KapsoError:
    """The error for a non-2xx answer; Kapso's own words are quoted with `secret` removed."""
    detail = error_detail(body, secret=secret)
    said = f" Kapso said: {detail}" if detail else ""
    if 300 <= status < 400:
        return KapsoResponseError(
            f"Kapso answered with a redirect (HTTP {status}), which the dashboard does not "
            "follow. Check KAPSO_API_BASE_URL.",
            status=status,
        )
    if status in (401, 403):
        return KapsoAuthError(
            f"Kapso refused the API key (HTTP {status}). Check KAPSO_API_KEY in the "
            "dashboard's settings.",
            status=status,
        )
    if status == 410 or (status == 404 and not _names_a_resource(detail)):
        return KapsoUnavailableError(
            f"This Kapso account does not offer sandbox sessions through the API (HTTP "
            f"{status} on {path}). Check KAPSO_API_BASE_URL, or create the session in "
            "Kapso's own dashboard.",
            status=status,
        )
    if status == 404:
        return KapsoNotFoundError(
            f"Kapso could not find that.{said} Reload the agent list and pick again.",
            status=status,
        )
    if status == 429:
        wait = retry_after_seconds(headers)
        return KapsoRateLimitedError(
            f"Kapso is rate-limiting this API key; try again in {wait} s.",
            retry_after=wait,
        )
    if status in (400, 422):
        hint = said or " Check the phone number and agent."
        return KapsoValidationError(
            f"Kapso did not accept the request (HTTP {status}).{hint}", status=status
        )
    if status >= 500:
        return KapsoServerError(
            f"Kapso had a problem on its side (HTTP {status}). Try again in a minute; if it "
            "persists, check Kapso's status page.",
            status=status,
        )
    return KapsoResponseError(f"Kapso answered with unexpected HTTP {status}.{said}", status=status)


def _names_a_resource(detail: str) -> bool:
    # Kapso's documented 404s name what is missing ("Agent not found"); a bare
    # "Not Found" or an HTML page means the endpoint itself is gone.
    text = detail.lower()
    return "agent" in text or "session" in text


def error_detail(body: Any, *, secret: str = "") -> str:
    """Kapso's own words from an error body (`error`, `message`, `errors`), safe to show."""
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    for key in ("error", "message"):
        if isinstance(body.get(key), str):
            parts.append(body[key])
    errors = body.get("errors")
    if isinstance(errors, dict):
        for field, msgs in errors.items():
            msgs = msgs if isinstance(msgs, list) else [msgs]
            parts.append(f"{field} " + ", ".join(str(m) for m in msgs))
    elif isinstance(errors, list):
        parts.extend(str(e) for e in errors)
    text = "; ".join(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    if secret:
        # Before cutting to length, so no prefix of the key survives the cut.
        text = text.replace(secret, "[redacted]")
    return text[:300] + ("…" if len(text) > 300 else "")


def retry_after_seconds(headers: Mapping[str, str]) -> int:
    """Kapso's `Retry-After` (seconds or an HTTP date), kept within 1 s .. 1 h."""
    value = (headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return max(1, min(int(value), 3600))
    if value:
        try:
            when = parsedate_to_datetime(value)
            return max(1, min(int(when.timestamp() - time.time()), 3600))
        except (TypeError, ValueError):
            pass
    return DEFAULT_RETRY_AFTER
