"""What we import is declared, and the lock files pin every declared dependency.

Why: a package that is only there because something else pulls it in (PyJWT came with
botbuilder, typing-extensions with pydantic) disappears the day that other package drops it, and
a deployment then fails at import time. The locks are what ``make`` installs; a dependency added
to pyproject.toml without ``make lock`` would be missing on a fresh machine.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OURS = set(PYPROJECT["tool"]["importlinter"]["root_packages"]) | {"config", "tests", "benchmarks"}


def declared(extra: str | None = None) -> dict[str, Requirement]:
    project = PYPROJECT["project"]
    raw = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {canonicalize_name(r.name): r for r in map(Requirement, raw)}


def locked(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#", "-")):
            package, _, version = line.partition("==")
            pins[canonicalize_name(package.split("[")[0])] = version.strip()
    return pins


def imported_modules(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        if "versions" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_every_third_party_import_of_the_application_is_declared() -> None:
    distributions = packages_distributions()
    runtime = set(declared())
    missing: dict[str, list[str]] = {}
    for package in PYPROJECT["tool"]["importlinter"]["root_packages"]:
        for module in imported_modules(package):
            if module in OURS or module in sys.stdlib_module_names or module == "__future__":
                continue
            dists = {canonicalize_name(d) for d in distributions.get(module, [module])}
            if not dists & runtime:
                missing.setdefault(module, []).append(package)
    assert not missing, f"imported but not in [project.dependencies]: {missing}"


def test_the_locks_pin_every_declared_dependency_within_its_range() -> None:
    for lock, requirements in (
        ("requirements.lock", declared()),
        ("requirements-dev.lock", declared() | declared("dev")),
    ):
        pins = locked(lock)
        problems = {
            name: pins.get(name, "missing")
            for name, req in requirements.items()
            if name not in pins or not req.specifier.contains(pins[name], prereleases=True)
        }
        assert not problems, f"{lock} is out of date (run `make lock`): {problems}"


def test_the_runtime_lock_carries_no_development_tools() -> None:
    dev_only = set(declared("dev")) - set(declared())
    assert not dev_only & set(locked("requirements.lock"))
