"""How long `signaalbot demo` takes for a whole year, and what it sends.

Run: PYTHONPATH=. python benchmarks/demo_year.py [OUT_DIR]

Uses the real working-time calendar, series and learning cycle when they are installed;
otherwise the stand-ins from tests/sessions/standins.py (the script says which).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bot.demo import DemoParts, default_parts, run_demo
from cycle.session_ports import MissingPartError
from kernel.logging import configure_logging
from kernel.settings import Settings


def parts_for(out: Path) -> tuple[DemoParts, str]:
    try:
        return default_parts(out), "real parts"
    except MissingPartError as exc:
        from tests.sessions.standins import StandInCycles, stand_in_toolkit
        from tests.sessions.test_demo import StandInCycleTick

        cycles = StandInCycles()
        toolkit = stand_in_toolkit(out, cycles)
        tick = StandInCycleTick(cycles, toolkit)
        return DemoParts(toolkit=toolkit, extra_ticks=(tick,)), f"stand-ins ({exc})"


def main() -> None:
    configure_logging("console", "warning")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="demo-"))
    parts, which = parts_for(out)
    began = time.perf_counter()
    result = asyncio.run(run_demo(out, parts=parts, settings=Settings()))
    seconds = time.perf_counter() - began
    print(f"{which}: {result.messages} messages, {result.charts} charts in {seconds:.1f} s")
    for kind, count in sorted(result.kinds.items()):
        print(f"  {kind:<18} {count}")
    print(f"transcript: {result.transcript}")


if __name__ == "__main__":
    main()
