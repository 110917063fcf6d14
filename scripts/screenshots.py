"""Refresh the README's pictures: docs/screenshots/*.png at laptop and phone widths.

    .venv/bin/python scripts/screenshots.py

Self-contained: starts its own Kapso emulator and its own dashboard (runserver; each binds a
port the OS picks and says which, so no other process can take it in between), with a
throwaway SQLite database in a temporary folder, logs in through the form, creates a few
sessions (one left pending, one activated and one expired through the emulator's control
endpoint, as a phone would), shoots the create form, the session page in each of those
states and the history, and stops everything.
Needs Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) and Playwright.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from kapso_emulator import EmulatorServer  # noqa: E402
from support.servers import RUNSERVER, start_process  # noqa: E402
from tests.browser.chromium import CHROMIUM_ARGS, LAPTOP, PHONE, chromium_executable  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = {"laptop": LAPTOP, "phone": PHONE}
USERNAME, PASSWORD = "sam", secrets.token_urlsafe(12)
SESSIONS = [("+1 415 555 2671", 1), ("0044 20 7946 0958", 2), ("+49 30 901820", 1)]


def save_small_png(png: bytes, path: Path) -> None:
    """A 64-colour palette keeps text crisp, the QR code scannable and the file small."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


# The session page's states to show, by the status the emulator is told ("expired" moves
# expires_at to now); the page polls, so it shows each within a few seconds.
STATES = {"pending": None, "active": "active", "expired": "expired"}
BADGE = {"pending": "Pending activation", "active": "Active", "expired": "Expired"}


def kapso_id(page) -> str:
    label = page.locator("dt", has_text="Kapso id")
    return label.locator("xpath=following-sibling::dd[1]").inner_text()


def shoot(base_url: str, chromium: str, emulator: EmulatorServer) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, viewport=SIZES["laptop"])
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_url(base_url + "/")
        urls = []
        for (phone, agent_index), told in zip(SESSIONS, STATES.values(), strict=True):
            page.goto("/")
            page.get_by_label("Agent").select_option(index=agent_index)
            page.get_by_label("Phone number").fill(phone)
            page.get_by_role("button", name="Create session").click()
            page.wait_for_url("**/sessions/*/")
            urls.append(page.url)
            if told:
                emulator.store.set_status(kapso_id(page), told)
        shots = [("create", "/", None)]
        shots += [(f"session-{state}", url, state) for state, url in zip(STATES, urls, strict=True)]
        shots.append(("history", "/sessions/", None))
        for size_name, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            for name, url, state in shots:
                page.goto(url)
                if state:  # the page's poll brings Kapso's word in, without a reload
                    expect(page.locator("#session-status")).to_have_text(BADGE[state])
                if name == "create":  # half-filled, as someone about to press the button
                    page.get_by_label("Agent").select_option(index=1)
                    page.get_by_label("Phone number").fill("+1 415 555 2671")
                    page.get_by_label("Phone number").blur()
                path = OUT / f"{name}-{size_name}.png"
                save_small_png(page.screenshot(), path)
                written.append(path)
        browser.close()
    return written


@dataclass
class Demo:
    """A throwaway dashboard (runserver, SQLite) on the bundled emulator, as `make run`."""

    url: str
    emulator: EmulatorServer
    api_key: str


@contextmanager
def demo_dashboard(
    prefix: str, *, username: str, password: str, staff: bool = False, worker: bool = False
) -> Iterator[Demo]:
    """Start the emulator and the dashboard in a temporary folder with one account (and,
    with `worker`, a job worker); stop them all and remove the folder afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    api_key = "screenshots-" + secrets.token_hex(8)
    emulator = EmulatorServer(
        port=0, state_file=str(workdir / "emulator.json"), api_key=api_key, rate_limit=None
    ).start()
    env = {
        **os.environ,
        "KAPSO_API_BASE_URL": emulator.api_base_url,
        "KAPSO_API_KEY": api_key,
        "KAPSO_DEMO_MODE": "1",
        "DEBUG": "1",  # as `make run` in demo mode: plain HTTP, no HTTPS redirect
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "TEAM_QUEUE_URL": f"sqlite:///{workdir / 'queue.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    server = job_worker = None
    try:
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
        create_user = (
            "from django.contrib.auth.models import User; "
            f"User.objects.create_user({username!r}, password={password!r}, is_staff={staff!r})"
        )
        subprocess.run([*manage, "shell", "-v", "0", "-c", create_user], env=env, check=True)  # noqa: S603
        if worker:
            job_worker = subprocess.Popen([*manage, "team_worker"], env=env)  # noqa: S603
        # Port 0: runserver binds a free port and prints it ("Starting development server at").
        server = start_process(
            [*manage, "runserver", "--noreload", "127.0.0.1:0"],
            announce=RUNSERVER,
            ready_path="/healthz",
            env=env,
            log=workdir / "runserver.log",
            timeout=30,
        )
        yield Demo(server.url, emulator, api_key)
    finally:
        if server is not None:
            server.stop()
        if job_worker is not None:
            job_worker.terminate()
            job_worker.wait(timeout=30)
        emulator.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def report(written: list[Path]) -> None:
    total = sum(p.stat().st_size for p in written)
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    print(f"{len(written)} screenshots, {total // 1024} KB in all")


def main() -> None:
    chromium = chromium_executable() or "/usr/bin/chromium"
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_dashboard("kapso-screenshots-", username=USERNAME, password=PASSWORD) as demo:
        written = shoot(demo.url, chromium, demo.emulator)
    report(written)


if __name__ == "__main__":
    main()
