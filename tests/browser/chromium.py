"""How this project runs Debian's Chromium: shared by the browser tests and the
screenshot script, so both see the same browser at the same sizes."""

from __future__ import annotations

import os
import shutil

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# No sandbox (we run as root), and no background traffic: the machine has no internet,
# and Chromium's own update and sync calls would only fail and slow it down.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"]
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)
