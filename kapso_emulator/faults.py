"""Failure injection: make the next N calls to an endpoint misbehave the way real APIs do.

A fault is armed through `POST /_emulator/faults` and matches one method and path
pattern (`*` stands for one path segment, e.g. `/api/v1/sandbox_sessions/*`). Kinds that
corrupt an answer let the request happen first, as a real API that did the work and
then sent garbage, dropped the connection or answered late would.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import asdict, dataclass
from typing import Any

from kapso_emulator.errors import bad_request

# Kinds that answer without doing the work.
BEFORE = {"status", "rate_limit", "drop_before"}
# Kinds that do the work, then misbehave.
AFTER = {
    "delay",
    "drop",
    "html",
    "truncated_json",
    "missing_field",
    "mistyped_field",
    "bad_link",
    "huge",
}
KINDS = BEFORE | AFTER
HUGE_BYTES = 10 * 1024 * 1024


@dataclass
class Fault:
    method: str
    path: str
    kind: str
    times: int = 1
    status: int = 500
    body: Any = None
    delay: float = 0.0
    retry_after: int = 60
    # huge: whether Content-Length announces the size (False: the body just keeps coming).
    declare_length: bool = True

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        # fnmatch's * crosses "/", so compare segment by segment.
        want, got = self.path.strip("/").split("/"), path.strip("/").split("/")
        return len(want) == len(got) and all(
            fnmatch.fnmatchcase(g, w) for w, g in zip(want, got, strict=True)
        )


def parse_fault(payload: dict[str, Any]) -> Fault:
    kind = payload.get("kind")
    if kind not in KINDS:
        raise bad_request(f"kind must be one of {sorted(KINDS)}")
    method = str(payload.get("method", "*")).upper()
    path = payload.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise bad_request("path must be a path such as /api/v1/sandbox_sessions")
    times = payload.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= 10_000:
        raise bad_request("times must be an integer from 1 to 10000")
    status = payload.get("status", 500)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise bad_request("status must be an HTTP status code")
    delay = payload.get("delay", 0)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= 120:
        raise bad_request("delay must be a number of seconds from 0 to 120")
    retry_after = payload.get("retry_after", 60)
    if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
        raise bad_request("retry_after must be a whole number of seconds")
    return Fault(
        method=method,
        path=path.rstrip("/") or "/",
        kind=kind,
        times=times,
        status=status,
        body=payload.get("body"),
        delay=float(delay),
        retry_after=retry_after,
        declare_length=bool(payload.get("declare_length", True)),
    )


class FaultTable:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault for this call, used up by one."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def armed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(fault) for fault in self._faults]


def corrupt(fault: Fault, body: dict[str, Any]) -> dict[str, Any]:
    """The answer with one field removed, mistyped or made hostile."""
    data = body.get("data")
    item = data[0] if isinstance(data, list) and data else data
    if not isinstance(item, dict):
        return body
    if fault.kind == "missing_field":
        item.pop("activation_link", None)
        item.pop("name", None)  # agents have no activation link
    elif fault.kind == "mistyped_field":
        item["activation_code"] = 123456
        item["expires_at"] = "in a day or so"
        item["name"] = ["not", "a", "string"]
    elif fault.kind == "bad_link":
        item["activation_link"] = "javascript:alert(document.cookie)"
    return body
