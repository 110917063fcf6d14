"""Rooms a newcomer can live in: no function of the app, the emulator, the project or the
test support runs over 50 lines (migrations aside, Django writes them). A longer one is
split into named steps in the same module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sandbox", "kapso_emulator", "kapso_dashboard", "support")
MAX_LINES = 50


def long_functions(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_LINES:
                found.append(f"{name}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_is_over_50_lines():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found += long_functions(path.read_text(), str(path.relative_to(ROOT)))
    assert found == []


def test_a_long_function_is_found_and_a_nested_one_too():
    def body(indent: int, lines: int) -> str:
        return "\n".join(f"{' ' * indent}x{i} = {i}" for i in range(lines))

    assert long_functions(f"def short():\n{body(4, 49)}\n", "m") == []
    assert long_functions(f"def long():\n{body(4, 50)}\n", "m") == ["m:1 long (51 lines)"]
    nested = f"class C:\n    def outer(self):\n        async def inner():\n{body(12, 50)}\n"
    assert [f.split()[1] for f in long_functions(nested, "m")] == ["outer", "inner"]
