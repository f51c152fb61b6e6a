"""The apps depend one way: wizard → cases → diagnosis, and atlas composes them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_apps(app: str) -> set[str]:
    """Top-level packages that the app's modules import (its migrations name apps in strings)."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [("diagnosis", {"cases", "wizard"}), ("cases", {"wizard"})],
)
def test_an_app_imports_nothing_from_the_apps_built_on_it(app, forbidden):
    assert imported_apps(app) & forbidden == set()
