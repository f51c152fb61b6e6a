"""The apps depend one way, as docs/architecture.md draws them; these tests read the code.

core (atlas.lib, atlas.models, ...) <- diagnosis (the glossary) <- cases <- wizard <- site
(atlas.views, atlas.urls, the content loader, the sitemap, the commands).

A module may import its own part and the parts to its left, never one to its right: the
glossary knows nothing of cases, cases nothing of the wizard. Imports inside functions count
too, and so do the models' relations, which name their targets in strings.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import ForeignObjectRel

ORDER = ["core", "diagnosis", "cases", "wizard", "teaching", "site"]

# atlas is the project: these modules are the core every app builds on; the rest of atlas
# (views, urls, content loading, sitemaps, settings, commands) composes the apps.
ATLAS_CORE = {
    "atlas.lib",
    "atlas.models",
    "atlas.admin",
    "atlas.admin_site",
    "atlas.apps",
    "atlas.translation",
    "atlas.middleware",
    "atlas.context_processors",
    "atlas.templatetags",
    "atlas.messages",
    "atlas.migrations",
    "atlas.page_cache",
}
PACKAGES = ["atlas", "diagnosis", "cases", "wizard", "teaching"]
ROOT = Path(settings.BASE_DIR)


def part_of(module: str) -> str | None:
    """Which part of the drawing a dotted module name belongs to; None outside the project."""
    top = module.split(".")[0]
    if top == "atlas":
        core = any(module == name or module.startswith(name + ".") for name in ATLAS_CORE)
        return "core" if core else "site"
    return top if top in PACKAGES else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[str]:
    """Every module the file imports, relative imports resolved, wherever the import stands."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found += [f"{base}.{alias.name}" for alias in node.names] if not node.module else [base]
    return found


def project_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def test_the_drawing_names_every_package_of_the_project():
    on_disk = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert on_disk == set(PACKAGES)


@pytest.mark.parametrize("path", project_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_parts_to_its_left(path):
    own = part_of(module_name(path))
    backwards = [
        module
        for module in imported_modules(path)
        if (target := part_of(module)) is not None and ORDER.index(target) > ORDER.index(own)
    ]
    assert backwards == [], f"{own} may not import {backwards}"


def test_model_relations_point_only_to_the_left():
    backwards = []
    for model in apps.get_models():
        own = part_of(model.__module__)
        if own is None:
            continue
        for field in model._meta.get_fields():
            target = field.related_model
            if target is None or isinstance(field, ForeignObjectRel):
                continue  # a reverse relation is the other model's own forward one
            target_part = part_of(target.__module__)
            if target_part is not None and ORDER.index(target_part) > ORDER.index(own):
                backwards.append(f"{model._meta.label}.{field.name} -> {target._meta.label}")
    assert backwards == []


def test_the_rule_sees_a_backward_import():
    """The checks above could pass by reading nothing; this one proves they read imports."""
    glossary_models = ROOT / "diagnosis" / "models.py"
    assert "atlas.models" in imported_modules(glossary_models)
    assert part_of("cases.models") == "cases" and part_of("atlas.views") == "site"
    assert ORDER.index(part_of("cases.models")) > ORDER.index(part_of("diagnosis.models"))
