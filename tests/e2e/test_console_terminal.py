"""The console on a real terminal (a pty with the chat as its session leader): line editing,
history, a long paste arrives whole, and Ctrl-C closes the chat at once.

Before: arrow keys printed ``^[[D`` into the command, a paste was cut at 4 095 characters by the
terminal's line mode without a word, and Ctrl-C hung until someone pressed Enter.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import subprocess
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.test_console_live import chat_command, environment, read_until

UP, LEFT, CTRL_A, CTRL_C = "\x1b[A", "\x1b[D", "\x01", "\x03"


def _controlling_terminal() -> None:
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # so Ctrl-C on the terminal is a SIGINT, as for a person


def type_keys(fd: int, keys: str) -> None:
    data = keys.encode("utf-8")
    for start in range(0, len(data), 512):  # as a terminal delivers a paste: in pieces
        os.write(fd, data[start : start + 512])
        time.sleep(0.02)


@contextmanager
def chat_on_a_terminal(
    tmp_path: Path, prepare: Callable[[], None] = _controlling_terminal
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``signaalbot chat`` on a pty of its own; yields the terminal's other end and the chat."""
    controller, terminal = pty.openpty()
    chat = subprocess.Popen(
        chat_command(tmp_path / "signaalbot.db", "tess"),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=environment(tmp_path),
        preexec_fn=prepare,
    )
    os.close(terminal)
    try:
        yield controller, chat
    finally:
        if chat.poll() is None:
            chat.kill()
            chat.wait(timeout=10)
        os.close(controller)


def test_a_terminal_edits_lines_keeps_history_takes_a_paste_and_stops_at_ctrl_c(
    tmp_path: Path,
) -> None:
    with chat_on_a_terminal(tmp_path) as (controller, chat):
        assert "signaalbot" in read_until(controller, "> ", 90).lower()
        # "elp", back to the start of the line, "h": the command is "help", not "elp^[[Dh".
        type_keys(controller, f"elp{CTRL_A}h\r")
        shown = read_until(controller, "help vraag", 60)
        assert "Zo werkt signaalbot" in shown and "begrijp ik niet" not in shown
        # ↑ brings the last line back; ← moves the cursor: "hel" + "p" typed in between.
        type_keys(controller, f"{UP}\r")
        assert "Zo werkt signaalbot" in read_until(controller, "help vraag", 60)
        type_keys(controller, f"hep{LEFT}l\r")  # hel|p → "help"
        shown = read_until(controller, "help vraag", 60)
        assert "Zo werkt signaalbot" in shown and "begrijp ik niet" not in shown
        # A paste of more than the terminal's 4 095 characters arrives whole: "too long, N".
        pasted = "signaal " + "woord " * 1700
        type_keys(controller, pasted + "\r")
        shown = read_until(controller, "het waren er", 60)
        shown += read_until(controller, "> ", 10)
        assert f"het waren er {len(pasted.strip())}" in shown, shown[-400:]
        # Ctrl-C: goodbye and the process ends, without waiting for Enter.
        type_keys(controller, CTRL_C)
        assert "Tot ziens!" in read_until(controller, "Tot ziens!", 30)
        assert chat.wait(timeout=30) == 0


def _controlling_terminal_with_ctrl_c_ignored() -> None:
    """As a shell without job control starts a background program (a script, CI): SIGINT
    ignored, which Python keeps; then the chat gets a terminal of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _controlling_terminal()


def test_ctrl_c_works_on_its_own_terminal_even_if_started_with_it_ignored(
    tmp_path: Path,
) -> None:
    with chat_on_a_terminal(tmp_path, _controlling_terminal_with_ctrl_c_ignored) as (
        controller,
        chat,
    ):
        assert "signaalbot" in read_until(controller, "> ", 90).lower()
        type_keys(controller, CTRL_C)
        assert "Tot ziens!" in read_until(controller, "Tot ziens!", 30)
        assert chat.wait(timeout=30) == 0
