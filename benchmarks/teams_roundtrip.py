"""Teams round trip: an activity POSTed to /api/messages until the reply reached the connector.

Runs the real aiohttp app, botbuilder's CloudAdapter and a fake Bot Connector on loopback, with a
SQLite database in a temporary folder. Prints latency percentiles for two kinds of turn:
"help" (one text reply) and "signaal" (a form card, remembered in the database).

    PYTHONPATH=. python benchmarks/teams_roundtrip.py [N]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import bootstrap
from bot.web import build_web_app
from kernel.settings import Settings
from tests.integration.teams.driver import TeamsChat
from tests.integration.teams.fake_connector import FakeConnector


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        runtime = await bootstrap(
            Settings(database_url=url, log_level="error", teams_emulator=True)
        )
        fake = FakeConnector()
        connector = TestServer(fake.app(), host="127.0.0.1")
        await connector.start_server()
        fake.url = str(connector.make_url("/"))  # type: ignore[attr-defined]
        web_app = build_web_app(runtime)
        client = TestClient(TestServer(web_app, host="127.0.0.1"))
        await client.start_server()
        chat = TeamsChat(client=client, connector=fake)
        await chat.say("help")  # warm up: creates the person
        for text in ("help", "signaal"):
            timings = []
            for _ in range(n):
                start = time.perf_counter()
                calls = await chat.say(text)
                timings.append((time.perf_counter() - start) * 1000)
                assert calls, "no reply"
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(
                f"{text:8s} n={n} median={statistics.median(timings):.1f} ms "
                f"p95={p95:.1f} ms max={timings[-1]:.1f} ms"
            )
        await client.close()
        await connector.close()
        await runtime.close()


if __name__ == "__main__":
    from kernel.logging import configure_logging

    configure_logging("console", "error")
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
