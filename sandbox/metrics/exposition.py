"""The scrape's text: this process's instruments, or every process's when the client
library's multiprocess mode is on (PROMETHEUS_MULTIPROC_DIR, one directory shared by the
gunicorn workers and the job worker of one machine), plus the state read now."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from sandbox.metrics.collectors import StateCollector


def scrape() -> tuple[bytes, str]:
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry(auto_describe=False)
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY  # this process's instruments, and its process metrics
    # Two expositions one after the other are one valid exposition: no name is in both.
    return generate_latest(counted) + generate_latest(state), CONTENT_TYPE_LATEST
