"""Every way to start the command line gives the whole command line.

``signaalbot`` (the console script), ``python -m bot`` and ``python -m bot.cli`` run in a real
subprocess: a command area registered from its own module (``bot/cli_<area>.py``) must show up in
each, and none may fail on a half-imported module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ("chat", "serve", "cycle", "similar", "import", "vectors", "privacy", "demo")
#: What `similar` must not import: other commands' libraries, and Alembic once the schema is
#: current (each costs start-up time of every search from a script).
NOT_FOR_SIMILAR = ("PIL", "jsonschema", "yaml", "babel", "cryptography", "alembic", "aiohttp")
LOADED_BY = """
import os, sys
from bot.cli import main
try:
    main()
except SystemExit:
    pass
wanted = os.environ["NOT_WANTED"].split(",")
print("loaded:", *sorted(m for m in wanted if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize("how", ["signaalbot", "-m bot", "-m bot.cli"])
def test_each_entry_point_shows_every_command(how: str) -> None:
    if how == "signaalbot":
        script = shutil.which("signaalbot", path=os.path.dirname(sys.executable))
        assert script is not None, "the console script is installed with the package"
        argv = [script]
    else:
        argv = [sys.executable, *how.split()]
    shown = subprocess.run(
        [*argv, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    for command in COMMANDS:
        assert f" {command} " in shown.stdout, (command, shown.stdout)


def test_similar_imports_only_what_a_search_needs(tmp_path: Path) -> None:
    """Start-up of `signaalbot similar` is a third imports: the other commands' stay out."""
    env = {
        **os.environ,
        "SIGNAALBOT_LOG_LEVEL": "warning",
        "SIGNAALBOT_MATCHING_SEMANTIC": "false",
        "NOT_WANTED": ",".join(NOT_FOR_SIMILAR),
    }
    argv = [sys.executable, "-c", LOADED_BY, "similar", "x", "--db", f"sqlite:///{tmp_path}/s.db"]
    runs = [
        subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
        for _ in range(2)  # the second finds the schema current: no Alembic either
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
    assert runs[1].stderr.strip().splitlines()[-1] == "loaded:", runs[1].stderr[-500:]
