"""Benchmark: ``tick`` over N active learning cycles, then dispatching N prompts to a local fake
chat API over loopback HTTP. Reports wall time and peak memory (RSS) per phase.

    PYTHONPATH=. python benchmarks/cycle_bench.py                 # SQLite, 10,000 cycles
    PYTHONPATH=. python benchmarks/cycle_bench.py --postgres      # a scratch PostgreSQL database
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from benchmarks.cycle_fake_api import AlwaysOpen, FakeApi, HttpMessenger
from cycle.dispatcher import Dispatcher
from cycle.engine import CycleKit, kit_for, tick
from kernel.clock import ManualClock
from kernel.logging import configure_logging
from kernel.settings import Settings
from storage.db import upgrade
from storage.models import (
    CycleStageOwnerRow,
    CycleStageRow,
    LearningCycleRow,
    PersonIdentityRow,
    PersonRow,
)
from tests.helpers import bootstrap_bot

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Amsterdam


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def seed(bot_url: str, n: int) -> None:
    from storage.db import Database

    db = Database(bot_url)
    started = NOW - timedelta(hours=2)
    due = (NOW + timedelta(days=20)).date()
    async with db.session() as s:
        await s.execute(
            insert(PersonRow),
            [
                {"id": i, "display_name": f"p{i}", "timezone": "Europe/Amsterdam",
                 "org_type": "municipality", "erased": False, "created_at": started}
                for i in range(1, n + 1)
            ],
        )  # fmt: skip
        await s.execute(
            insert(PersonIdentityRow),
            [
                {"person_id": i, "platform": "console", "user_id": f"p{i}", "last_seen_at": started}
                for i in range(1, n + 1)
            ],
        )
        await s.execute(
            insert(LearningCycleRow),
            [
                {"id": i, "title": f"cyclus {i}", "round": 1, "status": "active",
                 "current_stage": 1, "conclusion": "", "started_at": started}
                for i in range(1, n + 1)
            ],
        )  # fmt: skip
        stages = []
        for i in range(1, n + 1):
            for number in range(1, 5):
                stages.append(
                    {"id": (i - 1) * 4 + number, "cycle_id": i, "number": number, "key": f"s{number}",
                     "status": "active" if number == 1 else "pending",
                     "started_at": started if number == 1 else None,
                     "due_on": due if number == 1 else None, "output": {},
                     "postponements": 0, "extensions": 0}
                )  # fmt: skip
        await s.execute(insert(CycleStageRow), stages)
        await s.execute(
            insert(CycleStageOwnerRow),
            [
                {"stage_id": (i - 1) * 4 + 1, "person_id": i, "assigned_at": started}
                for i in range(1, n + 1)
            ],
        )
        await s.commit()
    await db.dispose()


async def analyze(url: str) -> None:
    """Refresh planner statistics, as autovacuum does on a live database after bulk changes
    (without it, PostgreSQL plans the freshly loaded tables as if they were empty)."""
    from sqlalchemy import text

    from storage.db import Database

    db = Database(url)
    async with db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("ANALYZE"))
    await db.dispose()


async def run(url: str, n: int) -> dict[str, object]:
    configure_logging("console", "warning")
    upgrade(url)
    await seed(url, n)
    await analyze(url)
    clock = ManualClock(NOW)
    bot = await bootstrap_bot(Settings(database_url=url, _env_file=None), clock=clock)  # type: ignore[call-arg]
    base = kit_for(bot.services)
    kit = CycleKit(
        domain=base.domain, calendar=base.calendar, rules=base.rules,
        translator=base.translator, default_tz=base.default_tz,
    )  # fmt: skip
    results: dict[str, object] = {"cycles": n, "database": bot.services.db.dialect}
    rss0 = rss_mb()
    t0 = time.perf_counter()
    first = await tick(bot.services, NOW, kit=kit)
    results["tick_first_s"] = round(time.perf_counter() - t0, 2)
    results["tick_first_inserted"] = first.inserted
    results["rss_after_tick_mb"] = round(rss_mb(), 1)
    await analyze(url)
    t0 = time.perf_counter()
    second = await tick(bot.services, NOW + timedelta(minutes=1), kit=kit)
    results["tick_noop_s"] = round(time.perf_counter() - t0, 2)
    results["tick_noop_inserted"] = second.inserted

    api = FakeApi()
    messenger = HttpMessenger(await api.start())
    dispatcher = Dispatcher(
        bot.services, {"console": messenger}, AlwaysOpen(), kit.rules, worker_id="bench"
    )
    t0 = time.perf_counter()
    dispatched = await dispatcher.run_once(NOW + timedelta(minutes=1))
    elapsed = time.perf_counter() - t0
    results["dispatch_s"] = round(elapsed, 2)
    results["dispatch_sent"] = dispatched.sent
    results["dispatch_per_s"] = round(dispatched.sent / elapsed, 1)
    results["api_deliveries"] = sum(api.deliveries.values())
    results["api_duplicates"] = sum(v - 1 for v in api.deliveries.values() if v > 1)
    results["rss_start_mb"] = round(rss0, 1)
    results["rss_peak_mb"] = round(rss_mb(), 1)
    await messenger.close()
    await api.stop()
    await bot.services.db.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="use a scratch PostgreSQL db")
    parser.add_argument(
        "--postgres-server", default="postgresql://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    if args.postgres:
        name = f"sb_bench_{uuid.uuid4().hex[:8]}"
        admin = make_url(args.postgres_server).set(drivername="postgresql")
        conninfo = admin.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            url = admin.set(database=name).render_as_string(hide_password=False)
            print(json.dumps(asyncio.run(run(url, args.cycles)), indent=2))
        finally:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        print(json.dumps(asyncio.run(run(url, args.cycles)), indent=2))


if __name__ == "__main__":
    main()
