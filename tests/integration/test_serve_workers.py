"""``signaalbot serve --workers 2``: two processes on one port, one SQLite file.

The first worker starts alone (it seeds the themes and the demo catalogue), the second once
the port answers; the kernel spreads the connections (SO_REUSEPORT). SIGTERM to the parent
ends both.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT as on Linux")
def test_two_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SIGNAALBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "SIGNAALBOT_TEAMS_EMULATOR": "true",
        "SIGNAALBOT_HOST": "127.0.0.1",
        "SIGNAALBOT_PORT": str(port),
        "SIGNAALBOT_LOG_LEVEL": "error",
        "SIGNAALBOT_MATCHING_SEMANTIC": "false",
        "SIGNAALBOT_DATA_DIR": str(tmp_path / "data"),
    }
    parent = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--workers", "2"], env=env, cwd=tmp_path
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and len(_children(parent.pid)) < 2:
            assert parent.poll() is None, "serve --workers ended early"
            time.sleep(0.2)
        workers = _children(parent.pid)
        assert len(workers) == 2
        ready = 0
        while time.monotonic() < deadline and ready < 10:
            try:
                url = f"http://127.0.0.1:{port}/readyz"
                with urllib.request.urlopen(url, timeout=5) as answer:
                    ready += answer.status == 200
            except OSError:
                time.sleep(0.2)
        assert ready == 10, "both workers answer on the one port"
    finally:
        parent.send_signal(signal.SIGTERM)
        code = parent.wait(timeout=60)
    assert code == 0
    assert all(not Path(f"/proc/{pid}").exists() for pid in workers), "the workers ended too"
