"""Two people, two terminals, one SQLite file: the console closes the loops live.

Real ``signaalbot chat`` processes. Anna reports a signal; the research desk triages it in
another chat; Anna's open chat (on a terminal, a pty here) shows the notice within seconds,
sent by the dispatcher of whichever chat process got to it first. A chat opened later shows
what arrived while it was closed, before its first prompt.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.test_console_foundation import JEUGD, SIGNAL

LIVE_WITHIN = 15.0  # seconds: the dispatcher runs every 5 s, the chat looks every 2 s


def chat_command(db: Path, name: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bot",
        "chat",
        "--as",
        name,
        "--db",
        f"sqlite:///{db}",
        *extra,
    ]


def environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SIGNAALBOT_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = os.getcwd() + os.pathsep + env.get("PYTHONPATH", "")
    return env


def piped_chat(db: Path, name: str, lines: list[str], env: dict[str, str], *extra: str) -> str:
    done = subprocess.run(
        chat_command(db, name, *extra),
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def read_until(fd: int, needle: str, seconds: float) -> str:
    seen = ""
    deadline = time.monotonic() + seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536).decode("utf-8", "replace")
            except OSError:
                break
    return seen


def test_the_reporter_sees_the_triage_notice_live_in_an_open_chat(tmp_path: Path) -> None:
    db = tmp_path / "signaalbot.db"
    env = environment(tmp_path)
    reported = piped_chat(db, "anna", ["signaal", SIGNAL, *JEUGD], env)
    assert "S-2026-0001" in reported

    controller, terminal = pty.openpty()
    anna = subprocess.Popen(
        chat_command(db, "anna"), stdin=terminal, stdout=terminal, stderr=terminal, env=env
    )
    os.close(terminal)
    try:
        assert "signaalbot" in read_until(controller, "> ", 60).lower()
        desk = piped_chat(
            db, "rita", ["triage S-2026-0001", "1", ""], env, "--role", "research_desk"
        )
        assert "S-2026-0001" in desk
        began = time.monotonic()
        shown = read_until(controller, "S-2026-0001", LIVE_WITHIN + 45)
        waited = time.monotonic() - began
        assert "S-2026-0001" in shown, shown
        assert "Nieuw bericht voor jou" in shown
        assert waited < LIVE_WITHIN, f"the notice took {waited:.1f} s"
    finally:
        anna.terminate()
        anna.wait(timeout=10)
        os.close(controller)

    # Shown once: a chat opened now has nothing new for Anna.
    later = piped_chat(db, "anna", ["afsluiten"], env)
    assert "Nieuw bericht voor jou" not in later


def test_a_closed_chat_gets_its_messages_before_the_first_prompt(tmp_path: Path) -> None:
    db = tmp_path / "signaalbot.db"
    env = environment(tmp_path)
    piped_chat(db, "anna", ["signaal", SIGNAL, *JEUGD], env)
    piped_chat(db, "rita", ["triage S-2026-0001", "1", ""], env, "--role", "research_desk")
    # Nobody has a chat open for Anna; the desk's chat dispatched into her inbox.
    output = piped_chat(db, "anna", ["mijn signalen"], env)
    notice = output.index("Nieuw bericht voor jou")
    assert output.index("S-2026-0001") > notice or "S-2026-0001" in output[notice:]
    first_prompt = output.index("> ")
    assert notice < first_prompt, "the message comes before the first prompt"
