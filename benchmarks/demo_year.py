"""How long `signaalbot demo` takes for a whole year, and what it sends.

Run: PYTHONPATH=. python benchmarks/demo_year.py [OUT_DIR]

The demo is the real product (one bootstrap, the real scheduler and dispatcher); only the
messengers record.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bot.demo import run_demo
from bot.demo_data import default_parts
from kernel.logging import configure_logging
from kernel.settings import Settings


def main() -> None:
    configure_logging("console", "warning")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="demo-"))
    began = time.perf_counter()
    result = asyncio.run(run_demo(out, parts=default_parts(out), settings=Settings()))
    seconds = time.perf_counter() - began
    print(f"{result.messages} messages, {result.charts} charts in {seconds:.1f} s")
    for kind, count in sorted(result.kinds.items()):
        print(f"  {kind:<18} {count}")
    print(f"transcript: {result.transcript}")


if __name__ == "__main__":
    main()
