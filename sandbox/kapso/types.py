"""Typed Kapso objects, and the strict parsers that make them from decoded JSON.

Everything Kapso sends is untrusted. A parser either returns a fully checked object or
raises `KapsoResponseError` naming the field at fault; it never returns half a result.
Fields the docs leave open (any status string, null timestamps) are accepted as they come.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.kapso.errors import KapsoResponseError

# Bounds keep a hostile or broken answer from filling the database or the page.
MAX_ID_LENGTH = 255
MAX_TEXT_LENGTH = 255
MAX_MESSAGE_LENGTH = 2000
# A wa.me link is ~40 characters; 512 ASCII characters still make a QR code phones read.
MAX_LINK_LENGTH = 512

# fullmatch and [0-9]: `$` accepts a trailing newline, and `\d` accepts any script's digits.
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_WA_PATH = re.compile(r"/[0-9]{6,15}")


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    description: str
    project_id: str
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class SandboxSession:
    id: str
    phone_number: str
    status: str
    activation_code: str
    activation_message: str
    activation_link: str
    activated_at: datetime | None
    expires_at: datetime | None
    created_at: datetime | None
    updated_at: datetime | None
    agent: Agent
    # The object exactly as Kapso sent it, kept for audit.
    raw: dict[str, Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Page:
    items: list[SandboxSession]
    page: int
    per_page: int
    total_pages: int
    total_count: int
    # One unusable session should not cost the whole page: why each bad one was skipped.
    failures: list[str] = field(default_factory=list)


def _bad(what: str) -> KapsoResponseError:
    return KapsoResponseError(
        f"Kapso sent an answer the dashboard cannot use ({what}). Nothing was saved; "
        "try again, and if it keeps happening check KAPSO_API_BASE_URL."
    )


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(f"{what} is not a JSON object")
    return value


def _string(
    obj: dict[str, Any], key: str, what: str, *, max_length: int, required: bool = True
) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _bad(f"{what}.{key} is missing or not a string")
    if required and not value.strip():
        raise _bad(f"{what}.{key} is empty")
    if len(value) > max_length:
        raise _bad(f"{what}.{key} is longer than {max_length} characters")
    return value


def _timestamp(obj: dict[str, Any], key: str, what: str) -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise _bad(f"{what}.{key} is not a timestamp")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(f"{what}.{key} is not an ISO-8601 timestamp") from None
    # Kapso documents UTC; a timestamp without an offset is read as UTC, not local time.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _integer(obj: dict[str, Any], key: str, what: str, *, minimum: int) -> int:
    value = obj.get(key)
    # bool is an int in Python; JSON true is not a page number.
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _bad(f"{what}.{key} is not an integer >= {minimum}")
    return value


def check_activation_link(link: str) -> str:
    """Return `link` if it is a plain `https://wa.me/<digits>?text=...` link, else raise.

    The link becomes an href and a QR code a phone will open, so anything else (another
    host, a `javascript:` URL, credentials or a port in the URL) is refused.
    """
    try:
        parts = urlsplit(link)
        port = parts.port
    except ValueError:
        raise _bad("activation_link is not a URL") from None
    if (
        not link.startswith("https://wa.me/")
        or parts.scheme != "https"
        or parts.netloc != "wa.me"
        or port is not None
        or not _WA_PATH.fullmatch(parts.path)
        or parts.fragment
        or not link.isascii()
        or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in link)
    ):
        raise _bad("activation_link is not a https://wa.me/<number> link")
    if parts.query and "text" not in parse_qs(parts.query):
        raise _bad("activation_link does not carry the activation text")
    return link


def _id(obj: dict[str, Any], what: str) -> str:
    value = _string(obj, "id", what, max_length=MAX_ID_LENGTH)
    # Ids become URL path segments, where "." and ".." would name another URL.
    if value.strip(".") == "":
        raise _bad(f"{what}.id is not an id")
    return value


def parse_agent(value: Any, what: str = "agent") -> Agent:
    obj = _object(value, what)
    return Agent(
        id=_id(obj, what),
        name=_string(obj, "name", what, max_length=MAX_TEXT_LENGTH),
        description=_string(
            obj, "description", what, max_length=MAX_MESSAGE_LENGTH, required=False
        ),
        project_id=_string(obj, "project_id", what, max_length=MAX_ID_LENGTH, required=False),
        created_at=_timestamp(obj, "created_at", what),
        updated_at=_timestamp(obj, "updated_at", what),
    )


def parse_session(value: Any, what: str = "session") -> SandboxSession:
    obj = _object(value, what)
    phone = _string(obj, "phone_number", what, max_length=32)
    if not _E164.fullmatch(phone):
        raise _bad(f"{what}.phone_number is not an E.164 number")
    link = _string(obj, "activation_link", what, max_length=MAX_LINK_LENGTH)
    return SandboxSession(
        id=_id(obj, what),
        phone_number=phone,
        status=_string(obj, "status", what, max_length=64),
        activation_code=_string(obj, "activation_code", what, max_length=64),
        activation_message=_string(obj, "activation_message", what, max_length=MAX_MESSAGE_LENGTH),
        activation_link=check_activation_link(link),
        activated_at=_timestamp(obj, "activated_at", what),
        expires_at=_timestamp(obj, "expires_at", what),
        created_at=_timestamp(obj, "created_at", what),
        updated_at=_timestamp(obj, "updated_at", what),
        agent=parse_agent(obj.get("agent"), f"{what}.agent"),
        raw=obj,
    )


def parse_data(body: Any) -> Any:
    """Unwrap Kapso's `{"data": ...}` envelope."""
    envelope = _object(body, "the response")
    if "data" not in envelope:
        raise _bad("the response has no 'data'")
    return envelope["data"]


def parse_agent_list(body: Any) -> list[Agent]:
    # Kapso's own CLI also accepts a bare list here, so we do too.
    items = body if isinstance(body, list) else parse_data(body)
    if not isinstance(items, list):
        raise _bad("the agent list is not a list")
    return [parse_agent(item, f"agents[{i}]") for i, item in enumerate(items)]


def parse_session_page(body: Any) -> Page:
    items = parse_data(body)
    if not isinstance(items, list):
        raise _bad("the session list is not a list")
    meta = _object(body.get("meta"), "meta")
    sessions, failures = [], []
    for i, item in enumerate(items):
        try:
            sessions.append(parse_session(item, f"sessions[{i}]"))
        except KapsoResponseError as exc:
            failures.append(exc.message)
    return Page(
        items=sessions,
        failures=failures,
        page=_integer(meta, "page", "meta", minimum=1),
        per_page=_integer(meta, "per_page", "meta", minimum=1),
        total_pages=_integer(meta, "total_pages", "meta", minimum=0),
        total_count=_integer(meta, "total_count", "meta", minimum=0),
    )
