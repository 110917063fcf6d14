"""scripts/site_url.sh (sourced by `make run`): SITE_URL from HOST and PORT unless set."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _site_url(tmp_path: Path, **env: str) -> str:
    script = ROOT / "scripts" / "site_url.sh"
    result = subprocess.run(  # noqa: S603 (bash and our script)
        ["/bin/bash", "-c", f'set -u; source "{script}"; printf %s "${{SITE_URL:-}}"'],
        cwd=tmp_path,  # its own .env, or none
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:9123"),
        ("0.0.0.0", "http://127.0.0.1:9123"),  # noqa: S104 (a HOST value, not a bind)
        ("::1", "http://[::1]:9123"),
        ("dash.lan", "http://dash.lan:9123"),
    ],
)
def test_links_point_at_the_host_and_port_make_run_serves(tmp_path, host, expected):
    assert _site_url(tmp_path, HOST=host, PORT="9123") == expected


def test_defaults_are_make_runs(tmp_path):
    assert _site_url(tmp_path) == "http://127.0.0.1:8000"


def test_a_site_url_that_is_set_wins(tmp_path):
    assert _site_url(tmp_path, SITE_URL="https://x.example", PORT="9") == "https://x.example"
    (tmp_path / ".env").write_text("SITE_URL=https://from-dotenv.example\n")
    assert _site_url(tmp_path, PORT="9") == ""  # left for settings to read from .env
