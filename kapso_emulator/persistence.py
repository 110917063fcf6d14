"""Reading and atomically rewriting the JSON state file."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from typing import Any


def load_state(path: str) -> dict[str, Any] | None:
    """Return the saved state, or None when there is no file yet.

    A corrupt file is an error rather than an empty start: silently reseeding would throw
    away sessions somebody is relying on.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            state = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read Kapso emulator state file {path!r}: {exc}") from exc
    if not isinstance(state, dict):
        raise ValueError(f"Kapso emulator state file {path!r} does not hold a JSON object")
    return state


def save_state(path: str, state: dict[str, Any]) -> None:
    """Write via a temp file in the same directory and os.replace.

    Same directory so the rename never crosses filesystems; os.replace is atomic, so a crash
    mid-write leaves the previous complete file rather than a truncated one.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(prefix=".kapso_emulator-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_path)
        raise
