"""What one turn costs: CPU, database transactions and outgoing HTTP calls (issue 14).

Runs one kind of turn ``--n`` times in a row, one at a time, through the real aiohttp app on
loopback (fakes in this process, so the CPU includes theirs: a few tenths of a millisecond per
HTTP call): a Slack ``/signaal`` command until its ``views.open`` arrived, a Slack view
submission (a new signal), a Teams "help" (known people; each kind warms up first), and a
Teams "help" from someone new each time (profile request, person created). Prints per
turn: CPU milliseconds (process time), transactions begun (write / read-only), HTTP calls to
the fakes; with ``--profile`` the top functions by own time (cProfile).

Budget (issue 14): 200 ``views.open`` within 1 s needs < 5 ms of loop CPU per command; 200
Teams answers within 2 s < 10 ms per turn.

Run:  PYTHONPATH=. python benchmarks/turn_profile.py [--n 100] [--profile] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import event

from benchmarks.serve_load import QuietConnector, TimedSlack
from benchmarks.slack_ack import drop, postgres_db
from bot.bootstrap import bootstrap
from bot.web import build_web_app
from kernel.logging import configure_logging
from kernel.settings import Settings
from storage.db import READ_ONLY, upgrade
from tests.integration.teams.driver import TeamsChat
from tests.slack_support import BOT_TOKEN, SIGNING_SECRET, SlackDriver, running, submission
from tests.unit.handlers.util import signal_values


async def profile_turns(url: str, n: int, profile: bool) -> None:
    upgrade(url)
    connector_fake = QuietConnector()
    connector = TestServer(connector_fake.app(), host="127.0.0.1")
    await connector.start_server()
    connector_fake.url = str(connector.make_url("/"))  # type: ignore[attr-defined]
    async with running(TimedSlack()) as fake:
        settings = Settings(
            database_url=url,
            slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
            slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
            slack_api_url=fake.api_url,
            teams_emulator=True,
            log_level="error",
        )
        runtime = await bootstrap(settings)
        client: TestClient[Any, Any] = TestClient(TestServer(build_web_app(runtime)))
        await client.start_server()
        begun: Counter[str] = Counter()

        def on_begin(connection: Any) -> None:
            read = connection.get_execution_options().get(READ_ONLY)
            begun["read" if read else "write"] += 1

        event.listen(runtime.services.db.engine.sync_engine, "begin", on_begin)
        adapter = runtime.slack
        assert adapter is not None
        driver = SlackDriver(client, fake, user="UPROF")
        chat = TeamsChat(client=client, connector=connector_fake)

        async def command() -> None:
            await driver.slash("/signaal")
            await adapter.drain()  # the modal opens in work started before the ack returned

        view: dict[str, Any] = {}

        async def submit() -> None:
            values = signal_values(f"Lange wachttijd traplift wijk {uuid.uuid4().hex[:6]}")
            status, _ = await driver.interact(submission(view, values, user="UPROF"))
            assert status == 200
            await adapter.drain()

        async def teams() -> None:
            await chat.say("help")

        async def teams_new() -> None:
            someone = uuid.uuid4().hex[:8]
            await TeamsChat(
                client=client,
                connector=connector_fake,
                user_id=f"29:{someone}",
                aad=f"aad-{someone}",
                conversation_id=f"a:personal-{someone}",
            ).say("help")

        try:
            await command()
            view.update(fake.modal())
            kinds: list[tuple[str, Callable[[], Awaitable[None]]]] = [
                ("slack /signaal until views.open", command),
                ("slack view submission (new signal)", submit),
                ("teams help", teams),
                ("teams help, someone new each time", teams_new),
            ]
            for name, turn in kinds:
                await turn()  # warm up
                begun.clear()
                calls = len(fake.calls) + len(fake.responses) + len(connector_fake.calls)
                profiler = cProfile.Profile() if profile else None
                cpu, wall = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.enable()
                for _ in range(n):
                    await turn()
                if profiler:
                    profiler.disable()
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                calls = len(fake.calls) + len(fake.responses) + len(connector_fake.calls) - calls
                print(
                    f"| {name} | {1000 * cpu / n:.1f} | {1000 * wall / n:.1f} | "
                    f"{begun['write'] / n:.1f} / {begun['read'] / n:.1f} | {calls / n:.1f} |",
                    flush=True,
                )
                if profiler:
                    out = io.StringIO()
                    stats = pstats.Stats(profiler, stream=out)
                    stats.sort_stats("tottime").print_stats(25)
                    stats.sort_stats("cumulative").print_stats(60)
                    print(out.getvalue())
        finally:
            await client.close()
            await runtime.close()
            await connector.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    args = parser.parse_args()
    configure_logging("console", "error")
    print("| turn | CPU ms | wall ms | transactions write / read | HTTP calls |")
    print("|---|---|---|---|---|")
    if args.postgres:
        pg = postgres_db(args.postgres)
        try:
            asyncio.run(profile_turns(pg, args.n, args.profile))
        finally:
            drop(pg)
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(profile_turns(f"sqlite:///{Path(folder) / 'p.db'}", args.n, args.profile))


if __name__ == "__main__":
    main()
