"""Tests mirror the code: every module of the app, the emulator, the project and the test
support has a test module of its own, where a newcomer looks for it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sandbox", "kapso_emulator", "kapso_dashboard", "support")
# Where the usual place would mislead: a module proved under another name.
ELSEWHERE = {
    "kapso_emulator/__main__.py": "tests/emulator/test_main.py",
    "sandbox/management/commands/kapso_emulator.py": "tests/emulator/test_management_command.py",
    "kapso_dashboard/settings_test.py": "tests/test_settings.py",
}
# Folders whose tests live in another folder (the rest: tests/ + the path below sandbox/).
FOLDERS = {
    "sandbox": "tests",
    "sandbox/management/commands": "tests/commands",
    "sandbox/team/management/commands": "tests/team",
    "sandbox/team/templatetags": "tests/team",
    "kapso_emulator": "tests/emulator",
    "kapso_dashboard": "tests",
    "support": "tests/support",
}


def modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if path.name != "__init__.py" and "migrations" not in relative.parts:
                found.append(relative.as_posix())
    return sorted(found)


def expected_test_module(module: str) -> str:
    if module in ELSEWHERE:
        return ELSEWHERE[module]
    folder, name = module.rsplit("/", 1)
    tests = FOLDERS.get(folder) or "tests/" + folder.removeprefix("sandbox/")
    return f"{tests}/test_{name}"


def test_every_module_has_its_test_module():
    missing = [
        f"{module} -> {expected_test_module(module)}"
        for module in modules()
        if not (ROOT / expected_test_module(module)).exists()
    ]
    assert missing == []


def test_the_map_of_places_is_right():
    assert expected_test_module("sandbox/views/create.py") == "tests/views/test_create.py"
    assert expected_test_module("sandbox/api/views/common.py") == "tests/api/views/test_common.py"
    assert expected_test_module("sandbox/sessions.py") == "tests/test_sessions.py"
    assert expected_test_module("kapso_emulator/store.py") == "tests/emulator/test_store.py"
    assert len(modules()) > 100
