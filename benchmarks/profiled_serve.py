"""Run a module under cProfile and write the profile also when it is stopped (SIGINT, SIGTERM).

Why: ``python -m cProfile -o FILE -m bot serve`` writes nothing when the server is stopped
(``KeyboardInterrupt`` leaves cProfile before it saves; SIGTERM ends the process at once), and
a server only ends that way. Here both signals become ``KeyboardInterrupt`` (a process started
in the background by a shell even has SIGINT ignored) and the profile is saved on the way out.
Only the main thread is profiled: the event loop, which is what a blocked request waits for.

    python benchmarks/profiled_serve.py OUT.prof -m bot serve
"""

from __future__ import annotations

import cProfile
import runpy
import signal
import sys
from types import FrameType


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    out, flag, module, *rest = sys.argv[1:]
    if flag != "-m":
        raise SystemExit("usage: profiled_serve.py OUT.prof -m MODULE [ARGS...]")
    sys.argv = [module, *rest]
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    profile = cProfile.Profile()
    try:
        profile.runcall(runpy.run_module, module, run_name="__main__", alter_sys=True)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        profile.dump_stats(out)


if __name__ == "__main__":
    main()
