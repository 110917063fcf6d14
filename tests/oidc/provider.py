"""Start and stop tests/oidc/provider.mjs: Node's `oidc-provider` on a free local port."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
PACKAGE = ROOT / "node_modules" / "oidc-provider"


@dataclass(frozen=True)
class OidcProvider:
    issuer: str
    client_id: str
    client_secret: str


def _require_node() -> str:
    node = shutil.which("node")
    missing = None if node else "node is not installed"
    if PACKAGE.exists() is False:
        missing = f"{PACKAGE} is missing: run `make test` (it runs `npm ci`) or `npm ci`"
    if missing:
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(missing + " (CI=true: a test that cannot run fails)")
        pytest.skip(missing)
    return node


@contextmanager
def running_provider(redirect_uri: str, users: dict[str, dict]) -> Iterator[OidcProvider]:
    node = _require_node()
    config = {
        "client_id": "kapso-dashboard",
        "client_secret": "tests-only-client-secret",
        "redirect_uri": redirect_uri,
        "users": users,
    }
    # stderr to a file: a full pipe would stall Node.
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(  # noqa: S603 - Node on our own script
            [node, str(SCRIPT), json.dumps(config)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            line = process.stdout.readline()
            if not line:
                process.wait(timeout=10)
                errors.seek(0)
                raise RuntimeError("oidc-provider did not start: " + errors.read())
            issuer = json.loads(line)["issuer"]
            yield OidcProvider(issuer, config["client_id"], config["client_secret"])
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()
