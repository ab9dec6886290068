"""Imports run downwards only: genesys/ <- components/ <- settings/ <- the program's glue and tools.

A component that read the stack's settings could not be reused or tested without a whole stack
file, and genesys/ importing components/ would tie Genesys' vocabulary to AWS resources.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each package may not import: every package above it.
FORBIDDEN = {
    "genesys": ("components", "settings", "operations"),
    "components": ("settings", "operations"),
    "settings": ("operations",),
}


def imported_packages(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_above_it(package: str) -> None:
    upward = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).glob("*.py"))
        for name in imported_packages(path) & set(FORBIDDEN[package])
    }
    assert not upward, sorted(upward)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from settings import Settings\nimport components.routing\n", encoding="utf-8")
    assert imported_packages(module) == {"settings", "components"}
