"""Ack latency of the Slack endpoint with 100k signals in the database.

Measures, through the real aiohttp app on loopback with signed requests and a fake Slack Web
API: the time until Slack would get its answer for (a) ``/signaal`` (ack at once; the modal
opens afterwards) and (b) a modal submission (the handler runs before the ack, because
validation errors travel in the ack). Background work is drained between requests, untimed.

Run:  PYTHONPATH=. python benchmarks/slack_ack.py [--n 300] [--signals 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bot.bootstrap import bootstrap
from bot.web import build_web_app
from kernel.settings import Settings
from storage.db import upgrade
from storage.models import SignalRow
from tests.slack_support import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SlackDriver, running


async def fill(bot: Any, count: int) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    async with bot.services.db.session() as session:
        for offset in range(0, count, 5000):
            rows = [
                {
                    "ref": f"IMP-{i:06d}",
                    "text": f"Signaal {i}: wachtlijst jeugdhulp in wijk {i % 40} loopt op",
                    "theme_key": None,
                    "subdomain_key": None,
                    "status": "nieuw",
                    "created_at": start + timedelta(minutes=i),
                    "updated_at": start + timedelta(minutes=i),
                }
                for i in range(offset, min(offset + 5000, count))
            ]
            await session.execute(insert(SignalRow), rows)
        await session.commit()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(url: str, n: int, signals: int) -> dict[str, tuple[float, float]]:
    upgrade(url)
    async with running(FakeSlack()) as fake:
        settings = Settings(
            database_url=url,
            slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
            slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
            slack_api_url=fake.api_url,
            log_level="warning",
        )
        from kernel.logging import configure_logging

        configure_logging("console", "warning")
        runtime = await bootstrap(settings)
        bot = runtime.bot
        await fill(bot, signals)
        web_app = build_web_app(runtime)
        adapter = runtime.slack
        assert adapter is not None
        results: dict[str, tuple[float, float]] = {}
        async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
            driver = SlackDriver(client, fake, user="UBENCH")
            await driver.slash("/signaal")  # warm up (auth.test, person created)
            await adapter.drain()
            view = fake.modal()
            theme = view["blocks"][1]["element"]["options"][0]["value"]
            slash: list[float] = []
            for _ in range(n):
                began = time.perf_counter()
                status, _ = await driver.slash("/signaal")
                slash.append((time.perf_counter() - began) * 1000)
                assert status == 200
                await adapter.drain()
            submit: list[float] = []
            for i in range(n):
                text = f"Benchmark signaal {i}: jongeren wachten lang op hulp in de wijk"
                began = time.perf_counter()
                answer = await driver.submit({"text": text, "theme": theme}, view)
                submit.append((time.perf_counter() - began) * 1000)
                assert answer["response_action"] == "update", answer
                await adapter.drain()
            for name, values in (("slash command", slash), ("view submission", submit)):
                results[name] = (statistics.median(values), pct(values, 0.99))
        await runtime.close()
    return results


def postgres_db(admin: str) -> str:
    name = f"sb_bench_{uuid.uuid4().hex[:8]}"
    conninfo = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def drop(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--signals", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{Path(folder) / 'bench.db'}"
        rows = [("SQLite", asyncio.run(measure(sqlite, args.n, args.signals)))]
    pg = postgres_db(args.postgres)
    try:
        rows.append(("PostgreSQL", asyncio.run(measure(pg, args.n, args.signals))))
    finally:
        drop(pg)
    print(f"{args.signals} signals, {args.n} requests each; ack latency in ms")
    print("| database | request | p50 | p99 |")
    print("|---|---|---|---|")
    for db, results in rows:
        for name, (p50, p99) in results.items():
            print(f"| {db} | {name} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
