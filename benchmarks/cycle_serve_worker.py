"""A ``signaalbot serve``-like process for the crash benchmark: the bot, its web app (/healthz)
and the cycle scheduler ticking every second, sending through the fake chat API.

    python benchmarks/cycle_serve_worker.py --db URL --api http://127.0.0.1:PORT --port 0
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses

from aiohttp import web

from benchmarks.cycle_fake_api import AlwaysOpen, HttpMessenger
from bot.bootstrap import bootstrap
from bot.web import build_web_app
from cycle.engine import kit_for
from cycle.scheduler import CycleScheduler
from kernel.logging import configure_logging
from kernel.settings import Settings


async def main(db: str, api: str, port: int, lease: int) -> None:
    configure_logging("json", "warning")
    messenger = HttpMessenger(api)
    runtime = await bootstrap(
        Settings(database_url=db, _env_file=None),  # type: ignore[call-arg]
        messengers={"console": messenger},
    )
    bot = runtime.bot
    base = kit_for(bot.services)
    rules = dataclasses.replace(
        base.rules, tick_interval_seconds=1, lease_seconds=lease, batch_size=50
    )
    kit = dataclasses.replace(base, calendar=AlwaysOpen(), rules=rules)
    scheduler = CycleScheduler(bot.services, runtime.messengers, kit=kit)
    scheduler.start()
    runner = web.AppRunner(build_web_app(runtime))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await asyncio.Event().wait()
    finally:
        scheduler.shutdown()
        await messenger.close()
        await runner.cleanup()
        await runtime.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lease", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.db, args.api, args.port, args.lease))
