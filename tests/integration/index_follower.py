"""A second bot process for the index-sync tests: start, follow, report when refs appear.

Run as ``python -m tests.integration.index_follower DB_URL KIND:REF [KIND:REF ...]``. It starts a
real runtime (the same ``bootstrap`` and scheduler as ``signaalbot serve``, so the same index
job), prints ``ready`` once its index is loaded, then ``found KIND:REF`` for each awaited
document the moment it is searchable in this process, and exits when all were seen (or after
60 seconds, printing ``timeout``).
"""

from __future__ import annotations

import asyncio
import sys
import time

from bot.bootstrap import bootstrap
from kernel.logging import configure_logging
from kernel.settings import Settings


async def main(url: str, wanted: list[str]) -> int:
    settings = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
    configure_logging(settings.log_format, "warning")  # stdout carries only our lines
    runtime = await bootstrap(settings)
    runtime.scheduler.start()
    try:
        index = runtime.services.matcher
        print("ready", flush=True)
        waiting = {tuple(w.split(":", 1)) for w in wanted}
        deadline = time.monotonic() + 60
        while waiting and time.monotonic() < deadline:
            for kind, ref in sorted(waiting):
                if (kind, ref) in index:
                    print(f"found {kind}:{ref}", flush=True)
                    waiting.discard((kind, ref))
            await asyncio.sleep(0.05)
        if waiting:
            print("timeout", flush=True)
            return 1
        return 0
    finally:
        await runtime.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2:])))
