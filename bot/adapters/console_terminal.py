"""Reading lines on a terminal: line editing, history, a whole paste, and Ctrl-C that works.

Why the standard library's ``readline`` (GNU readline, via ``input()``): it is the line editor
of the Python prompt and of bash, needs no extra package on a server, and fixes what a plain
``readline()`` on a terminal lacks: arrow keys move the cursor instead of printing ``^[[D``,
↑ brings back earlier lines, and a long paste arrives whole (the terminal's own line mode stops
at 4 095 characters without a word; readline reads key by key). Piped input keeps the plain
read, so scripts and tests see no difference.

Why a daemon thread per line: a read blocked in asyncio's default executor keeps the process
alive after Ctrl-C until someone presses Enter. A daemon thread does not, and the terminal's
settings are put back when the chat ends, however it ends.
"""

from __future__ import annotations

import asyncio
import os
import readline  # GNU readline, part of Python on Linux and macOS: input() edits lines
import signal
import sys
import termios
import threading
from contextlib import suppress
from typing import Any


class TerminalLines:
    """``await read(prompt)`` → the typed line, or None at Ctrl-D; Ctrl-C raises as usual."""

    def __init__(self) -> None:
        self._fd = sys.stdin.fileno()
        self._saved: list[Any] | None = None
        with suppress(termios.error):
            self._saved = termios.tcgetattr(self._fd)
        readline.set_auto_history(True)

    async def read(self, prompt: str) -> str | None:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str | None] = loop.create_future()

        def deliver(line: str | None) -> None:
            if not answer.done():
                answer.set_result(line)

        def work() -> None:
            try:
                line: str | None = input(prompt)
            except EOFError:
                line = None
            with suppress(RuntimeError):  # the loop closed meanwhile (the chat ended)
                loop.call_soon_threadsafe(deliver, line)

        threading.Thread(target=work, name="console-input", daemon=True).start()
        return await answer

    def redraw(self, prompt: str) -> None:
        """After a message was printed over the prompt: the prompt and what was typed so far."""
        sys.stdout.write(prompt + readline.get_line_buffer())
        sys.stdout.flush()

    def restore(self) -> None:
        """Put the terminal back as it was (readline may be halfway through a line)."""
        if self._saved is not None:
            with suppress(termios.error):
                termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)


def ctrl_c_from_own_terminal(fd: int) -> None:
    """Ctrl-C works when the chat is the terminal's foreground program, however it was started.

    A shell without job control (a script, CI, ``cmd &`` in ``sh -c``) starts its background
    programs with SIGINT ignored, and Python keeps an ignored SIGINT ignored: a chat started
    from there and then given a terminal (``setsid`` and a pty, as a terminal emulator does)
    would ignore the person's Ctrl-C. In the foreground of its own terminal the key is meant
    for the chat, so the default handler is put back (before ``asyncio.run``, which then turns
    Ctrl-C into cancelling the chat); anywhere else it is left alone.
    """
    with suppress(OSError):
        if os.tcgetpgrp(fd) != os.getpgrp():
            return
        if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
