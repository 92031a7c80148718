"""The real ``python -m bot serve`` as a subprocess, for the benchmarks that measure it from outside.

Why a module of its own: ``serve_load.py``, ``intake_crash.py`` and ``hostile_load.py`` all start
the bot the same way (``SIGNAALBOT_*`` settings pointing at fakes on loopback, a free port, a
readiness poll on ``/readyz``, its CPU from ``/proc``), and each had its own copy of that code.
The settings the caller does not give are not inherited from this shell: a ``SIGNAALBOT_*``
variable exported for something else would change what is measured.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its waited-for children so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def base_env(
    db_url: str, port: int, data: Path, level: str = "error", code: Path = ROOT
) -> dict[str, str]:
    """The environment of a bot on ``127.0.0.1:port``; add the platform settings to it."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAALBOT_")}
    return {
        **keep,
        "PYTHONPATH": str(code),
        "SIGNAALBOT_DATABASE_URL": db_url,
        "SIGNAALBOT_HOST": "127.0.0.1",
        "SIGNAALBOT_PORT": str(port),
        "SIGNAALBOT_DATA_DIR": str(data),
        "SIGNAALBOT_LOG_LEVEL": level,
        "SIGNAALBOT_LOG_FORMAT": "json",
    }


@dataclass
class BotProcess:
    """``python -m bot serve`` with ``env``, started (again, after a kill) by :meth:`start`.

    ``logs``: the working directory; each start's output goes to ``serve-N.log`` there.
    ``args``: after ``serve`` (``--workers 2``). ``wrapper``: between the interpreter and
    ``-m bot`` (``-m cProfile -o FILE``, ``-m pyinstrument -o FILE``); a profiler writes its
    report when the server ends normally, so :meth:`stop` sends ``stop_signal`` and waits.
    """

    env: dict[str, str]
    port: int
    logs: Path
    args: list[str] = field(default_factory=list)
    wrapper: list[str] = field(default_factory=list)
    stop_signal: signal.Signals = signal.SIGTERM
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        self.starts += 1
        log = (self.logs / f"serve-{self.starts}.log").open("wb")
        command = [sys.executable, *self.wrapper, "-m", "bot", "serve", *self.args]
        self.proc = subprocess.Popen(
            command, env=self.env, cwd=self.logs, stdout=log, stderr=subprocess.STDOUT
        )

    async def ready(self, timeout: float = 180.0) -> None:
        """Wait until ``/readyz`` answers 200; a server that ended meanwhile is an error."""
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise RuntimeError(f"serve ended with {self.proc.returncode}; see {self.logs}")
                try:
                    async with session.get(f"{self.base}/readyz") as r:
                        if r.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"serve not ready after {timeout} s; see {self.logs}")

    async def settled(self, children: int = 0, quiet: float = 0.05, timeout: float = 180.0) -> None:
        """Wait until the server has ``children`` worker processes (``--workers N``: N) and uses
        under ``quiet`` of a core for a second: the workers start after the first one listens
        and then load their match index, which would otherwise share the first burst's cores."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            running = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            before = self.cpu()
            await asyncio.sleep(1.0)
            if len(running) >= children and self.cpu() - before < quiet:
                return
        raise RuntimeError(f"serve still busy after {timeout} s; see {self.logs}")

    def cpu(self) -> float:
        """CPU seconds of the server so far: the process, and its workers with ``--workers``."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return sum(cpu_seconds(pid) for pid in [self.pid, *map(int, children)])

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        assert self.proc is not None
        self.proc.wait()

    def stop(self, timeout: float = 60.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(self.stop_signal)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
