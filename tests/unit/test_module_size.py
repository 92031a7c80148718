"""No production module over 400 lines (issue 13, the team notes).

Why a test: a module that grows past one screenful of jobs grows further, and nobody notices
until it is 800 lines; here the build names the offenders the day one crosses the line, so it
is split by job while that is still small work. Alembic revision scripts are left out: their
size is the schema change they record, and one revision is one file in the migration chain.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "cycle", "kernel", "storage", "matching", "privacy", "turn")
EXCLUDED = (Path("storage", "migrations", "versions"),)
MAX_LINES = 400


def production_modules() -> list[Path]:
    """Every ``.py`` file of the production packages, relative to the repository root."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if not any(relative.is_relative_to(excluded) for excluded in EXCLUDED):
                found.append(relative)
    return found


def line_count(path: Path) -> int:
    return len((ROOT / path).read_text(encoding="utf-8").splitlines())


def test_the_packages_are_there() -> None:
    """A renamed package must not make the size check pass by finding nothing."""
    modules = production_modules()
    for package in PACKAGES:
        assert any(m.parts[0] == package for m in modules), package


def test_no_production_module_is_over_400_lines() -> None:
    offenders = {
        str(path): count for path in production_modules() if (count := line_count(path)) > MAX_LINES
    }
    assert not offenders, f"split these modules by job (over {MAX_LINES} lines): " + ", ".join(
        f"{path} ({count})" for path, count in sorted(offenders.items())
    )
