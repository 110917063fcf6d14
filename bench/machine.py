"""The machine a benchmark ran on (CPU model, cores, memory, load) and a wait for quiet.

No Django and no database here: `bench.run` adds its servers' versions, and
`bench/sync_kapso.py` uses it as it is.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path


def _proc_field(path: str, key: str) -> str:
    """The value of the first `key: value` line of a /proc file, or "?"."""
    with contextlib.suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    return "?"


def cpu_model() -> str:
    return _proc_field("/proc/cpuinfo", "model name") if Path("/proc/cpuinfo").exists() else "?"


def cores() -> int:
    """CPUs this process may run on (what `nproc` prints), not the host's count."""
    return len(os.sched_getaffinity(0))


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def describe() -> dict[str, str]:
    """The machine, for a report's table: CPU model, cores, memory, kernel, Python."""
    mem_kb = _proc_field("/proc/meminfo", "MemTotal").split()[0]
    return {
        "nproc": str(cores()),
        "CPU": cpu_model(),
        "memory": f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb.isdigit() else "?",
        "kernel": platform.release(),
        "Python": platform.python_version(),
    }


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def wrk_version() -> str | None:
    """`wrk debian/4.1.0-3+b2`, or None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if not wrk:
        return None
    out = subprocess.run(  # noqa: S603 - prints its version
        [wrk, "-v"], capture_output=True, text=True, check=False
    ).stdout
    return out.split("[")[0].strip() or "wrk"


def wait_for_quiet(limit: float = 180.0, threshold: float = 1.0) -> None:
    """The machine is shared: give other work up to `limit` seconds to finish first."""
    deadline = time.monotonic() + limit
    while os.getloadavg()[0] > threshold and time.monotonic() < deadline:
        print(f"bench: waiting for a quieter machine (load {os.getloadavg()[0]:.1f})", flush=True)
        time.sleep(15)
