"""pyproject.toml's import contracts (import-linter): they hold on the code, each one fails
when the rule it states is broken, and the map in docs/architecture.md names what they name.

`make test` runs `lint-imports` on the checkout before pytest; here it runs on a copy of the
code with one import added on purpose, so each contract is seen to fail, not only to pass.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS = {
    c["id"]: c
    for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
}
# Modules that sit in no layer: package markers and migrations (written by Django).
UNLAYERED = {
    "sandbox",
    "sandbox.team",
    "sandbox.api",
    "sandbox.accounts",
    "sandbox.activity",
    "sandbox.metrics",
}


def layer_rows() -> list[list[str]]:
    """Each row of the layers contract, as its list of dotted module names."""
    rows = []
    for row in CONTRACTS["layers"]["layers"]:
        separator = "|" if "|" in row else ":"
        rows.append([name.strip() for name in row.split(separator)])
    return rows


def app_modules() -> list[str]:
    """Every module of the app and the project, migrations left out."""
    names = []
    for package in ("sandbox", "kapso_dashboard"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def run_lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own venv's lint-imports, fixed arguments)
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    """The app, the project, the emulator and the contracts, copied where they may be broken."""
    for package in ("sandbox", "kapso_dashboard", "kapso_emulator"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(module_file: Path, line: str) -> None:
    """Put `line` after the module's docstring and `from __future__` line, as code runs it."""
    text = module_file.read_text()
    anchor = "from __future__ import annotations\n"
    assert anchor in text, module_file
    module_file.write_text(text.replace(anchor, f"{anchor}{line}  # noqa\n", 1))


def test_the_code_keeps_every_contract(code_copy):
    result = run_lint_imports(code_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # the issue's own example: a view reaching for the client's transport
        ("sandbox/views/health.py", "from sandbox.kapso.transport import send", "doors-not-kapso"),
        ("sandbox/api/problems.py", "from sandbox.kapso import KapsoError", "doors-not-kapso"),
        (
            "sandbox/team/views/matrix.py",
            "from sandbox.kapso.quota import Caller",
            "doors-not-kapso",
        ),
        ("sandbox/kapso/errors.py", "from django.conf import settings", "kapso-no-django"),
        ("kapso_emulator/store.py", "import sandbox.phones", "emulator-alone"),
        ("sandbox/models.py", "from sandbox import sessions", "layers"),
        ("sandbox/kapso/types.py", "from sandbox import phones", "layers"),
        ("sandbox/sessions.py", "from sandbox.views import create", "layers"),
        # the circle the docs page made: schema -> api -> schema
        ("sandbox/api/schema.py", "from sandbox.api import api", "no-circle"),
    ],
)
def test_breaking_a_rule_breaks_its_contract(code_copy, module, line, contract):
    add_import(code_copy / module, line)
    result = run_lint_imports(code_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{CONTRACTS[contract]['name']} BROKEN" in result.stdout


def test_a_door_importing_the_client_only_through_a_service_is_allowed():
    # Direct imports only (allow_indirect_imports): every door reaches Kapso through a
    # service, which is the design; the layers contract still orders the whole chain.
    assert CONTRACTS["doors-not-kapso"]["allow_indirect_imports"] is True
    assert "allow_indirect_imports" not in CONTRACTS["kapso-no-django"]
    assert "allow_indirect_imports" not in CONTRACTS["emulator-alone"]


def test_every_module_of_the_app_sits_in_a_layer():
    layered = [name for row in layer_rows() for name in row]
    homeless = [
        module
        for module in app_modules()
        if module not in UNLAYERED
        and not any(module == name or module.startswith(name + ".") for name in layered)
    ]
    assert homeless == [], "add these to a layer in pyproject.toml and to docs/architecture.md"


def test_the_doors_that_may_not_touch_the_client_are_the_doors_and_the_wiring():
    wiring, doors = layer_rows()[:2]
    assert set(CONTRACTS["doors-not-kapso"]["source_modules"]) == set(wiring) | set(doors)


def test_the_map_names_every_module_the_contracts_name():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    section = doc.split("## Who may import whom", 1)[1].split("\n## ", 1)[0]
    named = {name for row in layer_rows() for name in row}
    for contract in CONTRACTS.values():
        named.update(contract.get("source_modules", []))
        named.update(contract.get("forbidden_modules", []))
    missing = sorted(name for name in named if f"`{name}`" not in section)
    assert missing == [], "docs/architecture.md must name these as the contracts do"
    for contract in CONTRACTS.values():
        assert contract["name"] in section, contract["name"]
