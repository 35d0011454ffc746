"""The import contracts in pyproject.toml cover every web app's internals.

import-linter (run by `make lint`) keeps the contracts; this test keeps the contracts
complete, so a new internal module (a view, an importer) cannot slip out of its app's
protection by being added after the contracts were written.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "govwatch" / "web"
# What one app may use of another: models for foreign keys, services to change data,
# selectors to read it; apps and __init__ are Django's.
PUBLIC = {"__init__", "apps", "models", "services", "selectors"}
SHARED = {"config"}  # settings, urls and engine wiring: the plumbing every app uses


def _contracts() -> dict[str, set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    protected: dict[str, set[str]] = {}
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] != "protected":
            continue
        [allowed] = contract["allowed_importers"]
        protected[allowed.rsplit(".", 1)[1]] = set(contract["protected_modules"])
    return protected


def test_every_internal_module_of_every_web_app_is_protected() -> None:
    protected = _contracts()
    missing = []
    for app in sorted(p for p in WEB.iterdir() if (p / "__init__.py").exists()):
        if app.name in SHARED:
            continue
        packages = [p.parent for p in app.glob("*/__init__.py") if p.parent.name != "migrations"]
        for module in sorted([*app.glob("*.py"), *packages]):
            name = f"govwatch.web.{app.name}.{module.stem}"
            if module.stem not in PUBLIC and name not in protected.get(app.name, set()):
                missing.append(name)
    assert not missing, f"add to the app's protected contract in pyproject.toml: {missing}"


def test_contracts_name_only_modules_that_exist() -> None:
    for app, modules in _contracts().items():
        for name in modules:
            leaf = WEB / app / name.rsplit(".", 1)[1]
            assert leaf.with_suffix(".py").exists() or (leaf / "__init__.py").exists(), name
