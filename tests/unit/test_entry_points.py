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

import pytest

COMMANDS = ("chat", "serve", "cycle", "similar", "import", "privacy", "demo")


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
